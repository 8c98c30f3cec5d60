/** The group-commit rule both storages follow, so the simulator batches exactly as production does. */
import { STORAGE_BATCH_MAX } from '../common/limits.js';
import type { SyncMode } from './config.js';

/**
 * Removes and returns the next group of queued requests to commit as one batch: as many as fit in
 * STORAGE_BATCH_MAX writes (always at least one); in `always` mode each request commits on its own.
 */
export function takeGroup<T extends { readonly writes: readonly unknown[] }>(queue: T[], syncMode: SyncMode): T[] {
  if (syncMode === 'always') return queue.splice(0, 1);
  let n = 0;
  let count = 0;
  while (n < queue.length && (n === 0 || count + queue[n]!.writes.length <= STORAGE_BATCH_MAX)) {
    count += queue[n]!.writes.length;
    n++;
  }
  return queue.splice(0, n);
}
