#!/usr/bin/env node
// Issue "hinted handoff", pacing criterion: while hints are replayed to a returning node,
// foreground p99 must stay within 2x of its value with no replay running.
//
// Starts 5 real nodes, loads 10,000 records, kills n3, writes 20,000 more keys so hints pile
// up for it, measures a foreground workload (A: 50/50 at quorum, 16 in flight) with no replay
// running, restarts n3, and measures the same workload while its hints drain.
// Usage: npm run build && node scripts/bench-handoff.mjs [--duration 8]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '../bin/ringkv.js');
const i = process.argv.indexOf('--duration');
const duration = i === -1 ? 8 : Number(process.argv[i + 1]);
const dir = mkdtempSync(join(tmpdir(), 'ringkv-bench-handoff-'));
const addresses = [0, 1, 2, 3, 4].map((k) => `127.0.0.1:${27500 + k}`);
const procs = new Map();

function start(k) {
  const id = `n${k + 1}`;
  procs.set(
    id,
    spawn(
      process.execPath,
      [
        BIN,
        'node',
        '--id',
        id,
        '--listen',
        addresses[k],
        '--data',
        join(dir, id),
        '--seeds',
        addresses.join(','),
        '--secret',
        'bench',
        '--log-level',
        'warn',
      ],
      { stdio: 'ignore' },
    ),
  );
}

function ringkv(args, out) {
  execFileSync(process.execPath, [BIN, ...args, '--seeds', addresses.join(','), ...(out ? ['--out', out] : [])], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return out ? JSON.parse(readFileSync(out, 'utf8')) : null;
}

function pendingHints() {
  const out = execFileSync(process.execPath, [BIN, 'status', '--json', '--seeds', addresses.join(',')]);
  const status = JSON.parse(out.toString());
  return status.members.reduce((s, m) => s + m.hints.reduce((a, h) => a + h.count, 0), 0);
}

const foreground = [
  'bench',
  '--workloads',
  'A',
  '--no-load',
  '--records',
  '10000',
  '--concurrency',
  '16',
  '--duration',
  `${duration}s`,
  '--distribution',
  'uniform',
];
try {
  for (let k = 0; k < 5; k++) start(k);
  await new Promise((r) => setTimeout(r, 3000));
  ringkv(['bench', '--workloads', 'C', '--records', '10000', '--operations', '1'], join(dir, 'load.json'));
  procs.get('n3').kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 1500));
  ringkv(
    [
      'bench',
      '--workloads',
      'U',
      '--no-load',
      '--records',
      '30000',
      '--operations',
      '20000',
      '--distribution',
      'uniform',
    ],
    join(dir, 'pile.json'),
  );
  const held = pendingHints();
  const idle = ringkv(foreground, join(dir, 'idle.json')).phases.find((p) => p.name !== 'load');
  start(2);
  const replayStart = Date.now();
  const during = ringkv(foreground, join(dir, 'during.json')).phases.find((p) => p.name !== 'load');
  let left = pendingHints();
  while (left > 0 && Date.now() - replayStart < 120_000) {
    await new Promise((r) => setTimeout(r, 250));
    left = pendingHints();
  }
  const drainS = (Date.now() - replayStart) / 1000;
  const p99 = (p) => p.latencyMs.all.p99;
  console.log(`hints held for n3: ${held}; drained in ${drainS.toFixed(1)} s after it restarted`);
  console.log('| foreground A (quorum, 16 in flight) | ops/s | p50 ms | p99 ms |');
  console.log('|---|---|---|---|');
  console.log(`| no replay running | ${Math.round(idle.opsPerS)} | ${idle.latencyMs.all.p50} | ${p99(idle)} |`);
  console.log(`| while hints replay | ${Math.round(during.opsPerS)} | ${during.latencyMs.all.p50} | ${p99(during)} |`);
  console.log(`p99 ratio: ${(p99(during) / p99(idle)).toFixed(2)}x (target <= 2x)`);
} finally {
  for (const p of procs.values()) p.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
