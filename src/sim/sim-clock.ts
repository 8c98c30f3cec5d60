/** The node's Clock over virtual time: epoch base + virtual ms + this node's clock offset. */
import type { Clock } from '../node/env.js';
import type { Cancel, Scheduler } from './scheduler.js';
import { SIM_EPOCH_MS } from './sim-limits.js';
import type { SimProcess } from './sim-process.js';

/** Node clamps setTimeout delays outside [1, 2^31 - 1] to 1 ms; the sim does the same. */
const TIMER_MS_MAX = 2 ** 31 - 1;

export class SimClock implements Clock {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly process: SimProcess,
    /** Added to now() only: a skewed wall clock, while timers still measure true intervals. */
    private readonly offsetMs: () => number = () => 0,
  ) {}

  now(): number {
    return SIM_EPOCH_MS + this.scheduler.now() + this.offsetMs();
  }

  setTimer(ms: number, fn: () => void): Cancel {
    const delay = ms >= 1 && ms <= TIMER_MS_MAX ? ms : 1;
    return this.scheduler.after(
      delay,
      () => {
        if (this.process.alive) fn();
      },
      `timer ${this.process.name}`,
    );
  }
}
