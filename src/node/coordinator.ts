/**
 * Coordination of client requests: fan out to the key's preference list, wait for R or W
 * replies, merge, answer with siblings, context and a receipt, then repair stale replicas.
 */

import { ErrorCode, type RingError, ringErrorFromCode, TimeoutError, UnavailableError } from '../common/errors.js';
import type { GetResponse } from '../gen/ringkv/v1/GetResponse.js';
import type { PutResponse } from '../gen/ringkv/v1/PutResponse.js';
import type { ReceiptReply } from '../gen/ringkv/v1/ReceiptReply.js';
import type { RequestOptions__Output } from '../gen/ringkv/v1/RequestOptions.js';
import { partitionOf } from '../ring/hash.js';
import { incomingReplicas } from '../ring/plan.js';
import { type PreferenceList, preferenceList } from '../ring/preference-list.js';
import type { Ring } from '../ring/ring.js';
import { encodeContext } from '../versioning/context.js';
import { decodeDvvSet, encodeDvvSet } from '../versioning/dvv-codec.js';
import { type DvvSet, EMPTY_DVV_SET, equalDvv, isDeleted, liveValues, sync } from '../versioning/dvv-set.js';
import type { NodeConfig } from './config.js';
import type { Env, PeerReply, PeerRequest } from './env.js';
import type { FailureDetector } from './failure-detector.js';
import type { Membership } from './membership.js';
import { awaitQuorum, type Outcome, type QuorumCall, type QuorumResult } from './quorum.js';
import { type Replica, storageKey } from './replica.js';
import { type Attempt, FallbackPicker, fillSlot } from './replica-slot.js';
import { checkContext, checkKey, checkValue, requestBudgetMs, requiredReplies } from './validate.js';

/** A client write as the coordinator sees it; `value: null` is a delete. */
export interface WriteRequest {
  readonly key: Uint8Array | undefined;
  readonly value: Uint8Array | null;
  readonly context: string;
  readonly options: RequestOptions__Output | null;
}

export interface CoordinatorDeps {
  readonly env: Env;
  readonly config: NodeConfig;
  readonly membership: Membership;
  readonly replica: Replica;
  readonly detector: FailureDetector;
  /** The actor id this node writes versions under (node id + incarnation). */
  readonly actor: () => string;
}

export class Coordinator {
  /** Read repairs sent since start. */
  readRepairs = 0;

  constructor(private readonly deps: CoordinatorDeps) {}

  /** Reads a key at the requested R. */
  async get(key: Uint8Array | undefined, options: RequestOptions__Output | null): Promise<GetResponse> {
    const { env, config, membership } = this.deps;
    const k = checkKey(key, config.limits);
    const budget = requestBudgetMs(options);
    const ring = membership.requireRing();
    const r = requiredReplies(options, 'r', ring.n);
    const deadline = env.clock.now() + budget;
    const pl = this.listFor(ring, k);
    const attempts: Attempt<DvvSet>[] = [];
    const strict = isStrict(options, 'r') || config.hintedHandoff === false;
    const calls = this.slots(pl, (forNode) => ({ type: 'replicaGet', key: k, forNode }), strict, deadline, attempts);
    const result = await awaitQuorum(env.clock, calls, r, deadline);
    if (!result.met) throw this.failure(result, r, 'read');
    const states = successfulStates(result.settled);
    const merged = states.reduce((acc, s) => sync(acc, s), EMPTY_DVV_SET);
    const stale = result.settled.some(
      (o) => o.ok && o.role === 'primary' && !equalDvv(o.value ?? EMPTY_DVV_SET, merged),
    );
    void Promise.all(calls.map((c) => c.outcome)).then((all) => this.readRepair(k, merged, all, deadline));
    const found = !isDeleted(merged);
    return {
      found,
      values: found ? liveValues(merged).map(asBuffer) : [],
      context: encodeContext(merged.vv, config.secret, k),
      receipt: this.receipt(attempts, r, ring.n, stale),
    };
  }

  /** Writes (or, with `value: null`, deletes) a key at the requested W. */
  /** `hops`: how many nodes forwarded the write here (0 when a client sent it). */
  async put(request: WriteRequest, hops: number): Promise<PutResponse> {
    const { env, config, membership } = this.deps;
    const k = checkKey(request.key, config.limits);
    const value = request.value === null ? null : checkValue(request.value, config.limits);
    const context = checkContext(request.context, config.secret, k);
    const budget = requestBudgetMs(request.options);
    const ring = membership.requireRing();
    const w = requiredReplies(request.options, 'w', ring.n);
    const deadline = env.clock.now() + budget;
    const pl = this.listFor(ring, k);
    const primary = pl.primaries.includes(config.id);
    // A client's write goes to a replica of the key. A forwarded one is coordinated here even if
    // this node's ring disagrees with the sender's (the ring is changing): forwarding again could
    // bounce between views. The local copy is then an extra one, handed over and dropped later.
    if (!primary && hops === 0) return this.forward(pl, request, deadline);
    const skey = storageKey(pl.partition, k);
    const local = await this.deps.replica.update(skey, context, value, this.deps.actor(), config.limits.siblingsMax);
    const attempts: Attempt<DvvSet>[] = [];
    if (!primary)
      this.deps.env.log.debug({ partition: pl.partition, hops }, 'coordinating a forwarded write as a non-replica');
    const calls = this.slots(
      pl,
      (forNode) => ({ type: 'replicaPut', key: k, state: local.encoded, forNode }),
      isStrict(request.options, 'w') || config.hintedHandoff === false,
      deadline,
      attempts,
      local.durable,
    );
    this.copyToIncoming(ring, pl.partition, k, local.encoded, deadline);
    const needed = config.testFaults?.ackBeforeQuorum === true ? 1 : w;
    const result = await awaitQuorum(env.clock, calls, needed, deadline);
    if (!result.met) throw this.failure(result, w, 'write');
    return {
      context: encodeContext(local.state.vv, config.secret, k),
      receipt: this.receipt(attempts, w, ring.n, false),
    };
  }

  /**
   * One quorum call per primary. This node's own slot is served in-process (for a write, it is
   * the local write becoming durable); the others are filled by their primary or a fallback.
   */
  private slots(
    pl: PreferenceList,
    request: (forNode: string) => PeerRequest,
    strict: boolean,
    deadline: number,
    attempts: Attempt<DvvSet>[],
    localWrite?: Promise<void>,
  ): QuorumCall<DvvSet>[] {
    const { env, config, detector } = this.deps;
    const fallbacks = new FallbackPicker(pl.fallbacks, detector, env.clock);
    const deps = {
      clock: env.clock,
      detector,
      send: (nodeId: string, req: PeerRequest) => this.send(nodeId, req, deadline),
      onAttempt: (a: Attempt<DvvSet>) => attempts.push(a),
    };
    return pl.primaries.map((id): QuorumCall<DvvSet> => {
      if (id !== config.id)
        return { nodeId: id, role: 'primary', outcome: fillSlot(deps, id, request, fallbacks, strict) };
      const record: Attempt<DvvSet> = { nodeId: id, role: 'primary' };
      attempts.push(record);
      const settle = (o: Outcome<DvvSet>) => {
        record.outcome = o;
        return o;
      };
      const outcome =
        localWrite === undefined
          ? this.local(request('')).then(settle)
          : localWrite.then(
              () => settle({ nodeId: id, role: 'primary', ok: true }),
              (err: unknown) =>
                settle({ nodeId: id, role: 'primary', ok: false, code: ErrorCode.INTERNAL, error: String(err) }),
            );
      return { nodeId: id, role: 'primary', outcome };
    });
  }

  /**
   * While a membership change is in progress, the replicas it adds get every write too (not
   * counted toward W): their copy then misses nothing written after it started.
   */
  private copyToIncoming(ring: Ring, partition: number, key: Uint8Array, state: Uint8Array, deadline: number): void {
    for (const id of incomingReplicas(ring, partition)) {
      const request: PeerRequest = { type: 'replicaPut', key, state, forNode: '' };
      const outcome = id === this.deps.config.id ? this.local(request) : this.send(id, request, deadline);
      void outcome.then((o) => {
        if (!o.ok) this.deps.env.log.debug({ node: id, error: o.error }, 'write to an incoming replica failed');
      });
    }
  }

  private listFor(ring: Ring, key: Uint8Array): PreferenceList {
    return preferenceList(ring, partitionOf(key, ring.q));
  }

  /** Hands a write to the first primary that takes it; this node is not a replica of the key. */
  private async forward(pl: PreferenceList, request: WriteRequest, deadline: number): Promise<PutResponse> {
    const { env, membership, detector } = this.deps;
    const missing: string[] = [];
    // Live primaries first; a down one is still tried last, in case the detector is wrong.
    const now = env.clock.now();
    const order = [...pl.primaries].sort(
      (a, b) => Number(detector.state(a, now) === 'down') - Number(detector.state(b, now) === 'down'),
    );
    for (const id of order) {
      const budget = deadline - env.clock.now();
      if (budget <= 0) throw new TimeoutError('the deadline passed while forwarding the write', missing);
      const reply = await env.transport.request(
        membership.member(id),
        {
          type: 'coordinatePut',
          key: request.key ?? new Uint8Array(0),
          value: request.value ?? new Uint8Array(0),
          context: request.context,
          delete: request.value === null,
          options: request.options ?? defaultOptions(),
          hops: 1,
        },
        budget,
      );
      if (reply.type === 'coordinateReply') {
        detector.success(id, env.clock.now());
        return reply.response;
      }
      if (reply.type === 'error' && reply.undelivered === true) {
        detector.unreachable(id, env.clock.now());
        missing.push(id); // never reached that primary: safe to try the next one
        continue;
      }
      if (reply.type === 'error') throw ringErrorFromCode(reply.code, reply.message, reply.details);
      throw new Error(`unexpected reply ${reply.type} to coordinatePut`);
    }
    throw new UnavailableError(`no primary of the key is reachable: ${missing.join(', ')}`, missing);
  }

  /** One replica request to another node, with the outcome fed to the failure detector. */
  private async send(nodeId: string, request: PeerRequest, deadline: number): Promise<Outcome<DvvSet>> {
    const { env, membership, detector } = this.deps;
    const reply = await env.transport.request(
      membership.member(nodeId),
      request,
      Math.max(1, deadline - env.clock.now()),
    );
    const now = env.clock.now();
    if (reply.type !== 'error') detector.success(nodeId, now);
    else if (reply.code === ErrorCode.UNAVAILABLE && reply.undelivered === true) detector.unreachable(nodeId, now);
    else if (reply.code === ErrorCode.TIMEOUT) detector.timedOut(nodeId, now);
    return toOutcome(nodeId, reply);
  }

  private async local(request: PeerRequest): Promise<Outcome<DvvSet>> {
    const self = this.deps.config.id;
    try {
      const ring = this.deps.membership.requireRing();
      if (request.type === 'replicaGet') {
        const state = await this.deps.replica.read(storageKey(partitionOf(request.key, ring.q), request.key));
        return { nodeId: self, role: 'primary', ok: true, value: state };
      }
      if (request.type === 'replicaPut') {
        const skey = storageKey(partitionOf(request.key, ring.q), request.key);
        const state = await this.deps.replica.merge(skey, request.state);
        return { nodeId: self, role: 'primary', ok: true, value: state };
      }
      throw new Error(`local replica cannot serve ${request.type}`);
    } catch (err) {
      return { nodeId: self, role: 'primary', ok: false, code: ErrorCode.INTERNAL, error: String(err) };
    }
  }

  /** Sends the merged version to every primary whose answer was stale or missing the key. */
  private readRepair(key: Uint8Array, merged: DvvSet, all: readonly Outcome<DvvSet>[], deadline: number): void {
    if (merged.vv.size === 0) return;
    let encoded: Uint8Array | null = null;
    for (const o of all) {
      if (!o.ok || o.role !== 'primary' || o.value === undefined || equalDvv(o.value, merged)) continue;
      encoded ??= encodeDvvSet(merged);
      this.readRepairs++;
      const request: PeerRequest = { type: 'replicaPut', key, state: encoded, forNode: '' };
      const outcome =
        o.nodeId === this.deps.config.id ? this.local(request) : this.send(o.nodeId, request, deadline + 1000);
      void outcome.then((r) => {
        if (!r.ok) this.deps.env.log.debug({ node: o.nodeId, error: r.error }, 'read repair failed');
      });
    }
  }

  private failure(result: QuorumResult<DvvSet>, required: number, what: 'read' | 'write'): RingError {
    const failed = result.settled.filter((o) => !o.ok);
    const succeeded = result.settled.filter((o) => o.ok).map((o) => o.nodeId);
    const reasons = failed.map((o) => `${o.nodeId} (${o.error ?? o.code})`).join(', ');
    // A write is never rolled back: say where it may have landed.
    const landed = [...succeeded, ...result.outstanding];
    const applied =
      what === 'write' && landed.length > 0 ? `; the write may still be applied on ${landed.join(', ')}` : '';
    if (result.timedOut) {
      return new TimeoutError(
        `${what} timed out: ${succeeded.length} of ${required} required replicas answered; ` +
          `no answer from ${result.outstanding.join(', ')}${reasons === '' ? '' : `; failed: ${reasons}`}${applied}`,
        [...failed.map((o) => o.nodeId), ...result.outstanding],
      );
    }
    return new UnavailableError(
      `${what} quorum not reachable: ${required} replicas required; unavailable: ${reasons}${applied}`,
      failed.map((o) => o.nodeId),
    );
  }

  /** Every replica the request went to; one still in flight at reply time shows as not ok, "pending". */
  private receipt(attempts: readonly Attempt<DvvSet>[], required: number, n: number, readRepair: boolean) {
    const replies: ReceiptReply[] = attempts.map((a) => ({
      nodeId: a.nodeId,
      role: a.role,
      forNode: a.forNode ?? '',
      ok: a.outcome?.ok === true,
      error: a.outcome === undefined ? 'pending' : a.outcome.ok ? '' : (a.outcome.error ?? a.outcome.code ?? 'failed'),
    }));
    return { coordinator: this.deps.config.id, replies, readRepair, required, n };
  }
}

function toOutcome(nodeId: string, reply: PeerReply): Outcome<DvvSet> {
  if (reply.type === 'replicaReply') {
    try {
      // A write's acknowledgement carries no state; a read's carries the replica's version.
      const value = reply.found && reply.state.length > 0 ? decodeDvvSet(reply.state) : EMPTY_DVV_SET;
      return { nodeId, role: 'primary', ok: true, value };
    } catch (err) {
      return { nodeId, role: 'primary', ok: false, code: ErrorCode.INTERNAL, error: String(err) };
    }
  }
  if (reply.type === 'error') return { nodeId, role: 'primary', ok: false, code: reply.code, error: reply.message };
  return { nodeId, role: 'primary', ok: false, code: ErrorCode.INTERNAL, error: `unexpected reply ${reply.type}` };
}

function successfulStates(outcomes: readonly Outcome<DvvSet>[]): DvvSet[] {
  return outcomes.flatMap((o) => (o.ok && o.value !== undefined ? [o.value] : []));
}

/**
 * Whether only primaries count toward R or W: asked for with `strict`, and implied by
 * `consistency: 'all'`, which means every replica of the key, not N of any nodes.
 */
function isStrict(options: RequestOptions__Output | null, side: 'r' | 'w'): boolean {
  if (options === null) return false;
  return options.strict || (options.consistency === 'all' && options[side] === 0);
}

function asBuffer(v: Uint8Array): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

function defaultOptions(): RequestOptions__Output {
  return { consistency: '', r: 0, w: 0, timeoutMs: 0, strict: false };
}
