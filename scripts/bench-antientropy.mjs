#!/usr/bin/env node
// Issue "anti-entropy", benchmark criterion: quorum throughput with anti-entropy running must be
// at least 85% of the throughput with it off, on the same data set in the same run.
//
// Two methods, both on one loaded data set of 10,000 records:
//
// sequential (default): 5 real nodes, restarted alternately with anti-entropy on and off (same
//   nodes, same data, --no-anti-entropy), one workload run at a time. The order alternates by round
//   (on/off, then off/on) so that a machine slowing down or speeding up during the run favours
//   neither side. On a shared host whose speed drifts, single rounds scatter widely.
// --paired: two 5-node clusters, each loaded with the same records, run at the same time, one with
//   anti-entropy and one without, each driven by its own load
//   generator with the same workload. Both see the same machine at the same moment, so drift cancels;
//   sharing the cores, each gets about half of them, and the ratio of their rates is the ratio of
//   the work each does per operation. Which copy runs with anti-entropy alternates by round.
//
// Each workload first runs --warmup seconds unmeasured: a restarted node needs tens of seconds of
// load before its JIT settles, and a cold run measures that, not anti-entropy. After each start the
// nodes stay idle --settle seconds, so that the start-up round of exchanges (trees built, then a
// round at full pace) is not what is measured. Each round's ratios are printed as well as the means.
// Usage: npm run build && node scripts/bench-antientropy.mjs [--paired] [--duration 15] [--warmup 15]
//          [--rounds 2] [--settle 40]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '../bin/ringkv.js');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const paired = process.argv.includes('--paired');
const duration = arg('duration', 15);
const rounds = arg('rounds', 2);
const warmup = arg('warmup', 15);
const settle = arg('settle', 40);
const dir = mkdtempSync(join(tmpdir(), 'ringkv-bench-ae-'));
const running = new Set();

/** A 5-node cluster on its own ports and data directory ("copy" 0 or 1). */
function cluster(copy) {
  const addresses = [0, 1, 2, 3, 4].map((i) => `127.0.0.1:${27400 + 10 * copy + i}`);
  return { copy, addresses, data: join(dir, `copy${copy}`), procs: [] };
}

function start(c, antiEntropy) {
  c.procs = c.addresses.map((address, i) => {
    const p = spawn(
      process.execPath,
      [
        BIN,
        'node',
        '--id',
        `n${i + 1}`,
        '--listen',
        address,
        '--data',
        join(c.data, `n${i + 1}`),
        '--seeds',
        c.addresses.join(','),
        '--secret',
        'bench',
        '--log-level',
        'warn',
        ...(antiEntropy ? [] : ['--no-anti-entropy']),
      ],
      { stdio: 'ignore' },
    );
    running.add(p);
    p.once('exit', () => running.delete(p));
    return p;
  });
}

async function stop(c) {
  await Promise.all(
    c.procs.map(
      (p) =>
        new Promise((r) => {
          if (p.exitCode !== null || p.signalCode !== null) return r();
          p.once('exit', r);
          p.kill('SIGTERM');
        }),
    ),
  );
}

/** Runs `ringkv bench` against a cluster (the load phase only when `load`); resolves its JSON report. */
function bench(c, load, out) {
  const args = [
    BIN,
    'bench',
    '--seeds',
    c.addresses.join(','),
    '--workloads',
    load ? 'U' : 'U,C,A',
    '--records',
    '10000',
    '--duration',
    `${load ? 1 : duration}s`,
    '--distribution',
    'uniform',
    '--out',
    out,
    ...(load ? [] : ['--no-load', '--warmup', `${warmup}s`]),
  ];
  return new Promise((resolveRun, reject) => {
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    p.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`ringkv bench exited with ${code}`));
      resolveRun(JSON.parse(readFileSync(out, 'utf8')));
    });
  });
}

const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));
const results = { on: [], off: [] };
try {
  const one = cluster(0);
  const two = cluster(1);
  // Load with anti-entropy off, then measure only the workloads on that data set. The paired copy
  // is loaded the same way (same keys and value sizes): a node's stored ring names its address, so
  // a copy of the files cannot serve on other ports.
  for (const c of paired ? [one, two] : [one]) {
    start(c, false);
    await sleep(3);
    await bench(c, true, join(dir, `load-${c.copy}.json`));
    await stop(c);
  }
  if (paired) {
    for (let round = 0; round < rounds; round++) {
      // Which copy runs with anti-entropy alternates, so neither copy's files favour one side.
      const [withAe, without] = round % 2 === 0 ? [one, two] : [two, one];
      start(withAe, true);
      start(without, false);
      await sleep(settle);
      const [a, b] = await Promise.all([
        bench(withAe, false, join(dir, `on-${round}.json`)),
        bench(without, false, join(dir, `off-${round}.json`)),
      ]);
      results.on.push(a);
      results.off.push(b);
      await Promise.all([stop(withAe), stop(without)]);
    }
  } else {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
      for (const mode of order) {
        start(one, mode === 'on');
        await sleep(settle);
        results[mode].push(await bench(one, false, join(dir, `${mode}-${round}.json`)));
        await stop(one);
      }
    }
  }
} finally {
  for (const p of running) p.kill('SIGKILL');
}

const rate = (report, name) => (report.phases ?? report).find((p) => p.name === name)?.opsPerS ?? 0;
const names = ['U', 'C', 'A'];
const mean = (reports, name) => reports.reduce((s, r) => s + rate(r, name), 0) / reports.length;
console.log(
  `anti-entropy on vs off, ${paired ? 'paired (both clusters at once, each loaded with the same records)' : 'sequential'}, ` +
    `${rounds} round(s) of ${duration} s per workload after ${warmup} s of warm-up ` +
    `(the first ${settle} s after each start idle), 5 nodes per cluster, quorum, 100-byte values, 64 in flight`,
);
// CPU per operation, summed over the nodes (read from /proc by ringkv bench), and of the load
// generator: on a shared host the load generator's figure moves with the host's speed, so the ratio
// of the two is steadier than either.
const cpu = (reports, name, field) => {
  const v = reports.map((r) => (r.phases ?? r).find((p) => p.name === name)?.[field]).filter((x) => x != null);
  return v.length === 0 ? null : v.reduce((a, b) => a + b, 0) / v.length;
};
const us = (x) => (x === null ? '?' : Math.round(x));
console.log(
  '| workload | ops/s with anti-entropy | ops/s without | ratio | ratio per round | node CPU µs/op with / without | load generator µs/op with / without |',
);
console.log('|---|---|---|---|---|---|---|');
for (const name of names) {
  const v = mean(results.on, name);
  const w = mean(results.off, name);
  const perRound = results.on.map((r, i) => (rate(r, name) / rate(results.off[i], name)).toFixed(2));
  const node = [results.on, results.off].map((rs) => us(cpu(rs, name, 'serverCpuUsPerOp'))).join(' / ');
  const client = [results.on, results.off].map((rs) => us(cpu(rs, name, 'clientCpuUsPerOp'))).join(' / ');
  console.log(
    `| ${name} | ${Math.round(v)} | ${Math.round(w)} | ${(v / w).toFixed(3)} | ${perRound.join(', ')} | ${node} | ${client} |`,
  );
}
rmSync(dir, { recursive: true, force: true });
