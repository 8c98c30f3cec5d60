/** The production environment: wall clock, crypto randomness, pino logging. */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import type { Clock, Logger, Random } from '../env.js';

export const realClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

export const realRandom: Random = {
  // 48 random bits: randomInt's range is limited to max - min < 2^48.
  next: () => randomBytes(6).readUIntBE(0, 6) / 2 ** 48,
  hex: (bytes) => randomBytes(bytes).toString('hex'),
};

/** A JSON logger on stdout, one child per node. */
export function createLogger(level: string, bindings: Record<string, unknown>): Logger {
  return pino({ level, base: { pid: process.pid, ...bindings } }) as unknown as Logger;
}
