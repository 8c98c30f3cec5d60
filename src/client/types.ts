/** Public types of the SDK (design.md §2). */

/** Consistency levels; `quorum` is floor(N/2) + 1. */
export type Consistency = 'one' | 'quorum' | 'all';
export const CONSISTENCY_LEVELS: readonly Consistency[] = ['one', 'quorum', 'all'];

export type Key = string | Uint8Array;
export type Value = string | Uint8Array;

/** Options every call takes. */
export interface CallOptions {
  /** Deadline for the whole call, retries included (default 5000 ms). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface ReadOptions extends CallOptions {
  readonly consistency?: Consistency;
  /** Explicit read quorum, 1..N; overrides `consistency`. */
  readonly r?: number;
  /** Count only primaries toward R (no fallbacks), so R + W > N holds through failures. */
  readonly strict?: boolean;
}

export interface WriteOptions extends CallOptions {
  readonly consistency?: Consistency;
  /** Explicit write quorum, 1..N; overrides `consistency`. */
  readonly w?: number;
  /** Count only primaries toward W (no fallbacks, no hints counted), so R + W > N holds through failures. */
  readonly strict?: boolean;
  /** Causal context from a previous read; omit for a blind write. */
  readonly context?: string;
}

/** One replica's part in a request. */
export interface ReplicaAnswer {
  readonly nodeId: string;
  readonly role: 'primary' | 'fallback';
  /** For a fallback: the primary it stood in for. */
  readonly forNode?: string;
  readonly ok: boolean;
  readonly error?: string;
}

/** What consistency a call actually got. */
export interface Receipt {
  readonly coordinator: string;
  readonly replies: readonly ReplicaAnswer[];
  readonly readRepair: boolean;
  /** The R or W required. */
  readonly required: number;
  readonly n: number;
}

export interface GetResult {
  readonly found: boolean;
  /** Live siblings; more than one means concurrent writes to resolve. */
  readonly values: Buffer[];
  readonly context: string;
  readonly receipt: Receipt;
}

export interface PutResult {
  readonly context: string;
  readonly receipt: Receipt;
}

/** An entry of a key's preference list. */
export interface ReplicaInfo {
  readonly nodeId: string;
  readonly address: string;
  readonly role: 'primary' | 'fallback';
}

/** One member as seen by `status()`. */
export interface MemberStatus {
  readonly id: string;
  readonly address: string;
  /** False when the node did not answer its status call. */
  readonly reachable: boolean;
  readonly error?: string;
  readonly actor: string;
  /** "forming" | "serving" | "unreachable". */
  readonly state: string;
  readonly partitionsOwned: number;
  readonly keys: number;
  readonly uptimeS: number;
  readonly pid: number;
  readonly rssMb: number;
  /** Streams open on the node's framed listener (0 when it serves gRPC streams only). */
  readonly framedStreams: number;
  readonly requests: number;
  readonly requestErrors: number;
  readonly syncMode: string;
  /** This node's view of its peers: "up" | "suspect" | "down" | "unknown", with the phi level. */
  readonly peers: readonly {
    readonly nodeId: string;
    readonly state: string;
    readonly lastSeenAgoMs: number;
    readonly phi: number;
  }[];
  /** Hints this node holds, by the primary they are for. */
  readonly hints: readonly { readonly nodeId: string; readonly count: number; readonly bytes: number }[];
  /** Hints handed off per second recently, and in total since the node started. */
  readonly handoffRate: number;
  readonly handoffsTotal: number;
  /** Read repairs sent, and hints dropped (store full or older than the hint window). */
  readonly readRepairs: number;
  readonly hintsDropped: number;
  /** Anti-entropy: partitions replicated and how many matched their peer at the last exchange. */
  readonly partitionsReplicated: number;
  readonly partitionsInSync: number;
  /** Seconds since the last exchange (0 before the first). */
  readonly lastExchangeAgeS: number;
  readonly keysRepaired: number;
  readonly tombstonesPending: number;
  /** Partition copies this node receives for the membership change in progress. */
  readonly transfers: readonly TransferStatus[];
  /** Partitions it still holds but no longer replicates (dropped once every member has the new ring). */
  readonly partitionsReleasing: number;
  /** The epoch of the ring this node serves (0 while forming or joining). */
  readonly ringEpoch: number;
}

/** One partition copy a node receives while the ring changes. */
export interface TransferStatus {
  readonly partition: number;
  /** The replica it copies from. */
  readonly source: string;
  readonly state: 'waiting' | 'copying' | 'syncing' | 'done';
  readonly keysDone: number;
  readonly bytesDone: number;
  /** One copy's size as the source reported it (0 if unknown). */
  readonly keysTotal: number;
  readonly bytesTotal: number;
  readonly rateKeysPerS: number;
  /** Estimated seconds left (0 if unknown). */
  readonly etaS: number;
  /** Keys already copied when this process took the transfer up again after a restart (0: fresh). */
  readonly resumedAtKeys: number;
}

/** The cluster as the client sees it. */
export interface ClusterStatus {
  readonly cluster: string;
  readonly epoch: number;
  readonly q: number;
  readonly n: number;
  readonly members: readonly MemberStatus[];
  /** The owners a membership change in progress leads to (by partition), or null when none is. */
  readonly nextOwners: readonly string[] | null;
  /** Ids of nodes that left the cluster. */
  readonly departed: readonly string[];
}

/** A membership change as the claimant planned (and, unless a dry run, staged) it. */
export interface ChangePlanResult {
  readonly kind: 'join' | 'leave';
  readonly nodeId: string;
  readonly address: string;
  /** The epoch the plan was computed against. */
  readonly epoch: number;
  /** False for a dry run. */
  readonly committed: boolean;
  /** The epoch that stages the change (0 for a dry run). */
  readonly stagedEpoch: number;
  readonly ownerMoves: readonly { readonly partition: number; readonly from: string; readonly to: string }[];
  /** Partitions whose replica set changes, with one copy's size (known = false if no replica could tell). */
  readonly replicaMoves: readonly {
    readonly partition: number;
    readonly gains: readonly string[];
    readonly losses: readonly string[];
    readonly known: boolean;
    readonly keys: number;
    readonly bytes: number;
  }[];
  readonly balance: readonly { readonly nodeId: string; readonly before: number; readonly after: number }[];
  /** Copies to make, and keys and bytes to send, over the partitions whose size is known. */
  readonly copies: number;
  readonly keys: number;
  readonly bytes: number;
  readonly unknownPartitions: number;
}

export interface ChangeOptions extends CallOptions {
  /** Compute and return the plan without changing anything. */
  readonly dryRun?: boolean;
}

export interface ConnectOptions {
  /** host:port of one or more nodes; the first that answers supplies the ring. */
  readonly seeds: readonly string[];
  /** Deadline for connecting (default 5000 ms). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /**
   * Move each node's request stream to the framed connection the node announces (default true).
   * False keeps every request on gRPC; the node answers the same either way.
   */
  readonly framedStreams?: boolean;
}
