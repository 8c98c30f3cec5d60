/**
 * ringkv as a benchmark target, through the SDK (one stream per node). An update carries the
 * context last seen for its key, as an application doing read-modify-write would, so that it
 * replaces the record instead of piling up siblings (a blind write keeps every version it did
 * not see).
 */
import type { RingClient } from '../../client/ring-client.js';
import type { Consistency } from '../../client/types.js';
import type { BenchTarget } from './workload.js';

export function ringkvTarget(client: RingClient, consistency: Consistency | undefined): BenchTarget {
  const base = consistency === undefined ? {} : { consistency };
  // One entry per record touched: bounded by the record count.
  const contexts = new Map<string, string>();
  return {
    system: 'ringkv',
    read: async (key) => {
      const r = await client.get(key, base);
      contexts.set(key, r.context);
    },
    update: async (key, value) => {
      const context = contexts.get(key);
      const r = await client.put(key, value, context === undefined ? base : { ...base, context });
      contexts.set(key, r.context);
    },
    close: async () => client.close(),
  };
}
