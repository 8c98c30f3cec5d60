/**
 * The ringkv SDK. Knows the ring, sends each request straight to a replica of its key over one
 * long-lived stream per node, retries reads on the next replica with backoff and jitter, and
 * never retries a write whose outcome is unknown.
 */
import * as grpc from '@grpc/grpc-js';
import { AbortedError, InvalidArgumentError, type RingError, UnavailableError } from '../common/errors.js';
import {
  ADMIN_RPC_TIMEOUT_MS,
  CHANGE_RPC_TIMEOUT_MS,
  CLIENT_READ_ATTEMPTS_MAX,
  CLIENT_RETRY_BACKOFF_MS_MAX,
  CLIENT_RETRY_BACKOFF_MS_MIN,
  CLIENT_RING_REFRESH_MS,
  REQUEST_TIMEOUT_MS_DEFAULT,
} from '../common/limits.js';
import type { AdminClient } from '../gen/ringkv/v1/Admin.js';
import type { ChangePlan__Output } from '../gen/ringkv/v1/ChangePlan.js';
import type { KVClient } from '../gen/ringkv/v1/KV.js';
import type { RequestOptions } from '../gen/ringkv/v1/RequestOptions.js';
import type { RingView__Output } from '../gen/ringkv/v1/RingView.js';
import { GRPC_MESSAGE_BYTES_MAX, ringkvProto } from '../proto/load.js';
import { keyBytes } from '../ring/hash.js';
import { preferenceListForKey } from '../ring/preference-list.js';
import { memberById, type Ring } from '../ring/ring.js';
import { ringFromView } from '../ring/ring-view.js';
import { watchAbort } from './abort-watch.js';
import { changePlanFromWire, memberStatusFromWire, receiptFromWire, toBytes, unreachableMember } from './convert.js';
import { fail, failureOf, fromServiceError } from './grpc-errors.js';
import { CLIENT_PROBE_MS, CLIENT_STALL_MS } from './limits.js';
import { NodeStream } from './node-stream.js';
import type {
  CallOptions,
  ChangeOptions,
  ChangePlanResult,
  ClusterStatus,
  ConnectOptions,
  GetResult,
  Key,
  MemberStatus,
  PutResult,
  ReadOptions,
  ReplicaInfo,
  Value,
  WriteOptions,
} from './types.js';

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': GRPC_MESSAGE_BYTES_MAX,
  'grpc.max_send_message_length': GRPC_MESSAGE_BYTES_MAX,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 2000,
};
/** Share of the budget kept back so the server's own timeout error arrives before gRPC's. */
const SERVER_BUDGET_MARGIN_MS = 25;

/** Everything the client holds for one node: one channel, shared by the two stubs and the stream. */
interface Channels {
  readonly kv: KVClient;
  readonly admin: AdminClient;
  readonly stream: NodeStream;
}

type Unary<Req, Res> = (
  req: Req,
  meta: grpc.Metadata,
  opts: grpc.CallOptions,
  cb: (err: grpc.ServiceError | null, res?: Res) => void,
) => grpc.ClientUnaryCall;

export class RingClient {
  private current: Ring;
  private readonly channels = new Map<string, Channels>();
  /** Nodes routed around, with the timer probing each. */
  private readonly suspects = new Map<string, NodeJS.Timeout>();
  private readonly refreshTimer: NodeJS.Timeout;
  private closed = false;

  private constructor(
    ring: Ring,
    private readonly framed: boolean,
  ) {
    this.current = ring;
    this.refreshTimer = setInterval(() => void this.refresh(), CLIENT_RING_REFRESH_MS);
    this.refreshTimer.unref();
  }

  /** Connects to the first seed that answers and learns the ring from it. */
  static async connect(options: ConnectOptions): Promise<RingClient> {
    if (options.seeds.length === 0) throw new InvalidArgumentError('seeds', 'at least one seed address is required');
    const deadline = Date.now() + (options.timeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT);
    const errors: string[] = [];
    const probe = new RingClient(placeholderRing(), options.framedStreams !== false);
    try {
      for (const seed of options.seeds) {
        try {
          const view = await probe.unary<object, RingView__Output>(seed, 'kv', 'GetRing', {}, deadline, options.signal);
          probe.current = ringFromView(view);
          return probe;
        } catch (err) {
          if (err instanceof AbortedError) throw err;
          errors.push(`${seed}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    } catch (err) {
      probe.close();
      throw err;
    }
    probe.close();
    throw new UnavailableError(`no seed answered: ${errors.join('; ')}`, [...options.seeds]);
  }

  /** Reads a key; `values` holds every sibling. */
  async get(key: Key, options: ReadOptions = {}): Promise<GetResult> {
    const k = keyBytes(key);
    const deadline = this.deadline(options);
    const targets = this.healthyFirst(this.targets(k));
    let last: RingError | null = null;
    for (let attempt = 0; attempt < Math.min(CLIENT_READ_ATTEMPTS_MAX, targets.length); attempt++) {
      if (attempt > 0) await this.backoff(attempt, deadline, options.signal);
      const target = targets[attempt]!;
      try {
        const request = { key: k, options: this.wireOptions(options, 'r', deadline) };
        const res = await this.streamFor(target.address).get(target.nodeId, request, deadline, options.signal);
        return { found: res.found, values: res.values, context: res.context, receipt: receiptFromWire(res.receipt) };
      } catch (err) {
        const failure = failureOf(err);
        if (failure === undefined || failure.fromNode || err instanceof AbortedError) throw err;
        if (failure.error.code === 'TIMEOUT') this.suspect(target.address);
        last = failure.error; // the coordinator itself failed: a read is safe to retry elsewhere
      }
    }
    throw last ?? new UnavailableError('no replica of the key is known');
  }

  /** Writes a value; pass the context of a previous read to supersede what it saw. */
  put(key: Key, value: Value, options: WriteOptions = {}): Promise<PutResult> {
    return this.write(key, toBytes(value), options);
  }

  /** Deletes a key (writes a tombstone); pass the context of a read to delete what it saw. */
  delete(key: Key, options: WriteOptions = {}): Promise<PutResult> {
    return this.write(key, null, options);
  }

  /** The key's preference list: its primaries, then the fallbacks in order. */
  replicasFor(key: Key): ReplicaInfo[] {
    const pl = preferenceListForKey(this.current, keyBytes(key));
    const info = (id: string, role: 'primary' | 'fallback'): ReplicaInfo => ({
      nodeId: id,
      address: memberById(this.current, id)?.address ?? '',
      role,
    });
    return [...pl.primaries.map((id) => info(id, 'primary')), ...pl.fallbacks.map((id) => info(id, 'fallback'))];
  }

  /** The ring as last learned from the cluster. */
  ring(): Ring {
    return this.current;
  }

  /** Asks every member for its status; members that do not answer are reported unreachable. */
  async status(options: CallOptions = {}): Promise<ClusterStatus> {
    const deadline = Date.now() + (options.timeoutMs ?? ADMIN_RPC_TIMEOUT_MS);
    const members = await Promise.all(
      this.current.members.map(async (m): Promise<MemberStatus> => {
        try {
          const res = await this.unary(m.address, 'admin', 'Status', {}, deadline, options.signal);
          if (res.ring !== null && res.ring.epoch > this.current.epoch) this.current = ringFromView(res.ring);
          return res.node === null
            ? unreachableMember(m.id, m.address, 'empty status')
            : memberStatusFromWire(res.node);
        } catch (err) {
          if (err instanceof AbortedError) throw err;
          return unreachableMember(m.id, m.address, err instanceof Error ? err.message : String(err));
        }
      }),
    );
    const r = this.current;
    return {
      cluster: r.cluster,
      epoch: r.epoch,
      q: r.q,
      n: r.n,
      members,
      nextOwners: r.next === undefined ? null : [...r.next],
      departed: [...(r.departed ?? [])],
    };
  }

  /**
   * Adds the node running at `address` (started with --seeds of this cluster): the claimant plans
   * the change and, unless `dryRun`, stages it. Refused with FAILED_PRECONDITION when another
   * change is in progress, the id or address belongs to a member, or the id left the cluster.
   */
  async join(address: string, options: ChangeOptions = {}): Promise<ChangePlanResult> {
    if (typeof address !== 'string' || address.length === 0) {
      throw new InvalidArgumentError('address', 'address must be a non-empty host:port');
    }
    return this.change('Join', { address, dryRun: options.dryRun === true }, options);
  }

  /** Removes member `nodeId` once its partitions moved to the others; see `join`. */
  async leave(nodeId: string, options: ChangeOptions = {}): Promise<ChangePlanResult> {
    if (typeof nodeId !== 'string' || nodeId.length === 0) {
      throw new InvalidArgumentError('node_id', 'node id must be a non-empty string');
    }
    return this.change('Leave', { nodeId, dryRun: options.dryRun === true }, options);
  }

  private async change(method: 'Join' | 'Leave', request: object, options: CallOptions): Promise<ChangePlanResult> {
    await this.refresh();
    // The claimant is the member with the lowest id: only it stages changes.
    const claimant = [...this.current.members].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0];
    if (claimant === undefined) throw new UnavailableError('no member of the cluster is known');
    const deadline = Date.now() + (options.timeoutMs ?? CHANGE_RPC_TIMEOUT_MS);
    const plan = await this.unary<object, ChangePlan__Output>(
      claimant.address,
      'admin',
      method,
      request,
      deadline,
      options.signal,
    ).catch((err: unknown) => {
      throw failureOf(err)?.error ?? err;
    });
    if (plan.committed) await this.refresh();
    return changePlanFromWire(plan);
  }

  /** Closes every channel; the client cannot be used afterwards. */
  close(): void {
    for (const t of this.suspects.values()) clearInterval(t);
    this.suspects.clear();
    this.closed = true;
    clearInterval(this.refreshTimer);
    for (const c of this.channels.values()) {
      c.stream.close();
      c.kv.close(); // also the admin stub's: they share the channel
    }
    this.channels.clear();
  }

  private async write(key: Key, value: Buffer | null, options: WriteOptions): Promise<PutResult> {
    const k = keyBytes(key);
    const deadline = this.deadline(options);
    const wire = { key: k, context: options.context ?? '', options: this.wireOptions(options, 'w', deadline) };
    const targets = this.healthyFirst(this.targets(k).filter((t) => t.role === 'primary'));
    let last: RingError | null = null;
    for (const target of targets) {
      try {
        const stream = this.streamFor(target.address);
        const request = value === null ? wire : { ...wire, value };
        const res = await stream.write(target.nodeId, request, deadline, options.signal);
        return { context: res.context, receipt: receiptFromWire(res.receipt) };
      } catch (err) {
        const failure = failureOf(err);
        if (failure?.error.code === 'TIMEOUT' && !failure.fromNode) this.suspect(target.address);
        // Only a write that certainly never reached its coordinator (never written to an
        // established stream) may go to another one.
        if (failure === undefined || !failure.undelivered || err instanceof AbortedError) throw err;
        last = failure.error;
      }
    }
    throw last ?? new UnavailableError('no replica of the key is known');
  }

  /**
   * The same targets with the nodes that seem unresponsive (stalled stream or recent timeout)
   * moved last, so a paused node does not hold up requests another replica can coordinate.
   */
  private healthyFirst(targets: ReplicaInfo[]): ReplicaInfo[] {
    const now = Date.now();
    const ok = (t: ReplicaInfo) => {
      if (this.suspects.has(t.address)) return false;
      if (!this.channels.get(t.address)?.stream.stalled(now, CLIENT_STALL_MS)) return true;
      this.suspect(t.address);
      return false;
    };
    const good = targets.filter(ok);
    return good.length === targets.length ? targets : [...good, ...targets.filter((t) => !good.includes(t))];
  }

  /** Routes around `address` until a probe (a cheap GetRing) answers again. */
  private suspect(address: string): void {
    if (this.suspects.has(address) || this.closed) return;
    const timer = setInterval(() => {
      this.unary<object, RingView__Output>(address, 'kv', 'GetRing', {}, Date.now() + CLIENT_PROBE_MS, undefined).then(
        () => {
          clearInterval(timer);
          this.suspects.delete(address);
        },
        () => {},
      );
    }, CLIENT_PROBE_MS);
    timer.unref();
    this.suspects.set(address, timer);
  }

  private targets(key: Uint8Array): ReplicaInfo[] {
    const pl = preferenceListForKey(this.current, key);
    return [...pl.primaries, ...pl.fallbacks].map((id, i) => ({
      nodeId: id,
      address: memberById(this.current, id)?.address ?? '',
      role: i < pl.primaries.length ? 'primary' : 'fallback',
    }));
  }

  private wireOptions(o: ReadOptions & WriteOptions, side: 'r' | 'w', deadline: number): RequestOptions {
    const explicit = side === 'r' ? o.r : o.w;
    if (o.consistency !== undefined && typeof o.consistency !== 'string') {
      throw new InvalidArgumentError('consistency', 'consistency must be one of one, quorum, all');
    }
    if (explicit !== undefined && (!Number.isInteger(explicit) || explicit < 1 || explicit > this.current.n)) {
      throw new InvalidArgumentError(
        side,
        `${side} must be an integer between 1 and N=${this.current.n}`,
        this.current.n,
      );
    }
    return {
      consistency: o.consistency ?? '',
      [side]: explicit ?? 0,
      timeoutMs: Math.max(1, deadline - Date.now() - SERVER_BUDGET_MARGIN_MS),
      strict: o.strict === true,
    };
  }

  private deadline(o: CallOptions): number {
    const t = o.timeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT;
    if (!Number.isFinite(t) || t <= 0)
      throw new InvalidArgumentError('timeoutMs', 'timeoutMs must be a positive number');
    return Date.now() + t;
  }

  private async backoff(attempt: number, deadline: number, signal: AbortSignal | undefined): Promise<void> {
    const cap = Math.min(CLIENT_RETRY_BACKOFF_MS_MAX, CLIENT_RETRY_BACKOFF_MS_MIN * 2 ** attempt);
    const ms = Math.min(Math.random() * cap, Math.max(0, deadline - Date.now()));
    await new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
    if (signal?.aborted === true) throw new AbortedError();
  }

  private channelsFor(address: string): Channels {
    let c = this.channels.get(address);
    if (c === undefined) {
      const v1 = ringkvProto().ringkv.v1;
      const creds = grpc.credentials.createInsecure();
      const kv = new v1.KV(address, creds, CHANNEL_OPTIONS);
      const admin = new v1.Admin(address, creds, { ...CHANNEL_OPTIONS, channelOverride: kv.getChannel() });
      c = { kv, admin, stream: new NodeStream(kv, address, this.framed) };
      this.channels.set(address, c);
    }
    return c;
  }

  private streamFor(address: string): NodeStream {
    if (this.closed)
      throw fail({ error: new UnavailableError('the client is closed'), fromNode: false, undelivered: true });
    return this.channelsFor(address).stream;
  }

  /** One unary call with deadline and abort; rejects with a RingError classified in `failures`. */
  // biome-ignore lint/suspicious/noExplicitAny: the generated client's overloads are not expressible generically
  private unary<Req, Res = any>(
    address: string,
    service: keyof Channels,
    method: string,
    request: Req,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<Res> {
    if (this.closed) return Promise.reject(new UnavailableError('the client is closed'));
    if (signal?.aborted === true) return Promise.reject(new AbortedError());
    const client = this.channelsFor(address)[service];
    const fn = (client as unknown as Record<string, Unary<Req, Res>>)[method]!.bind(client);
    const nodeId = this.current.members.find((m) => m.address === address)?.id ?? address;
    return new Promise<Res>((resolve, reject) => {
      let unwatch: (() => void) | undefined;
      const call = fn(request, new grpc.Metadata(), { deadline }, (err, res) => {
        unwatch?.();
        if (err === null && res !== undefined) resolve(res);
        else if (err !== null) reject(fail(fromServiceError(err, nodeId, signal?.aborted === true)));
        else reject(new Error(`empty response from ${nodeId}`));
      });
      if (signal !== undefined) unwatch = watchAbort(signal, () => call.cancel());
    });
  }

  private async refresh(): Promise<void> {
    for (const m of this.current.members) {
      try {
        const view = await this.unary<object, RingView__Output>(
          m.address,
          'kv',
          'GetRing',
          {},
          Date.now() + ADMIN_RPC_TIMEOUT_MS,
          undefined,
        );
        if (view.epoch >= this.current.epoch) this.current = ringFromView(view);
        return;
      } catch {
        // try the next member
      }
    }
  }
}

function placeholderRing(): Ring {
  return { cluster: '', epoch: 0, q: 1, n: 1, members: [], owners: [''] };
}
