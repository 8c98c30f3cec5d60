/**
 * One primary's place in a quorum, under sloppy quorum: the request goes to the primary, and to
 * the next free fallback (with a hint naming the primary) when the primary is known down, fails,
 * or has not answered within SLOPPY_AFTER_MS. The slot is filled by the first success. Strict
 * slots use the primary only.
 */
import { ErrorCode } from '../common/errors.js';
import { SLOPPY_AFTER_MS } from '../common/limits.js';
import type { Clock, PeerRequest } from './env.js';
import type { FailureDetector } from './failure-detector.js';
import type { Outcome } from './quorum.js';

/** Hands out a request's fallbacks in preference order, each to one slot at most. */
export class FallbackPicker {
  private next = 0;

  constructor(
    private readonly fallbacks: readonly string[],
    private readonly detector: FailureDetector,
    private readonly clock: Clock,
  ) {}

  take(): string | undefined {
    while (this.next < this.fallbacks.length) {
      const id = this.fallbacks[this.next++]!;
      if (this.detector.state(id, this.clock.now()) !== 'down') return id;
    }
    return undefined;
  }
}

/** One request sent to one replica on behalf of a slot; `outcome` is set once it settles. */
export interface Attempt<T> {
  readonly nodeId: string;
  readonly role: 'primary' | 'fallback';
  readonly forNode?: string;
  outcome?: Outcome<T>;
}

export interface SlotDeps<T> {
  readonly clock: Clock;
  readonly detector: FailureDetector;
  /** Sends one request; never rejects. */
  readonly send: (nodeId: string, request: PeerRequest) => Promise<Outcome<T>>;
  /** Every attempt as it is sent, with its outcome once it settles (for the receipt). */
  readonly onAttempt: (attempt: Attempt<T>) => void;
}

/** Resolves with the first successful attempt for `primary`, or the last failure. */
export function fillSlot<T>(
  deps: SlotDeps<T>,
  primary: string,
  request: (forNode: string) => PeerRequest,
  fallbacks: FallbackPicker,
  strict: boolean,
): Promise<Outcome<T>> {
  return new Promise((resolve) => {
    let settled = false;
    let pending = 0;
    let fallbacksPending = 0;
    let lastFailure: Outcome<T> | null = null;
    let cancelTimer: () => void = () => {};
    const finish = (o: Outcome<T>) => {
      if (settled) return;
      settled = true;
      cancelTimer();
      resolve(o);
    };
    const tryFallback = () => {
      const f = strict ? undefined : fallbacks.take();
      if (f !== undefined) attempt(f, true);
      else if (pending === 0) finish(lastFailure ?? unavailable(primary, 'no fallback available'));
    };
    const attempt = (nodeId: string, isFallback: boolean) => {
      pending++;
      if (isFallback) fallbacksPending++;
      const record: Attempt<T> = isFallback
        ? { nodeId, role: 'fallback', forNode: primary }
        : { nodeId, role: 'primary' };
      deps.onAttempt(record);
      void deps.send(nodeId, request(isFallback ? primary : '')).then((raw) => {
        pending--;
        if (isFallback) fallbacksPending--;
        const o: Outcome<T> = isFallback ? { ...raw, role: 'fallback', forNode: primary } : raw;
        record.outcome = o;
        if (o.ok) finish(o);
        else {
          lastFailure = o;
          if (!settled && fallbacksPending === 0) tryFallback();
        }
      });
    };
    const state = deps.detector.state(primary, deps.clock.now());
    if (state === 'down' && !strict) {
      tryFallback();
      return;
    }
    attempt(primary, false);
    if (strict) return;
    if (state === 'suspect') tryFallback();
    else {
      cancelTimer = deps.clock.setTimer(SLOPPY_AFTER_MS, () => {
        if (!settled && fallbacksPending === 0) tryFallback();
      });
    }
  });
}

function unavailable<T>(nodeId: string, error: string): Outcome<T> {
  return { nodeId, role: 'primary', ok: false, code: ErrorCode.UNAVAILABLE, error };
}
