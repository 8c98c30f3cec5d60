/**
 * Storage in memory with the semantics of LevelStorage (src/node/io/storage-level.ts): a data
 * keyspace whose key count is kept from StorageWrite.created, a metadata keyspace, atomic batches
 * group-committed after a simulated latency, and a bounded write queue.
 *
 * A MemoryDisk is what survives a crash; a MemoryStorage is one process's open handle on it.
 * `crash()` kills the handle: queued and in-flight batches are never applied, and their promises
 * never settle (the process that awaited them is gone). In this version every completed write is
 * durable; a lossy mode (completed but unsynced writes lost on crash) belongs in
 * `MemoryDisk.crash`, which is the one place that decides what survives.
 */
import { OverloadedError } from '../common/errors.js';
import { STORAGE_QUEUE_MAX } from '../common/limits.js';
import type { SyncMode } from '../node/config.js';
import type { DataEntry, HintEntry, HintPosition, Storage, StorageWrite } from '../node/env.js';
import { commitDelayMs, takeGroup } from '../node/storage-group.js';
import type { SeededRandom } from './random.js';
import type { Scheduler } from './scheduler.js';
import { never, type SimProcess } from './sim-process.js';

/** Simulated latencies in virtual ms, each drawn uniformly from [min, max]. */
export interface StorageTiming {
  readonly batchMs: readonly [number, number];
  readonly metaMs: readonly [number, number];
  /** A range scan: it reads a snapshot when called and answers after this long, as an iterator would. */
  readonly scanMs: readonly [number, number];
}

export const DEFAULT_STORAGE_TIMING: StorageTiming = { batchMs: [1, 3], metaMs: [1, 3], scanMs: [0, 2] };

/** The durable contents of one node's data directory. */
export class MemoryDisk {
  readonly data = new Map<string, Uint8Array>();
  readonly meta = new Map<string, Uint8Array>();
  /** Hints, keyed as LevelStorage orders them: target length, target, key (latin1 of the bytes). */
  readonly hints = new Map<string, Uint8Array>();
  /** The key count as LevelStorage keeps it: from `created` flags, not by counting. */
  keyCount = 0;

  /** Applies one group commit atomically. */
  apply(writes: readonly StorageWrite[]): void {
    for (const w of writes) {
      const k = mapKey(w.key);
      if (w.value === null) this.data.delete(k);
      else this.data.set(k, w.value.slice());
      if (w.created) this.keyCount++;
      else if (w.value === null) this.keyCount--;
    }
  }

  /** The stored bytes of one data key, as the disk holds them now (for checkers). */
  readData(key: Uint8Array): Uint8Array | undefined {
    return this.data.get(mapKey(key));
  }

  /** What a crash leaves: everything applied, since every completed write is synced here. */
  crash(): void {}

  /** Removes everything, as deleting the data directory would. */
  wipe(): void {
    this.data.clear();
    this.meta.clear();
    this.hints.clear();
    this.keyCount = 0;
  }
}

interface Queued {
  readonly writes: readonly StorageWrite[];
  readonly resolve: () => void;
}

/** One process's handle on a MemoryDisk. */
export class MemoryStorage implements Storage {
  private readonly queue: Queued[] = [];
  private flushing = false;
  private readonly idle: (() => void)[] = [];
  /** Size and virtual start time of the last group taken: the commit window's inputs. */
  private lastGroup = 0;
  private lastStart = 0;

  constructor(
    private readonly disk: MemoryDisk,
    private readonly scheduler: Scheduler,
    private readonly random: SeededRandom,
    private readonly process: SimProcess,
    private readonly syncMode: SyncMode,
    private readonly timing: StorageTiming = DEFAULT_STORAGE_TIMING,
  ) {}

  getData(key: Uint8Array): Promise<Uint8Array | undefined> {
    if (!this.process.alive) return never();
    return Promise.resolve(this.disk.data.get(mapKey(key)));
  }

  getDataNow(key: Uint8Array, keyString?: string): Uint8Array | undefined {
    // A stopped process runs no handlers; one still finishing a turn fails this request.
    if (!this.process.alive) throw new Error('storage read on a stopped process');
    return this.disk.data.get(keyString ?? mapKey(key));
  }

  writeData(writes: readonly StorageWrite[]): Promise<void> {
    if (!this.process.alive) return never();
    if (this.queue.length >= STORAGE_QUEUE_MAX) {
      return Promise.reject(new OverloadedError(`storage queue is full (${STORAGE_QUEUE_MAX} writes)`));
    }
    return new Promise((resolve) => {
      this.queue.push({ writes, resolve });
      if (!this.flushing) this.flushNext();
    });
  }

  scanData(gte: Uint8Array, lt: Uint8Array, limit: number): Promise<DataEntry[]> {
    if (!this.process.alive) return never();
    const lo = mapKey(gte);
    const hi = mapKey(lt);
    const keys = [...this.disk.data.keys()]
      .filter((k) => k >= lo && k < hi)
      .sort()
      .slice(0, limit);
    const page = keys.map((k) => ({ key: new Uint8Array(Buffer.from(k, 'latin1')), value: this.disk.data.get(k)! }));
    return new Promise((resolve) => {
      this.scheduler.after(
        this.latency(this.timing.scanMs),
        () => {
          if (this.process.alive) resolve(page);
        },
        `disk ${this.process.name} scan ${page.length}`,
      );
    });
  }

  countData(): number {
    return this.disk.keyCount;
  }

  getHint(target: string, key: Uint8Array): Promise<Uint8Array | undefined> {
    if (!this.process.alive) return never();
    return Promise.resolve(this.disk.hints.get(hintMapKey(target, key)));
  }

  writeHint(target: string, key: Uint8Array, value: Uint8Array | null): Promise<void> {
    if (!this.process.alive) return never();
    const k = hintMapKey(target, key);
    const copy = value?.slice() ?? null;
    return new Promise((resolve) => {
      this.scheduler.after(
        this.latency(this.timing.batchMs),
        () => {
          if (!this.process.alive) return;
          if (copy === null) this.disk.hints.delete(k);
          else this.disk.hints.set(k, copy);
          resolve();
        },
        `disk ${this.process.name} hint ${target}`,
      );
    });
  }

  scanHints(target: string | null, after: HintPosition | null, limit: number): Promise<HintEntry[]> {
    if (!this.process.alive) return never();
    const lower = after === null ? '' : hintMapKey(after.target, after.key);
    const prefix = target === null ? '' : hintMapKey(target, new Uint8Array(0));
    const keys = [...this.disk.hints.keys()]
      .filter((k) => k.startsWith(prefix) && k > lower)
      .sort()
      .slice(0, limit);
    return Promise.resolve(keys.map((k) => ({ ...parseHintMapKey(k), value: this.disk.hints.get(k)! })));
  }

  getMeta(name: string): Promise<Uint8Array | undefined> {
    if (!this.process.alive) return never();
    return Promise.resolve(this.disk.meta.get(name));
  }

  putMeta(name: string, value: Uint8Array): Promise<void> {
    if (!this.process.alive) return never();
    const copy = value.slice();
    return new Promise((resolve) => {
      this.scheduler.after(
        this.latency(this.timing.metaMs),
        () => {
          if (!this.process.alive) return;
          this.disk.meta.set(name, copy);
          resolve();
        },
        `disk ${this.process.name} meta ${name}`,
      );
    });
  }

  /** Resolves once queued batches are written, as LevelStorage.close does. */
  close(): Promise<void> {
    if (!this.process.alive) return never();
    if (!this.flushing && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** The process died: nothing queued or in flight reaches the disk. */
  crash(): void {
    this.process.kill();
    this.queue.length = 0;
    this.idle.length = 0;
    this.disk.crash();
  }

  /** Number of keys really in the data keyspace (to check `countData` against). */
  actualDataKeys(): number {
    return this.disk.data.size;
  }

  private flushNext(): void {
    if (this.queue.length === 0) {
      this.flushing = false;
      for (const done of this.idle.splice(0)) done();
      return;
    }
    this.flushing = true;
    const wait = commitDelayMs(this.syncMode, this.lastGroup, this.scheduler.now() - this.lastStart);
    if (wait > 0) {
      this.scheduler.after(
        wait,
        () => {
          if (this.process.alive) this.commitNext();
        },
        `disk ${this.process.name} commit window`,
      );
      return;
    }
    this.commitNext();
  }

  private commitNext(): void {
    this.lastStart = this.scheduler.now();
    const group = takeGroup(this.queue, this.syncMode);
    this.lastGroup = group.length;
    this.scheduler.after(
      this.latency(this.timing.batchMs),
      () => {
        if (!this.process.alive) return;
        this.disk.apply(group.flatMap((q) => q.writes));
        for (const q of group) q.resolve();
        this.flushNext();
      },
      `disk ${this.process.name} batch ${group.length}`,
    );
  }

  private latency([min, max]: readonly [number, number]): number {
    return this.random.int(min, max);
  }
}

function mapKey(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
}

function hintMapKey(target: string, key: Uint8Array): string {
  const t = Buffer.from(target, 'utf8');
  return String.fromCharCode(t.length) + t.toString('latin1') + mapKey(key);
}

function parseHintMapKey(k: string): HintPosition {
  const length = k.charCodeAt(0);
  const target = Buffer.from(k.slice(1, 1 + length), 'latin1').toString('utf8');
  return { target, key: new Uint8Array(Buffer.from(k.slice(1 + length), 'latin1')) };
}
