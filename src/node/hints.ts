/**
 * Hinted handoff. A fallback keeps each version it accepts for a down primary as a durable hint,
 * bounded per primary in count, bytes and age; when the detector sees the primary up again, the
 * hints are replayed to it in paced batches and deleted once it acknowledged them. Replay merges
 * (DVV sync), so it is idempotent, and it resumes from what is still stored after any crash.
 */

import { latin1, sameBytes } from '../common/bytes.js';
import { OverloadedError } from '../common/errors.js';
import {
  HANDOFF_RATE_WINDOW_MS,
  HINT_AGE_MS_MAX,
  HINT_BYTES_PER_TARGET_MAX,
  HINT_IDLE_INTERVAL_MS,
  HINT_REPLAY_BATCH_MAX,
  HINT_REPLAY_INTERVAL_MS,
  HINT_REPLAY_TIMEOUT_MS,
  HINTS_PER_TARGET_MAX,
} from '../common/limits.js';
import { preferenceListForKey } from '../ring/preference-list.js';
import { decodeDvvSet, encodeDvvSet } from '../versioning/dvv-codec.js';
import { type DvvSet, EMPTY_DVV_SET, sync } from '../versioning/dvv-set.js';
import type { Env, HintEntry } from './env.js';
import type { FailureDetector } from './failure-detector.js';
import { KeyLock } from './key-lock.js';
import type { Membership } from './membership.js';

const FORMAT = 1;
const HEADER_BYTES = 9; // format byte + float64 creation time

interface TargetLoad {
  count: number;
  bytes: number;
}

/** Hints held for one primary, for status. */
export interface HintTargetStatus {
  readonly nodeId: string;
  readonly count: number;
  readonly bytes: number;
}

export class Hints {
  private readonly load = new Map<string, TargetLoad>();
  private readonly lock = new KeyLock();
  private readonly handedOff: { at: number; n: number }[] = [];
  private cancel: (() => void) | null = null;
  private stopped = false;
  handoffsTotal = 0;
  dropped = 0;

  constructor(
    private readonly env: Env,
    private readonly membership: Membership,
    private readonly detector: FailureDetector,
  ) {}

  /** Counts the stored hints (they survive restarts), then starts replaying. */
  async start(): Promise<void> {
    let after: HintEntry | null = null;
    for (;;) {
      const page: HintEntry[] = await this.env.storage.scanHints(null, after, 1000);
      for (const h of page) this.account(h.target, 1, h.value.length);
      if (page.length < 1000) break;
      after = page[page.length - 1]!;
    }
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
  }

  /** Keeps `state` for `target` (merged with any hint already held); resolves once durable. */
  store(target: string, key: Uint8Array, state: DvvSet): Promise<void> {
    return this.lock.with(lockKey(target, key), async () => {
      const old = await this.env.storage.getHint(target, key);
      const load = this.load.get(target) ?? { count: 0, bytes: 0 };
      const previous = old === undefined ? null : decodeHint(old);
      const merged = previous === null ? state : sync(previous.state, state);
      const value = encodeHint(previous?.createdAt ?? this.env.clock.now(), merged);
      const extraBytes = value.length - (old?.length ?? 0);
      if (old === undefined && load.count >= HINTS_PER_TARGET_MAX) {
        this.dropped++;
        throw new OverloadedError(`hints for ${target} are full (${HINTS_PER_TARGET_MAX} keys)`);
      }
      if (load.bytes + extraBytes > HINT_BYTES_PER_TARGET_MAX) {
        this.dropped++;
        throw new OverloadedError(`hints for ${target} are full (${HINT_BYTES_PER_TARGET_MAX} bytes)`);
      }
      await this.env.storage.writeHint(target, key, value);
      this.account(target, old === undefined ? 1 : 0, extraBytes);
    });
  }

  /** The version held for `target` under `key` (empty if none). */
  async read(target: string, key: Uint8Array): Promise<DvvSet> {
    const value = await this.env.storage.getHint(target, key);
    return value === undefined ? EMPTY_DVV_SET : decodeHint(value).state;
  }

  /** Hints held, by primary. */
  targets(): HintTargetStatus[] {
    return [...this.load.entries()]
      .filter(([, l]) => l.count > 0)
      .map(([nodeId, l]) => ({ nodeId, count: l.count, bytes: l.bytes }))
      .sort((a, b) => (a.nodeId < b.nodeId ? -1 : 1));
  }

  /** Hints handed off per second over the recent window. */
  rate(): number {
    const since = this.env.clock.now() - HANDOFF_RATE_WINDOW_MS;
    while (this.handedOff.length > 0 && this.handedOff[0]!.at < since) this.handedOff.shift();
    return Math.round((this.handedOff.reduce((a, h) => a + h.n, 0) * 1000) / HANDOFF_RATE_WINDOW_MS);
  }

  private schedule(): void {
    if (this.stopped) return;
    const idle = this.targets().length === 0;
    this.cancel = this.env.clock.setTimer(idle ? HINT_IDLE_INTERVAL_MS : HINT_REPLAY_INTERVAL_MS, () => {
      void this.replayRound().then(
        () => this.schedule(),
        (err: unknown) => {
          this.env.log.warn({ err }, 'hint replay failed; retrying');
          this.schedule();
        },
      );
    });
  }

  /** One paced batch for each primary that holds hints and is up. */
  private async replayRound(): Promise<void> {
    const now = this.env.clock.now();
    const ring = this.membership.ring;
    const departed = new Set(ring?.departed ?? []);
    const ready = this.targets().filter((t) => {
      if (departed.has(t.nodeId)) return true;
      const state = this.detector.state(t.nodeId, now);
      return state === 'up' && ring?.members.some((m) => m.id === t.nodeId);
    });
    await Promise.all(ready.map((t) => this.replayBatch(t.nodeId, departed.has(t.nodeId))));
  }

  /**
   * Replays a batch of `target`'s hints. Hints for a node that left the cluster go to the key's
   * primaries under the current ring instead (all but this node, which anti-entropy keeps in sync).
   */
  private async replayBatch(target: string, departed: boolean): Promise<void> {
    const batch = await this.env.storage.scanHints(target, null, HINT_REPLAY_BATCH_MAX);
    const ring = this.membership.requireRing();
    const now = this.env.clock.now();
    const results = await Promise.all(
      batch.map(async (h) => {
        const hint = decodeHint(h.value);
        if (now - hint.createdAt > HINT_AGE_MS_MAX) return { h, done: true, expired: true };
        const state = encodeDvvSet(hint.state);
        const to = departed
          ? preferenceListForKey(ring, h.key).primaries.filter((id) => id !== this.membership.self.id)
          : [target];
        const replies = await Promise.all(
          to.map((id) =>
            this.env.transport.request(
              this.membership.member(id),
              { type: 'replicaPut', key: h.key, state, forNode: '' },
              HINT_REPLAY_TIMEOUT_MS,
            ),
          ),
        );
        return { h, done: replies.every((r) => r.type === 'replicaReply'), expired: false };
      }),
    );
    let handed = 0;
    for (const r of results) {
      if (!r.done) continue;
      if (await this.removeIfUnchanged(target, r.h)) {
        if (r.expired) this.dropped++;
        else handed++;
      }
    }
    if (handed > 0) {
      this.handoffsTotal += handed;
      this.handedOff.push({ at: this.env.clock.now(), n: handed });
    }
    if (!departed && results.some((r) => !r.done)) this.detector.timedOut(target, this.env.clock.now());
  }

  /** Deletes a replayed hint unless a newer version for the same key arrived meanwhile. */
  private removeIfUnchanged(target: string, h: HintEntry): Promise<boolean> {
    return this.lock.with(lockKey(target, h.key), async () => {
      const current = await this.env.storage.getHint(target, h.key);
      if (current === undefined || !sameBytes(current, h.value)) return false;
      await this.env.storage.writeHint(target, h.key, null);
      this.account(target, -1, -current.length);
      return true;
    });
  }

  private account(target: string, count: number, bytes: number): void {
    const load = this.load.get(target) ?? { count: 0, bytes: 0 };
    load.count += count;
    load.bytes += bytes;
    this.load.set(target, load);
  }
}

function encodeHint(createdAt: number, state: DvvSet): Uint8Array {
  const body = encodeDvvSet(state);
  const out = new Uint8Array(HEADER_BYTES + body.length);
  out[0] = FORMAT;
  new DataView(out.buffer).setFloat64(1, createdAt);
  out.set(body, HEADER_BYTES);
  return out;
}

function decodeHint(value: Uint8Array): { createdAt: number; state: DvvSet } {
  if (value.length < HEADER_BYTES || value[0] !== FORMAT) throw new Error('malformed hint');
  const createdAt = new DataView(value.buffer, value.byteOffset, value.byteLength).getFloat64(1);
  return { createdAt, state: decodeDvvSet(value.subarray(HEADER_BYTES)) };
}

function lockKey(target: string, key: Uint8Array): string {
  return `${target}\u0000${latin1(key)}`;
}
