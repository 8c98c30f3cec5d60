/**
 * Waiting for R or W of N replicas: resolves as soon as enough succeeded, as soon as enough
 * failed that success is impossible, or at the deadline, whichever comes first.
 */
import type { Clock } from './env.js';

/** One replica's answer. */
export interface Outcome<T> {
  readonly nodeId: string;
  readonly role: 'primary' | 'fallback';
  /** For a fallback: the primary it stood in for. */
  readonly forNode?: string;
  readonly ok: boolean;
  readonly value?: T;
  /** Error code and message when not ok. */
  readonly code?: string;
  readonly error?: string;
}

export interface QuorumCall<T> {
  readonly nodeId: string;
  readonly role: 'primary' | 'fallback';
  /** Never rejects: failures are outcomes with ok = false. */
  readonly outcome: Promise<Outcome<T>>;
}

export interface QuorumResult<T> {
  readonly met: boolean;
  /** True when the deadline passed with replies still outstanding. */
  readonly timedOut: boolean;
  /** Outcomes in arrival order, up to the moment of resolution. */
  readonly settled: readonly Outcome<T>[];
  /** Replicas that had not answered at resolution. */
  readonly outstanding: readonly string[];
}

/**
 * Resolves once `required` calls succeeded, or success became impossible, or at `deadline`. The
 * calls' promises stay the caller's: whoever needs every outcome (read repair) waits for them.
 */
export function awaitQuorum<T>(
  clock: Clock,
  calls: readonly QuorumCall<T>[],
  required: number,
  deadline: number,
): Promise<QuorumResult<T>> {
  return new Promise((resolve) => {
    const settled: Outcome<T>[] = [];
    let successes = 0;
    let failures = 0;
    let done = false;
    let cancel: (() => void) | null = null;
    const finish = (timedOut: boolean) => {
      if (done) return;
      done = true;
      cancel?.();
      const outstanding: string[] = [];
      for (const c of calls) if (!settled.some((o) => o.nodeId === c.nodeId)) outstanding.push(c.nodeId);
      // Outcomes arriving later are ignored (done), so `settled` stays as it is now.
      resolve({ met: successes >= required, timedOut, settled, outstanding });
    };
    if (calls.length < required) {
      finish(false);
      return;
    }
    const onOutcome = (o: Outcome<T>) => {
      if (done) return;
      settled.push(o);
      if (o.ok) successes++;
      else failures++;
      if (successes >= required || failures > calls.length - required) finish(false);
    };
    for (const call of calls) void call.outcome.then(onOutcome);
    if (!done) cancel = clock.setTimer(Math.max(0, deadline - clock.now()), () => finish(true));
  });
}
