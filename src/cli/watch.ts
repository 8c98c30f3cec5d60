/** Repeated status output: a live redrawn view on a terminal, plain lines or JSON lines otherwise. */
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogUpdate } from 'log-update';
import pc from 'picocolors';

/** Redraw period of the live view. */
export const WATCH_LIVE_INTERVAL_MS = 1000;
/** Period of plain lines when stdout is not a terminal. */
export const WATCH_LINES_INTERVAL_MS = 5000;

/** One refresh: the full view, a one-line summary and the JSON form. */
export interface Frame {
  readonly view: string;
  readonly line: string;
  readonly json: unknown;
}

export type WatchMode = 'live' | 'lines' | 'json';

/** Live view on a terminal, JSON lines with --json, plain lines otherwise. */
export function watchMode(json: boolean, isTty: boolean): WatchMode {
  if (json) return 'json';
  return isTty ? 'live' : 'lines';
}

/** How long to wait between frames: live views redraw often, lines and pipes less so. */
export function watchIntervalMs(mode: WatchMode, isTty: boolean): number {
  if (mode === 'live' || (mode === 'json' && isTty)) return WATCH_LIVE_INTERVAL_MS;
  return WATCH_LINES_INTERVAL_MS;
}

/** Calls `next` and prints its frame every interval until `signal` aborts. */
export async function watch(next: () => Promise<Frame>, mode: WatchMode, signal: AbortSignal): Promise<void> {
  const live = mode === 'live' ? createLogUpdate(process.stdout) : undefined;
  const intervalMs = watchIntervalMs(mode, process.stdout.isTTY === true);
  while (!signal.aborted) {
    const frame = await next();
    if (signal.aborted) break;
    const time = new Date().toLocaleTimeString('en-GB', { hour12: false });
    if (live !== undefined) {
      live(`${frame.view}\n${pc.dim(`updated ${time}; Ctrl-C to stop`)}`);
    } else if (mode === 'json') {
      process.stdout.write(`${JSON.stringify(frame.json)}\n`);
    } else {
      process.stdout.write(`${time} ${frame.line}\n`);
    }
    await sleep(intervalMs, undefined, { signal }).catch(() => undefined);
  }
  live?.done();
}

/**
 * An AbortSignal that fires on the first SIGINT, SIGTERM or SIGHUP (terminal closed); `dispose`
 * removes the handlers.
 * While installed, these signals no longer end the process by themselves.
 */
export function stopSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  const dispose = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  };
  return { signal: controller.signal, dispose };
}
