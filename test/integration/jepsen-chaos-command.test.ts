/**
 * `ringkv chaos` as users run it: a dev cluster started with `ringkv dev start`, then a short
 * chaos run through the dev manager (kill -9, pauses, restarts), its table and JSON report, and
 * exit code 0 when the checker passes.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChaosReport } from '../../src/chaos/report.js';

const BIN = resolve(import.meta.dirname, '../../bin/ringkv.js');
const run = promisify(execFile);
const NODES = 5;

function ringkv(args: readonly string[], timeoutMs: number) {
  return run(process.execPath, [BIN, ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
}

async function portFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((done) => {
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/** A base port whose next NODES ports are free on 127.0.0.1. */
async function freeBasePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below 32768, where Linux picks the local ports of outgoing connections.
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const ports = Array.from({ length: NODES }, (_, i) => base + 1 + i);
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return base;
  }
  throw new Error('no free range of ports for the dev cluster');
}

describe('ringkv chaos against a dev cluster', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ringkv-chaos-'));
  const state = join(dir, 'dev');

  beforeAll(async () => {
    const base = await freeBasePort();
    await ringkv(
      ['dev', 'start', '--dir', state, '--nodes', String(NODES), '--partitions', '64', '--base-port', String(base)],
      60_000,
    );
  });

  afterAll(async () => {
    await ringkv(['dev', 'clean', '--dir', state], 60_000).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the workloads under kill -9, pauses and restarts, prints the table and passes the checker', async () => {
    const file = join(dir, 'report.json');
    const { stdout, stderr } = await ringkv(
      ['chaos', '--dir', state, '--duration', '25s', '--seed', '42', '--report', file],
      150_000,
    );
    console.log(stdout);
    expect(stdout).toMatch(/workload\s+attempted\s+acked\s+indeterminate/);
    expect(stdout).toContain('checker: PASS');
    expect(stderr).toContain('nemesis');
    const report = JSON.parse(readFileSync(file, 'utf8')) as ChaosReport;
    expect(report.seed).toBe(42);
    expect(report.passed).toBe(true);
    expect(report.nemesis.length).toBeGreaterThan(0);
    expect(report.workloads.find((w) => w.workload === 'unique')?.acked).toBeGreaterThan(50);
    // Every node the nemesis touched runs again afterwards.
    const status = JSON.parse((await ringkv(['dev', 'status', '--dir', state, '--json'], 30_000)).stdout) as {
      processes: { id: string; running: boolean }[];
    };
    expect(status.processes.filter((p) => p.running)).toHaveLength(NODES);
  }, 200_000);

  it('refuses to run when a node of the dev cluster is down, with exit code 1', async () => {
    await ringkv(['dev', 'stop', 'n2', '--dir', state], 30_000);
    const err = await ringkv(['chaos', '--dir', state, '--duration', '5s'], 30_000).then(
      () => null,
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect(err?.code).toBe(1);
    expect(err?.stderr).toContain('n2 not running');
    await ringkv(['dev', 'start', 'n2', '--dir', state], 60_000);
  });
});
