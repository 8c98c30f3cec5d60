/** CPU time and resident memory of local processes, from Linux /proc. */
import { readFileSync } from 'node:fs';

/** /proc reports CPU in USER_HZ ticks, which Linux fixes at 100 per second for user space. */
const TICKS_PER_S = 100;

export interface ProcSample {
  readonly pid: number;
  /** user + system CPU seconds since the process started; null when it cannot be read. */
  readonly cpuS: number | null;
  /** The system (kernel) part of cpuS; null when it cannot be read. */
  readonly systemS: number | null;
  /** Resident set size in MiB; null when it cannot be read. */
  readonly rssMb: number | null;
}

/** utime and stime of a /proc/PID/stat line, in seconds. */
export function cpuTimesFromStat(stat: string): { readonly userS: number; readonly systemS: number } {
  // The command name (field 2) is in parentheses and may contain spaces: split after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  return { userS: Number(fields[11]) / TICKS_PER_S, systemS: Number(fields[12]) / TICKS_PER_S };
}

/** utime + stime of a /proc/PID/stat line, in seconds. */
export function cpuSecondsFromStat(stat: string): number {
  const t = cpuTimesFromStat(stat);
  return t.userS + t.systemS;
}

/** VmRSS of a /proc/PID/status text, in MiB. */
export function rssMbFromStatus(status: string): number | null {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m === null ? null : Number(m[1]) / 1024;
}

export function sampleProcess(pid: number): ProcSample {
  let cpuS: number | null = null;
  let systemS: number | null = null;
  let rssMb: number | null = null;
  try {
    const t = cpuTimesFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    cpuS = t.userS + t.systemS;
    systemS = t.systemS;
    rssMb = rssMbFromStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    // gone, or not Linux
  }
  return { pid, cpuS, systemS, rssMb };
}

/** Whether /proc/PID exists and its command line contains every one of `words`. */
export function processMatches(pid: number, words: readonly string[]): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return words.every((w) => cmdline.some((arg) => arg.includes(w)));
  } catch {
    return false;
  }
}
