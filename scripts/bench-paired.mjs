#!/usr/bin/env node
// Paired comparison of two builds on this machine, for changes too small to see one run after
// another: this VM shares its host, and its speed drifts by 2x within an hour, so two builds
// measured a few minutes apart mostly measure the drift.
//
// Two 5-node dev clusters, one per build, run at the same time, each driven by its own load
// generator with the same workload. Both see the same machine at the same moment, so drift
// cancels, and the ratio of their rates is the ratio of the work each does per operation. The
// builds swap slots (ports and data folders) and start order every round, so an advantage of one
// slot or of starting second (a build compared with itself showed 1.4-3.9% less CPU per operation
// on one side) cancels over an even number of rounds. Compare a build with itself first to see the
// noise.
//
// A build is a folder holding a compiled dist/, e.g. made with `npm run build && cp -r dist /tmp/a/`.
// Usage: node scripts/bench-paired.mjs --a /tmp/a --b /tmp/b [--rounds 4] [--workload U]
//          [--duration 15] [--warmup 12] [--node-options-a "..."] [--node-options-b "..."]
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '..');
const flag = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
};
const builds = { A: flag('a'), B: flag('b') };
if (builds.A === undefined || builds.B === undefined) {
  console.error('usage: node scripts/bench-paired.mjs --a DIR --b DIR (each DIR holds a compiled dist/)');
  process.exit(2);
}
const rounds = Number(flag('rounds', '4'));
const workload = flag('workload', 'U');
const duration = Number(flag('duration', '15'));
const warmup = Number(flag('warmup', '12'));
const nodeOptions = { A: flag('node-options-a', ''), B: flag('node-options-b', '') };
const work = mkdtempSync(join(tmpdir(), 'ringkv-paired-'));
const slots = [
  { name: 'X', dir: join(work, 'slot-x'), basePort: 27500 },
  { name: 'Y', dir: join(work, 'slot-y'), basePort: 27600 },
];

/** A runnable copy of the repository around one build's dist/ (bin and packages shared). */
function installRoot(variant) {
  const dist = join(resolve(builds[variant]), 'dist');
  if (!existsSync(join(dist, 'cli', 'main.js'))) throw new Error(`${dist} holds no compiled build`);
  const root = join(work, `build-${variant}`);
  mkdirSync(root);
  cpSync(join(REPO, 'bin'), join(root, 'bin'), { recursive: true });
  cpSync(join(REPO, 'package.json'), join(root, 'package.json'));
  cpSync(dist, join(root, 'dist'), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  symlinkSync(join(REPO, 'proto'), join(root, 'proto'));
  return join(root, 'bin', 'ringkv.js');
}

function run(bin, args, env = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-4000);
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`ringkv ${args.join(' ')} exited ${code}: ${stderr}`)),
    );
  });
}

const stopAll = (bin) =>
  Promise.all(slots.map((s) => run(bin, ['dev', 'stop', '--dir', s.dir]).catch(() => undefined)));

function phaseOf(file) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const phase = report.phases.find((p) => p.name === workload);
  if (phase === undefined) throw new Error(`${file}: no ${workload} phase`);
  return phase;
}

const bins = { A: installRoot('A'), B: installRoot('B') };
const results = [];
try {
  for (let round = 1; round <= rounds; round++) {
    await stopAll(bins.A);
    const place = round % 2 === 1 ? { A: slots[0], B: slots[1] } : { A: slots[1], B: slots[0] };
    // Which build starts first alternates too: its cluster and its load generator get a head start.
    const order = round % 2 === 1 ? ['A', 'B'] : ['B', 'A'];
    for (const v of order) {
      const s = place[v];
      await run(bins[v], ['dev', 'start', '--dir', s.dir, '--base-port', String(s.basePort)], {
        NODE_OPTIONS: nodeOptions[v],
      });
    }
    for (const s of slots) {
      if (existsSync(join(s.dir, 'loaded'))) continue;
      await run(bins.A, ['bench', '--dir', s.dir, '--workloads', workload, '--records', '10000', '--duration', '1s']);
      mkdirSync(join(s.dir, 'loaded'));
    }
    const out = { A: join(work, `round-${round}-A.json`), B: join(work, `round-${round}-B.json`) };
    const bench = (v) =>
      run(bins[v], [
        'bench',
        '--dir',
        place[v].dir,
        '--no-load',
        '--workloads',
        workload,
        '--records',
        '10000',
        '--concurrency',
        '64',
        '--distribution',
        'uniform',
        '--duration',
        `${duration}s`,
        '--warmup',
        `${warmup}s`,
        '--json',
        '--out',
        out[v],
      ]);
    await Promise.all(order.map(bench));
    const a = phaseOf(out.A);
    const b = phaseOf(out.B);
    const r = {
      round,
      aSlot: place.A.name,
      aOps: a.opsPerS,
      bOps: b.opsPerS,
      aCpu: a.serverCpuUsPerOp,
      bCpu: b.serverCpuUsPerOp,
      aP99: a.latencyMs.all.p99,
      bP99: b.latencyMs.all.p99,
    };
    results.push(r);
    console.log(
      `round ${round} (A in slot ${r.aSlot}, ${order[0]} first): A ${r.aOps} ops/s, ${r.aCpu} µs/op, p99 ${r.aP99} ms | ` +
        `B ${r.bOps} ops/s, ${r.bCpu} µs/op, p99 ${r.bP99} ms | B/A ops ${(r.bOps / r.aOps).toFixed(3)}, ` +
        `CPU ${(r.bCpu / r.aCpu).toFixed(3)}`,
    );
  }
} finally {
  await stopAll(bins.A);
  rmSync(work, { recursive: true, force: true });
}
const geo = (xs) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
console.log(
  `${results.length} rounds, geometric means: B/A throughput ${geo(results.map((r) => r.bOps / r.aOps)).toFixed(3)}, ` +
    `B/A CPU per op ${geo(results.map((r) => r.bCpu / r.aCpu)).toFixed(3)}`,
);
