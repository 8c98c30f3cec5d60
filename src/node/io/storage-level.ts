/**
 * Storage on LevelDB (classic-level). One keyspace with a one-byte prefix per section (data,
 * hints, meta) so that a batch spanning sections is atomic. Writes are group-committed: batches
 * that arrive while one is being written are written together, with one fsync, in the next.
 */
import { ClassicLevel } from 'classic-level';
import { latin1 } from '../../common/bytes.js';
import { OverloadedError } from '../../common/errors.js';
import { STORAGE_CACHE_BYTES, STORAGE_QUEUE_MAX } from '../../common/limits.js';
import type { SyncMode } from '../config.js';
import type { DataEntry, HintEntry, HintPosition, Storage, StorageWrite } from '../env.js';
import { commitDelayMs, takeGroup } from '../storage-group.js';

const DATA = 0x64; // 'd'
const HINT = 0x68; // 'h'
const META = 0x6d; // 'm'

/** A write as LevelDB sees it: the full key, sections prefixed. */
interface RawWrite {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
  /** Change to the data key count once written. */
  readonly keyDelta: number;
  /** For a data write: the cache's key for it (latin1 of the unprefixed key). */
  readonly cacheKey: string | null;
}

/** Allowance per cached entry for the Map slot, the string and the array objects. */
const CACHE_ENTRY_OVERHEAD_BYTES = 160;

/**
 * Data values as LevelDB holds them, for keys read from disk or written, within a byte budget.
 * Every data write updates it once LevelDB has it, and a read fills it from LevelDB, so a hit is
 * exactly what a LevelDB read would return. The key cached first goes first: neither a hit nor an
 * overwrite reorders (that would cost more Map operations per request, and a key evicted while hot
 * is read back from LevelDB once).
 */
class ValueCache {
  private readonly entries = new Map<string, Uint8Array>();
  private used = 0;

  constructor(private readonly budget: number) {}

  get bytes(): number {
    return this.used;
  }

  get(key: string): Uint8Array | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: Uint8Array | null): void {
    const old = this.entries.get(key);
    if (old !== undefined) this.used -= entryBytes(key, old);
    const size = value === null ? 0 : entryBytes(key, value);
    if (value === null || size > this.budget) {
      if (old !== undefined) this.entries.delete(key);
      return;
    }
    // An overwrite keeps the key's place: the order is that of first insertion.
    this.entries.set(key, value);
    this.used += size;
    if (this.used > this.budget) this.evict();
  }

  private evict(): void {
    for (const [k, v] of this.entries) {
      if (this.used <= this.budget) break;
      this.entries.delete(k);
      this.used -= entryBytes(k, v);
    }
  }
}

function entryBytes(key: string, value: Uint8Array): number {
  return key.length + value.byteLength + CACHE_ENTRY_OVERHEAD_BYTES;
}

/** The value alone: a view into a larger buffer (a network frame) would pin all of it. */
function ownBytes(value: Uint8Array): Uint8Array {
  // new Uint8Array copies (a Buffer's slice() would not).
  return value.byteOffset === 0 && value.byteLength === value.buffer.byteLength ? value : new Uint8Array(value);
}

interface Queued {
  readonly writes: readonly RawWrite[];
  /** Synced even in `none` mode (hints are acknowledged as durable). */
  readonly mustSync: boolean;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export class LevelStorage implements Storage {
  private readonly queue: Queued[] = [];
  private flushing = false;
  private keys = 0;
  /** Size and start time (performance.now()) of the last group taken: the commit window's inputs. */
  private lastGroup = 0;
  private lastStart = 0;
  private readonly cache: ValueCache;

  private constructor(
    private readonly db: ClassicLevel<Uint8Array, Uint8Array>,
    private readonly syncMode: SyncMode,
    cacheBytes: number,
  ) {
    this.cache = new ValueCache(cacheBytes);
  }

  /** Opens (creating if needed) the store in `dir` and counts its keys. */
  static async open(dir: string, syncMode: SyncMode, cacheBytes = STORAGE_CACHE_BYTES): Promise<LevelStorage> {
    const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
    await db.open();
    const storage = new LevelStorage(db, syncMode, cacheBytes);
    for await (const _ of db.keys({ gte: Uint8Array.of(DATA), lt: Uint8Array.of(DATA + 1) })) storage.keys++;
    return storage;
  }

  getData(key: Uint8Array): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.getDataNow(key));
  }

  getDataNow(key: Uint8Array, keyString?: string): Uint8Array | undefined {
    const cacheKey = keyString ?? latin1(key);
    const cached = this.cache.get(cacheKey);
    if (cached !== undefined) return cached;
    // getSync costs about a third of an async get here (no thread-pool round trip, no snapshot
    // promise); reads are small and mostly in LevelDB's caches, so blocking the loop that briefly
    // is cheaper.
    const value = this.db.getSync(prefixed(DATA, key));
    if (value !== undefined) this.cache.set(cacheKey, value);
    return value;
  }

  /** Bytes the value cache holds now (within the budget given to open). */
  cachedBytes(): number {
    return this.cache.bytes;
  }

  writeData(writes: readonly StorageWrite[]): Promise<void> {
    const raw = writes.map((w) => ({
      key: prefixed(DATA, w.key),
      value: w.value,
      keyDelta: w.created ? 1 : w.value === null ? -1 : 0,
      cacheKey: w.keyString ?? latin1(w.key),
    }));
    return this.enqueue(raw, false);
  }

  async scanData(gte: Uint8Array, lt: Uint8Array, limit: number): Promise<DataEntry[]> {
    const out: DataEntry[] = [];
    for await (const [k, v] of this.db.iterator({ gte: prefixed(DATA, gte), lt: prefixed(DATA, lt), limit })) {
      out.push({ key: k.slice(1), value: v });
    }
    return out;
  }

  countData(): number {
    return this.keys;
  }

  getHint(target: string, key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.db.get(hintKey(target, key));
  }

  writeHint(target: string, key: Uint8Array, value: Uint8Array | null): Promise<void> {
    return this.enqueue([{ key: hintKey(target, key), value, keyDelta: 0, cacheKey: null }], true);
  }

  async scanHints(target: string | null, after: HintPosition | null, limit: number): Promise<HintEntry[]> {
    const lower = after === null ? null : hintKey(after.target, after.key);
    const start = target === null ? Uint8Array.of(HINT) : targetPrefix(target);
    const end = target === null ? Uint8Array.of(HINT + 1) : prefixEnd(targetPrefix(target));
    const range = lower !== null && compareBytes(lower, start) >= 0 ? { gt: lower, lt: end } : { gte: start, lt: end };
    const out: HintEntry[] = [];
    for await (const [k, v] of this.db.iterator({ ...range, limit })) out.push({ ...parseHintKey(k), value: v });
    return out;
  }

  getMeta(name: string): Promise<Uint8Array | undefined> {
    return this.db.get(prefixed(META, new TextEncoder().encode(name)));
  }

  async putMeta(name: string, value: Uint8Array): Promise<void> {
    await this.db.put(prefixed(META, new TextEncoder().encode(name)), value, { sync: true });
  }

  async close(): Promise<void> {
    while (this.flushing || this.queue.length > 0) await new Promise((r) => setImmediate(r));
    await this.db.close();
  }

  private enqueue(writes: readonly RawWrite[], mustSync: boolean): Promise<void> {
    if (this.queue.length >= STORAGE_QUEUE_MAX) {
      return Promise.reject(new OverloadedError(`storage queue is full (${STORAGE_QUEUE_MAX} writes)`));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ writes, mustSync, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const wait = commitDelayMs(this.syncMode, this.lastGroup, performance.now() - this.lastStart);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        this.lastStart = performance.now();
        const group = takeGroup(this.queue, this.syncMode);
        this.lastGroup = group.length;
        const batch = this.db.batch();
        let delta = 0;
        let mustSync = this.syncMode !== 'none';
        for (const q of group) {
          mustSync ||= q.mustSync;
          for (const w of q.writes) {
            if (w.value === null) batch.del(w.key);
            else batch.put(w.key, w.value);
            delta += w.keyDelta;
          }
        }
        try {
          await batch.write({ sync: mustSync });
          this.keys += delta;
          // In queue order, so the cache ends with each key's last write.
          for (const q of group) {
            for (const w of q.writes) {
              if (w.cacheKey !== null) this.cache.set(w.cacheKey, w.value === null ? null : ownBytes(w.value));
            }
          }
          for (const q of group) q.resolve();
        } catch (err) {
          // What LevelDB now holds for these keys is not known here: let reads ask it.
          for (const q of group) {
            for (const w of q.writes) if (w.cacheKey !== null) this.cache.set(w.cacheKey, null);
          }
          for (const q of group) q.reject(err);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}

/**
 * The key with its section byte in front. A pooled Buffer: LevelDB copies the key, and a small
 * Uint8Array handed to native code would first be moved off the V8 heap.
 */
function prefixed(section: number, key: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(key.length + 1);
  out[0] = section;
  out.set(key, 1);
  return out;
}

/** 'h', target length, target, then the key: one contiguous range per target. */
function targetPrefix(target: string): Uint8Array {
  const t = new TextEncoder().encode(target);
  const out = new Uint8Array(t.length + 2);
  out[0] = HINT;
  out[1] = t.length;
  out.set(t, 2);
  return out;
}

function hintKey(target: string, key: Uint8Array): Uint8Array {
  const p = targetPrefix(target);
  const out = new Uint8Array(p.length + key.length);
  out.set(p, 0);
  out.set(key, p.length);
  return out;
}

function parseHintKey(k: Uint8Array): HintPosition {
  const length = k[1]!;
  return { target: new TextDecoder().decode(k.subarray(2, 2 + length)), key: k.slice(2 + length) };
}

/** The smallest key after every key that starts with `prefix`. */
function prefixEnd(prefix: Uint8Array): Uint8Array {
  const out = prefix.slice();
  out[out.length - 1]! += 1;
  return out;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
