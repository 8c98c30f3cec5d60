/**
 * Phi-accrual failure detection (Hayashibara et al.), fed by gossip heartbeats and by the
 * outcomes of requests: suspicion grows with the time since the last sign of life, scaled by how
 * regularly signs of life have arrived. A refused connection marks a peer down at once; a timed
 * out request marks it suspect until it shows life again.
 */
import { DETECTOR_WINDOW_MAX, GOSSIP_INTERVAL_MS, PHI_DOWN, PHI_SUSPECT } from '../common/limits.js';

export type PeerState = 'unknown' | 'up' | 'suspect' | 'down';

interface PeerRecord {
  last: number;
  readonly intervals: number[];
  sum: number;
  refused: boolean;
  timedOut: boolean;
}

export class FailureDetector {
  private readonly peers = new Map<string, PeerRecord>();

  /** A new heartbeat from `id` arrived at `now`. */
  heartbeat(id: string, now: number): void {
    const p = this.peers.get(id);
    if (p === undefined) {
      this.peers.set(id, { last: now, intervals: [], sum: 0, refused: false, timedOut: false });
      return;
    }
    if (!p.refused && !p.timedOut && now > p.last) {
      p.intervals.push(now - p.last);
      p.sum += now - p.last;
      if (p.intervals.length > DETECTOR_WINDOW_MAX) p.sum -= p.intervals.shift()!;
    }
    p.last = now;
    p.refused = false;
    p.timedOut = false;
  }

  /** A request to `id` succeeded: a sign of life, though not a heartbeat interval sample. */
  success(id: string, now: number): void {
    const p = this.peers.get(id);
    if (p === undefined) {
      this.heartbeat(id, now);
      return;
    }
    p.last = Math.max(p.last, now);
    p.refused = false;
    p.timedOut = false;
  }

  /** A connection to `id` was refused: it is down until it shows life again. */
  unreachable(id: string, now: number): void {
    this.record(id, now).refused = true;
  }

  /** A request to `id` got no answer in time: suspect until it shows life again. */
  timedOut(id: string, now: number): void {
    this.record(id, now).timedOut = true;
  }

  /** The suspicion level: -log10 of the probability that a heartbeat is merely late. */
  phi(id: string, now: number): number {
    const p = this.peers.get(id);
    if (p === undefined) return 0;
    // Until samples accumulate, assume heartbeats every gossip interval.
    const mean = Math.max(GOSSIP_INTERVAL_MS / 2, (p.sum + GOSSIP_INTERVAL_MS) / (p.intervals.length + 1));
    // Exponentially distributed inter-arrival times: P(later than t) = e^(-t/mean).
    return Math.max(0, now - p.last) / (mean * Math.LN10);
  }

  state(id: string, now: number): PeerState {
    const p = this.peers.get(id);
    if (p === undefined) return 'unknown';
    const phi = this.phi(id, now);
    if (p.refused || phi >= PHI_DOWN) return 'down';
    if (p.timedOut || phi >= PHI_SUSPECT) return 'suspect';
    return 'up';
  }

  /** Milliseconds since the last sign of life, or undefined if never. */
  lastSeenAgo(id: string, now: number): number | undefined {
    const p = this.peers.get(id);
    return p === undefined ? undefined : Math.max(0, now - p.last);
  }

  private record(id: string, now: number): PeerRecord {
    let p = this.peers.get(id);
    if (p === undefined) {
      // Never seen alive: start the clock now so phi grows from here.
      p = { last: now, intervals: [], sum: 0, refused: false, timedOut: false };
      this.peers.set(id, p);
    }
    return p;
  }
}
