import { describe, expect, it } from 'vitest';
import type { Storage, StorageWrite } from '../../src/node/env.js';
import { Replica, storageKey } from '../../src/node/replica.js';
import { decodeDvvSet, encodeDvvSet } from '../../src/versioning/dvv-codec.js';
import { EMPTY_DVV_SET, liveValues, sync, update } from '../../src/versioning/dvv-set.js';

/** The two data calls a Replica makes, over a Map; writes are durable at once. */
function mapStorage(): { storage: Storage; data: Map<string, Uint8Array> } {
  const data = new Map<string, Uint8Array>();
  const id = (k: Uint8Array) => Buffer.from(k).toString('hex');
  const storage = {
    getData: async (key: Uint8Array) => data.get(id(key)),
    writeData: async (writes: readonly StorageWrite[]) => {
      for (const w of writes) {
        if (w.value === null) data.delete(id(w.key));
        else data.set(id(w.key), w.value);
      }
    },
  } as unknown as Storage;
  return { storage, data };
}

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const equalBytes = (a: Uint8Array | undefined, b: Uint8Array) => a !== undefined && Buffer.from(a).equals(b);

describe('Replica.merge', () => {
  const skey = storageKey(7, bytes('k'));
  const first = update(EMPTY_DVV_SET, new Map(), bytes('v1'), 'n1.a');
  const second = update(first, first.vv, bytes('v2'), 'n2.b');
  const concurrent = update(first, first.vv, bytes('v3'), 'n3.c');

  it('stores a superseding version exactly as it came, and the same bytes the codec would make', async () => {
    const { storage, data } = mapStorage();
    const replica = new Replica(storage);
    const incoming = encodeDvvSet(first);
    const merged = await replica.merge(skey, incoming);
    expect(liveValues(merged).map(text)).toEqual(['v1']);
    expect(equalBytes([...data.values()][0], incoming)).toBe(true);

    const newer = encodeDvvSet(second);
    await replica.merge(skey, newer);
    expect(equalBytes([...data.values()][0], newer)).toBe(true);
  });

  it('stores the encoding of the merge when the incoming version is concurrent with the local one', async () => {
    const { storage, data } = mapStorage();
    const replica = new Replica(storage);
    await replica.merge(skey, encodeDvvSet(second));
    const merged = await replica.merge(skey, encodeDvvSet(concurrent));
    expect(liveValues(merged).map(text).sort()).toEqual(['v2', 'v3']);
    const stored = [...data.values()][0]!;
    expect(Buffer.from(stored).equals(Buffer.from(encodeDvvSet(sync(second, concurrent))))).toBe(true);
    expect(liveValues(decodeDvvSet(stored)).map(text).sort()).toEqual(['v2', 'v3']);
  });

  it('writes nothing for a version it already has, and rejects malformed bytes without touching the key', async () => {
    const { storage, data } = mapStorage();
    const replica = new Replica(storage);
    await replica.merge(skey, encodeDvvSet(second));
    const before = [...data.values()][0];
    await replica.merge(skey, encodeDvvSet(first));
    expect([...data.values()][0]).toBe(before);
    await expect(replica.merge(skey, Uint8Array.of(9, 9, 9))).rejects.toThrow(/malformed DVV set/);
    expect([...data.values()][0]).toBe(before);
    expect(liveValues(await replica.read(skey)).map(text)).toEqual(['v2']);
  });
});
