/**
 * Environment requirements of the suites that need root, network namespaces or Docker. On a
 * machine without them a suite skips with a message saying what is missing; with
 * RINGKV_REQUIRE_ALL=1 (CI) it fails instead, so a skip can never pass for a green run.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { it } from 'vitest';

const run = promisify(execFile);

/** Whether skips must turn into failures. */
export const REQUIRE_ALL = process.env.RINGKV_REQUIRE_ALL === '1';

/** Null when `command args` exits 0 within `timeoutMs`, else why not. */
async function probe(command: string, args: readonly string[], timeoutMs = 10_000): Promise<string | null> {
  try {
    await run(command, args, { timeout: timeoutMs });
    return null;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    const why = e.code === 'ENOENT' ? `${command} is not installed` : (e.stderr ?? '').trim() || e.message;
    return `\`${command} ${args.join(' ')}\` failed: ${why.split('\n')[0]}`;
  }
}

/** Why network namespaces with iptables cannot be used here, or null when they can. */
export async function netnsUnavailable(): Promise<string | null> {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'network namespaces and iptables need root';
  const ns = `rkvt-${process.pid}-probe`;
  const created = await probe('ip', ['netns', 'add', ns]);
  if (created !== null) return created;
  try {
    return (
      (await probe('ip', ['netns', 'exec', ns, 'iptables', '-w', '-S'])) ??
      (await probe('ip', ['netns', 'exec', ns, 'bash', '-c', 'true'])) ??
      (await probe('ip', ['link', 'add', `rkb${process.pid}p`, 'type', 'bridge']))
    );
  } finally {
    await probe('ip', ['link', 'del', `rkb${process.pid}p`]);
    await probe('ip', ['netns', 'del', ns]);
  }
}

/** Why no Docker engine answers here, or null when one does. */
export async function dockerUnavailable(): Promise<string | null> {
  return probe('docker', ['info', '--format', '{{.ServerVersion}}'], 15_000);
}

/**
 * Registers what a suite does when `missing` is not null: a failing test under
 * RINGKV_REQUIRE_ALL=1, else a skipped test whose name says what is missing. Returns whether the
 * suite can run.
 */
export function requireOrSkip(what: string, missing: string | null): boolean {
  if (missing === null) return true;
  if (REQUIRE_ALL) {
    it(`needs ${what}`, () => {
      throw new Error(`${what} unavailable: ${missing}; RINGKV_REQUIRE_ALL=1 forbids skipping this suite`);
    });
  } else {
    console.warn(`skipping the ${what} suite: ${missing} (set RINGKV_REQUIRE_ALL=1 to fail instead)`);
    it.skip(`needs ${what}: ${missing}`, () => undefined);
  }
  return false;
}
