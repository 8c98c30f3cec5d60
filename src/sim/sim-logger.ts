/** The node's Logger in the simulator: discards, or records entries stamped with virtual time. */
import type { Logger } from '../node/env.js';
import { SIM_LOG_ENTRIES_MAX } from './sim-limits.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One recorded log line. */
export interface LogEntry {
  readonly timeMs: number;
  readonly level: LogLevel;
  readonly msg: string;
  readonly bindings: Readonly<Record<string, unknown>>;
  readonly obj: object;
}

/** A bounded in-memory log shared by every node of a simulation. */
export class LogBook {
  private readonly list: LogEntry[] = [];

  constructor(
    private readonly now: () => number,
    /** Entries below this level are discarded; 'off' keeps nothing. */
    private readonly threshold: LogLevel | 'off',
  ) {}

  /** Entries at `level` or above, oldest first. */
  entries(level: LogLevel = 'debug'): LogEntry[] {
    return this.list.filter((e) => rank(e.level) >= rank(level));
  }

  /** A Logger writing here with `bindings` attached. */
  logger(bindings: Record<string, unknown>): Logger {
    const write = (level: LogLevel) => (obj: object, msg?: string) => {
      if (this.threshold === 'off' || rank(level) < rank(this.threshold)) return;
      this.list.push({ timeMs: this.now(), level, msg: msg ?? '', bindings, obj });
      if (this.list.length > SIM_LOG_ENTRIES_MAX) this.list.shift();
    };
    return {
      debug: write('debug'),
      info: write('info'),
      warn: write('warn'),
      error: write('error'),
      child: (more) => this.logger({ ...bindings, ...more }),
    };
  }
}

function rank(level: LogLevel): number {
  return level === 'debug' ? 0 : level === 'info' ? 1 : level === 'warn' ? 2 : 3;
}
