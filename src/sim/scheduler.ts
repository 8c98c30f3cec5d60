/**
 * Virtual time for the simulator: one priority queue of events ordered by (time, sequence), run
 * one at a time. After each event the real event loop gets one macrotask turn, so every promise
 * continuation the event set off (the node logic is async throughout) has run before virtual time
 * moves on. Nothing in the simulation touches real I/O or real timers, so that turn contains only
 * the simulation's own microtasks and the order of everything is a function of the seed alone.
 */
import { Fnv64 } from './fnv64.js';
import { SIM_EVENTS_PER_RUN_MAX, SIM_TRACE_TAIL_MAX } from './sim-limits.js';

/** Cancels a scheduled event; calling it after the event ran, or twice, does nothing. */
export type Cancel = () => void;

interface Entry {
  readonly time: number;
  readonly seq: number;
  readonly label: string;
  readonly fn: () => void;
  cancelled: boolean;
}

/** Why `run` returned. */
export type RunStop = 'idle' | 'until' | 'stopped' | 'maxEvents';

export interface RunOptions {
  /** Run events at times <= until, then set the clock to until. */
  readonly until?: number;
  /** Stop after this many events (default SIM_EVENTS_PER_RUN_MAX). */
  readonly maxEvents?: number;
  /** Checked before each event, after the previous one's continuations ran. */
  readonly stop?: () => boolean;
}

export interface RunResult {
  readonly reason: RunStop;
  readonly events: number;
}

export class Scheduler {
  private readonly heap: Entry[] = [];
  private time = 0;
  private seq = 0;
  private executed = 0;
  private running = false;
  private readonly hash = new Fnv64();
  /** The last SIM_TRACE_TAIL_MAX trace lines, as a ring buffer; `tailNext` is the oldest slot. */
  private readonly tail: string[] = [];
  private tailNext = 0;

  /** Virtual milliseconds since the simulation began. */
  now(): number {
    return this.time;
  }

  /** Events executed so far. */
  get eventCount(): number {
    return this.executed;
  }

  /** Runs `fn` at virtual `time` (not before now); events at equal times run in scheduling order. */
  at(time: number, fn: () => void, label = 'event'): Cancel {
    if (!Number.isFinite(time)) throw new Error(`Scheduler.at: time must be finite, got ${time}`);
    const entry: Entry = { time: Math.max(time, this.time), seq: this.seq++, label, fn, cancelled: false };
    this.push(entry);
    return () => {
      entry.cancelled = true;
    };
  }

  /** Runs `fn` `ms` virtual milliseconds from now. */
  after(ms: number, fn: () => void, label = 'event'): Cancel {
    return this.at(this.time + Math.max(0, ms), fn, label);
  }

  /** Mixes a line that is not an event (a drop, a crash) into the trace. */
  record(line: string): void {
    this.trace(`${this.time} ${line}`);
  }

  /** A hash of every event and record so far: equal seeds must give equal hashes. */
  traceHash(): string {
    return this.hash.hex();
  }

  /** The last trace lines, oldest first, for failure reports. */
  traceTail(): readonly string[] {
    return [...this.tail.slice(this.tailNext), ...this.tail.slice(0, this.tailNext)];
  }

  /** Executes events in order until idle, `until`, `stop()` or `maxEvents`. Not reentrant. */
  async run(options: RunOptions = {}): Promise<RunResult> {
    if (this.running) throw new Error('Scheduler.run is already running');
    this.running = true;
    const maxEvents = options.maxEvents ?? SIM_EVENTS_PER_RUN_MAX;
    let events = 0;
    try {
      await drainMicrotasks(); // whatever the caller just started settles first
      for (;;) {
        if (options.stop?.() === true) return { reason: 'stopped', events };
        const next = this.peek();
        if (next === undefined || (options.until !== undefined && next.time > options.until)) {
          if (options.until !== undefined) this.time = Math.max(this.time, options.until);
          return { reason: next === undefined ? 'idle' : 'until', events };
        }
        if (events >= maxEvents) return { reason: 'maxEvents', events };
        this.pop();
        this.time = next.time;
        this.trace(`${next.time} ${next.label}`);
        events++;
        this.executed++;
        next.fn();
        await drainMicrotasks();
      }
    } finally {
      this.running = false;
    }
  }

  private trace(line: string): void {
    this.hash.update(line);
    if (this.tail.length < SIM_TRACE_TAIL_MAX) {
      this.tail.push(line);
      return;
    }
    this.tail[this.tailNext] = line;
    this.tailNext = (this.tailNext + 1) % SIM_TRACE_TAIL_MAX;
  }

  /** The earliest live event, discarding cancelled ones at the top. */
  private peek(): Entry | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    return this.heap[0];
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

/**
 * One real macrotask turn. Node runs the whole microtask queue (including microtasks queued by
 * microtasks) before it reaches the check phase, so when this resolves every continuation set off
 * by the last event has run, unless it waits on real I/O, which the simulation never does.
 */
function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
