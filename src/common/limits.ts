/**
 * Every bound in ringkv, in one place, unit last. API-edge limits are the defaults of the
 * configurable `Limits`; internal repair paths never enforce them.
 */

/** Largest key accepted from a client, in bytes. */
export const KEY_BYTES_MAX = 1024;
/** Largest value accepted from a client, in bytes. */
export const VALUE_BYTES_MAX = 1024 * 1024;
/** Most siblings a client write may leave on one key. */
export const SIBLINGS_MAX = 100;
/** Largest context string accepted from a client, in characters. */
export const CONTEXT_CHARS_MAX = 16 * 1024;

/** Actor ids whose UTF-8 form the version codecs keep (emptied when full). */
export const ACTOR_UTF8_CACHE_MAX = 4096;

/** Default number of partitions (a power of two). */
export const PARTITIONS_DEFAULT = 256;
/** Largest partition count a ring may have. */
export const PARTITIONS_MAX = 65536;
/** Default replication factor. */
export const REPLICAS_DEFAULT = 3;
/** Most replicas a key may have. */
export const REPLICAS_MAX = 7;

/** Default time budget of a client request. */
export const REQUEST_TIMEOUT_MS_DEFAULT = 5000;
/** Largest time budget a client may ask for. */
export const REQUEST_TIMEOUT_MS_MAX = 60_000;
/** Deadline of an internal status or hello RPC. */
export const ADMIN_RPC_TIMEOUT_MS = 2000;

/** Most messages waiting to be sent to one peer before new sends fail as OVERLOADED. */
export const PEER_QUEUE_MAX = 10_000;
/** Most messages in one frame on a peer stream. */
export const PEER_BATCH_MAX = 256;
/** Most payload bytes in one frame on a peer stream (a single larger message still goes alone). */
export const PEER_BATCH_BYTES_MAX = 4 * 1024 * 1024;
/** Most requests awaiting replies from one peer. */
export const PEER_INFLIGHT_MAX = 20_000;
/** Delay before reopening a broken peer stream, first and last step of the backoff. */
export const PEER_RECONNECT_MS_MIN = 50;
export const PEER_RECONNECT_MS_MAX = 2000;

/** Most client requests a node coordinates at once before answering OVERLOADED. */
export const COORDINATOR_INFLIGHT_MAX = 10_000;
/** Most replica writes in one storage batch (group commit). */
export const STORAGE_BATCH_MAX = 512;
/** Most replica writes waiting for the storage batch before new ones fail as OVERLOADED. */
export const STORAGE_QUEUE_MAX = 20_000;
/**
 * While the store is busy (its last synced group held at least STORAGE_BUSY_GROUP requests), a
 * synced group starts at least this long after the previous one started, so more writes share
 * each fsync. An idle or lightly loaded store (smaller groups) syncs at once. 8 ms rather than 4
 * halved the fsyncs per node under workload U (about 190 to 100 a second) for about 2% less node
 * CPU per put and no worse p99 (4 alternating pairs of runs, 2026-12-02).
 */
export const STORAGE_COMMIT_WINDOW_MS = 8;
/**
 * Bytes of recently read or written data versions a node keeps in memory (keys, values and an
 * allowance per entry), so the read before each replica write seldom goes to LevelDB.
 */
export const STORAGE_CACHE_BYTES = 32 * 1024 * 1024;
export const STORAGE_BUSY_GROUP = 4;

/** Interval between hello rounds while a node forms its ring. */
export const FORMATION_RETRY_MS = 200;

/** SDK: read attempts on successive replicas, and the backoff between them. */
export const CLIENT_READ_ATTEMPTS_MAX = 3;
export const CLIENT_RETRY_BACKOFF_MS_MIN = 20;
export const CLIENT_RETRY_BACKOFF_MS_MAX = 500;
/** SDK: how often the ring is refreshed in the background. */
export const CLIENT_RING_REFRESH_MS = 5000;

/** Limits enforced at the API edge; a node may be configured with other values. */
export interface Limits {
  readonly keyBytesMax: number;
  readonly valueBytesMax: number;
  readonly siblingsMax: number;
}

export const DEFAULT_LIMITS: Limits = {
  keyBytesMax: KEY_BYTES_MAX,
  valueBytesMax: VALUE_BYTES_MAX,
  siblingsMax: SIBLINGS_MAX,
};

/** Gossip: one round per interval to this many random peers, each round bounded by a timeout. */
export const GOSSIP_INTERVAL_MS = 500;
export const GOSSIP_FANOUT = 2;
export const GOSSIP_TIMEOUT_MS = 1000;

/** Phi-accrual failure detection: inter-arrival samples kept per peer, and the thresholds. */
export const DETECTOR_WINDOW_MAX = 100;
export const PHI_SUSPECT = 5;
export const PHI_DOWN = 8;

/** A primary that has not answered a replica request after this long gets a fallback too. */
export const SLOPPY_AFTER_MS = 400;

/** Hints held for one primary: at most this many keys and bytes, each at most this old. */
export const HINTS_PER_TARGET_MAX = 200_000;
export const HINT_BYTES_PER_TARGET_MAX = 512 * 1024 * 1024;
export const HINT_AGE_MS_MAX = 3 * 60 * 60 * 1000;
/** Hint replay: keys per batch, pause between batches (together they pace handoff). */
export const HINT_REPLAY_BATCH_MAX = 100;
export const HINT_REPLAY_INTERVAL_MS = 50;
/** How often a node with no hints at all looks again (hints arrive through store(), which wakes it). */
export const HINT_IDLE_INTERVAL_MS = 1000;
/** Deadline for one replayed hint. */
export const HINT_REPLAY_TIMEOUT_MS = 2000;
/** Window over which the handoff rate is measured. */
export const HANDOFF_RATE_WINDOW_MS = 5000;

/** Anti-entropy: segments per partition tree, pause between exchanges, exchanges in flight. */
export const AE_SEGMENTS = 256;
export const AE_EXCHANGE_INTERVAL_MS = 100;
export const AE_EXCHANGES_INFLIGHT_MAX = 2;
/**
 * Pause between exchanges once a whole round over a node's partitions found nothing to repair: a
 * healthy cluster then compares each tree about every Q·N/S seconds instead of ten times as often.
 * A repair (by this node or a peer), a ring change, a restart, a peer suspect or down, or back up,
 * return to AE_EXCHANGE_INTERVAL_MS for at least another round.
 */
export const AE_EXCHANGE_INTERVAL_MS_MAX = 1000;
/**
 * When an exchange finds at most AE_CONFIRM_SEGMENTS_MAX differing segments (typical of writes in
 * flight), it looks again after AE_CONFIRM_MS and repairs only those still differing; more
 * differences (a replica that lost data) are repaired at once.
 */
export const AE_CONFIRM_MS = 500;
export const AE_CONFIRM_SEGMENTS_MAX = 8;
/** Differing segments repaired per exchange, and keys one segment reply may carry. */
export const AE_SEGMENTS_PER_EXCHANGE_MAX = 64;
export const AE_SEGMENT_KEYS_MAX = 2000;
/** Keys anti-entropy may repair per second (a token bucket), so repair never swamps clients. */
export const AE_REPAIR_KEYS_PER_S = 2000;
/** Deadline of one exchange step. */
export const AE_STEP_TIMEOUT_MS = 5000;
/** Keys read per page when rebuilding a tree from storage. */
export const AE_SCAN_PAGE_MAX = 1000;
/** How often each tree is rebuilt from storage and compared with the incremental one. */
export const AE_VERIFY_INTERVAL_MS = 10 * 60 * 1000;
/**
 * A tombstone is removed once every primary holds it and it is older than this. It must exceed
 * the hint window: a hint older than the tombstone could otherwise bring the value back.
 */
export const TOMBSTONE_GRACE_MS_DEFAULT = HINT_AGE_MS_MAX + 60 * 60 * 1000;

/** KV stream (SDK to node): most requests one client stream may have in flight at a node. */
export const KV_STREAM_INFLIGHT_MAX = 4096;
/** Most messages, and approximate payload bytes, in one reply frame (a larger reply goes alone). */
export const KV_FRAME_MESSAGES_MAX = 256;
export const KV_FRAME_BYTES_MAX = 4 * 1024 * 1024;
/** Room left in a gRPC message for everything but values and context. */
export const KV_REPLY_OVERHEAD_BYTES = 4096;

/** Rebalancing: deadline of a join or leave call (the claimant asks every member for sizes). */
export const CHANGE_RPC_TIMEOUT_MS = 15_000;
/** Hellos the claimant sends a joining node (a lost message must not fail a join) before it gives up. */
export const JOIN_HELLO_ATTEMPTS = 3;
/** Most entries, and bytes, one transfer chunk carries. */
export const TRANSFER_CHUNK_KEYS_MAX = 500;
export const TRANSFER_CHUNK_BYTES_MAX = 2 * 1024 * 1024;
/** Keys a node may receive per second over all its transfers (a token bucket, like hint replay). */
export const TRANSFER_KEYS_PER_S = 5000;
/** Partitions one node copies at the same time. */
export const TRANSFERS_INFLIGHT_MAX = 2;
/** Deadline of one transfer step, and the pause before retrying a failed one. */
export const TRANSFER_STEP_TIMEOUT_MS = 5000;
export const TRANSFER_RETRY_MS = 1000;
/** Rounds of the final anti-entropy pass that may still find differences before giving up for a while. */
export const TRANSFER_SYNC_ROUNDS_MAX = 20;
/** How often rebalancing checks progress (the claimant's flip, releases, a leaver's departure). */
export const REBALANCE_POLL_MS = 500;
/** Keys deleted per batch when a node drops a partition it no longer replicates. */
export const RELEASE_BATCH_KEYS = 500;
/**
 * A node that left keeps serving (as a coordinator) this long after every member has the new ring,
 * so clients learn the ring without a request failing on its closed port.
 */
export const DEPARTURE_LINGER_MS = 3 * CLIENT_RING_REFRESH_MS;
