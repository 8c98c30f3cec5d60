import { describe, expect, it } from 'vitest';
import { STORAGE_BATCH_MAX, STORAGE_BUSY_GROUP, STORAGE_COMMIT_WINDOW_MS } from '../../src/common/limits.js';
import { commitDelayMs, takeGroup } from '../../src/node/storage-group.js';

const request = (writes: number) => ({ writes: Array.from({ length: writes }, (_, i) => i) });

describe('takeGroup', () => {
  it('takes queued requests up to STORAGE_BATCH_MAX writes, and at least one', () => {
    const queue = [request(STORAGE_BATCH_MAX - 1), request(1), request(1)];
    expect(takeGroup(queue, 'batch')).toHaveLength(2);
    expect(queue).toHaveLength(1);
    const oversized = [request(STORAGE_BATCH_MAX + 5), request(1)];
    expect(takeGroup(oversized, 'batch')).toHaveLength(1);
    expect(oversized).toHaveLength(1);
  });

  it('commits each request alone in always mode', () => {
    const queue = [request(1), request(1)];
    expect(takeGroup(queue, 'always')).toHaveLength(1);
  });
});

describe('commitDelayMs', () => {
  it('waits out the rest of the window after a busy group in batch mode', () => {
    expect(commitDelayMs('batch', STORAGE_BUSY_GROUP, 1)).toBe(STORAGE_COMMIT_WINDOW_MS - 1);
    expect(commitDelayMs('batch', 100, 0)).toBe(STORAGE_COMMIT_WINDOW_MS);
  });

  it('does not wait once the window has passed', () => {
    expect(commitDelayMs('batch', 100, STORAGE_COMMIT_WINDOW_MS)).toBe(0);
    expect(commitDelayMs('batch', 100, STORAGE_COMMIT_WINDOW_MS + 10)).toBe(0);
  });

  it('does not wait after a small group, nor in always or none mode', () => {
    expect(commitDelayMs('batch', STORAGE_BUSY_GROUP - 1, 0)).toBe(0);
    expect(commitDelayMs('always', 100, 0)).toBe(0);
    expect(commitDelayMs('none', 100, 0)).toBe(0);
  });
});
