/**
 * The node's only window on the world (design.md §5). Production wires the adapters in
 * src/node/io; the simulator wires virtual time, an in-memory store and a simulated network.
 * Nothing in src/node outside io/ may reach time, randomness, the network or the disk otherwise.
 */
import type { ErrorDetails } from '../common/errors.js';
import type { HelloRequest } from '../gen/ringkv/v1/HelloRequest.js';
import type { HelloResponse__Output } from '../gen/ringkv/v1/HelloResponse.js';
import type { PutResponse } from '../gen/ringkv/v1/PutResponse.js';
import type { RequestOptions__Output } from '../gen/ringkv/v1/RequestOptions.js';

/** Wall clock and timers. Timers must not keep the process alive (unref'd). */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` once after `ms`; returns a cancel function. */
  setTimer(ms: number, fn: () => void): () => void;
}

/** A seeded source of randomness. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** `bytes` random bytes as lowercase hex. */
  hex(bytes: number): string;
}

/** Structured logger (pino-compatible subset). */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** One write in an atomic storage batch; `value: null` deletes the key. */
export interface StorageWrite {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
  /** True when the key did not exist before this write (keeps the key count exact). */
  readonly created: boolean;
  /** latin1(key), when the caller has it already: a storage keyed by strings need not build it again. */
  readonly keyString?: string;
}

/** One stored data entry (storage key and encoded version). */
export interface DataEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/** Where a hint scan stands. */
export interface HintPosition {
  readonly target: string;
  readonly key: Uint8Array;
}

/** One stored hint. */
export interface HintEntry extends HintPosition {
  readonly value: Uint8Array;
}

/** The node's durable state: data, hints held for other nodes, and a little metadata. */
export interface Storage {
  getData(key: Uint8Array): Promise<Uint8Array | undefined>;
  /**
   * What getData would resolve with, answered without waiting, by a storage that can (both of
   * ringkv's can: LevelDB from its value cache or a synchronous read). It lets a replica run an
   * uncontended read-modify-write in one turn, with no promise between the read and the write.
   * `keyString`, if given, is latin1(key).
   */
  getDataNow?(key: Uint8Array, keyString?: string): Uint8Array | undefined;
  /**
   * Applies the writes as one atomic batch and resolves once they are as durable as the
   * configured sync mode promises (group-committed with other concurrent batches).
   */
  writeData(writes: readonly StorageWrite[]): Promise<void>;
  /** Up to `limit` data entries with gte <= key < lt, in key order. */
  scanData(gte: Uint8Array, lt: Uint8Array, limit: number): Promise<DataEntry[]>;
  /** Number of keys in the data keyspace (maintained, not counted on each call). */
  countData(): number;
  /** The hint kept for `target` under `key`, if any. */
  getHint(target: string, key: Uint8Array): Promise<Uint8Array | undefined>;
  /** Stores (or, with `value: null`, removes) one hint; resolves once durable (group-committed, synced). */
  writeHint(target: string, key: Uint8Array, value: Uint8Array | null): Promise<void>;
  /**
   * Up to `limit` hints in (target, key) order, starting after `after`; only `target`'s when it
   * is given.
   */
  scanHints(target: string | null, after: HintPosition | null, limit: number): Promise<HintEntry[]>;
  getMeta(name: string): Promise<Uint8Array | undefined>;
  /** Durably stores one metadata entry (always synced). */
  putMeta(name: string, value: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** A peer as the transport addresses it. */
export interface PeerAddress {
  readonly id: string;
  readonly address: string;
}

/** Requests one node sends another. */
/** A key and its encoded version, as anti-entropy exchanges them. */
export interface KeyVersion {
  readonly key: Uint8Array;
  readonly state: Uint8Array;
}

/** Keys and bytes a node holds in one partition (known = false when it keeps no count for it). */
export interface PartitionStatsEntry {
  readonly partition: number;
  readonly known: boolean;
  readonly keys: number;
  readonly bytes: number;
}

/** One node's liveness counter, as gossip spreads it. */
export interface Heartbeat {
  readonly nodeId: string;
  readonly actor: string;
  readonly startedAtS: number;
  readonly counter: number;
}

/**
 * Requests one node sends another. `forNode` (non-empty) addresses a fallback: it reads or keeps
 * the version as a hint for that primary.
 */
export type PeerRequest =
  | { readonly type: 'replicaGet'; readonly key: Uint8Array; readonly forNode: string }
  | { readonly type: 'replicaPut'; readonly key: Uint8Array; readonly state: Uint8Array; readonly forNode: string }
  | { readonly type: 'gossip'; readonly epoch: number; readonly heartbeats: readonly Heartbeat[] }
  | { readonly type: 'treeRequest'; readonly partition: number; readonly root: Uint8Array }
  | { readonly type: 'segmentRequest'; readonly partition: number; readonly segments: readonly number[] }
  | { readonly type: 'purge'; readonly key: Uint8Array; readonly state: Uint8Array }
  | { readonly type: 'transferPull'; readonly partition: number; readonly after: Uint8Array; readonly limit: number }
  | { readonly type: 'partitionStats'; readonly partitions: readonly number[] }
  | {
      readonly type: 'coordinatePut';
      readonly key: Uint8Array;
      readonly value: Uint8Array;
      readonly context: string;
      readonly delete: boolean;
      readonly options: RequestOptions__Output;
      /** Forwards so far, this one included. */
      readonly hops: number;
    };

/** Replies to peer requests. Transport failures are replies too (code UNAVAILABLE or TIMEOUT). */
export type PeerReply =
  | { readonly type: 'replicaReply'; readonly found: boolean; readonly state: Uint8Array }
  | { readonly type: 'coordinateReply'; readonly response: PutResponse }
  | { readonly type: 'gossipReply'; readonly epoch: number; readonly heartbeats: readonly Heartbeat[] }
  | { readonly type: 'treeReply'; readonly equal: boolean; readonly leaves: Uint8Array }
  | { readonly type: 'segmentReply'; readonly entries: readonly KeyVersion[]; readonly truncated: boolean }
  | { readonly type: 'transferChunk'; readonly entries: readonly KeyVersion[]; readonly done: boolean }
  | { readonly type: 'partitionStatsReply'; readonly stats: readonly PartitionStatsEntry[] }
  | {
      readonly type: 'error';
      readonly code: string;
      readonly message: string;
      /** The RingError's details, when the peer answered with one. */
      readonly details?: ErrorDetails;
      /** True when the request certainly never reached the peer (safe to send elsewhere). */
      readonly undelivered?: boolean;
    };

/** Serves requests from peers. */
export type PeerHandler = (from: string, request: PeerRequest, budgetMs: number) => Promise<PeerReply>;

/** Node-to-node messaging: batched over one long-lived stream per peer in production. */
export interface PeerTransport {
  /** Sends `request` and resolves with the reply, or an error reply once `budgetMs` passes. */
  request(to: PeerAddress, request: PeerRequest, budgetMs: number): Promise<PeerReply>;
  /** Asks the node at `address` who it is and what ring it has; rejects if unreachable. */
  hello(address: string, request: HelloRequest, budgetMs: number): Promise<HelloResponse__Output>;
  close(): Promise<void>;
}

/** Everything the node logic may use to touch the world. */
export interface Env {
  readonly clock: Clock;
  readonly random: Random;
  readonly transport: PeerTransport;
  readonly storage: Storage;
  readonly log: Logger;
}
