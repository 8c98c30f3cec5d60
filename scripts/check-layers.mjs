#!/usr/bin/env node
// The layer rule of design.md §5, checked rather than remembered:
// - pure layers (src/ring, src/versioning, src/common) import nothing from the world or the node;
// - the node logic (src/node outside io/) reaches time, randomness, network and disk only via Env;
// - the SDK never depends on the node, the simulator or the CLI;
// - no import cycles anywhere in src/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const src = join(root, 'src');

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return walk(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const WORLD_CALLS =
  /\b(Date\.now|Math\.random|setTimeout|setInterval|setImmediate|performance\.now|process\.hrtime|new Date)\s*\(/;
const WORLD_MODULES =
  /^(node:(?!crypto$|buffer$|util$)|@grpc\/|classic-level$|level$|pino$|fs$|net$|http$|child_process$)/;

const rules = [
  {
    name: 'pure layer',
    applies: (f) => /^src\/(ring|versioning|common|antientropy)\//.test(f),
    forbidModule: (spec, target) =>
      WORLD_MODULES.test(spec) || (target !== null && /^src\/(node|client|cli|sim)\//.test(target)),
    forbidCalls: true,
  },
  {
    name: 'node logic',
    applies: (f) => f.startsWith('src/node/') && !f.startsWith('src/node/io/'),
    forbidModule: (spec, target) =>
      WORLD_MODULES.test(spec) || (target !== null && /^src\/(node\/io|client|cli|sim)\//.test(target)),
    forbidCalls: true,
  },
  {
    name: 'client',
    applies: (f) => f.startsWith('src/client/'),
    forbidModule: (_spec, target) => target !== null && /^src\/(node|cli|sim)\//.test(target),
    forbidCalls: false,
  },
];

const files = walk(src).filter((f) => !f.includes('/src/gen/'));
const importRe =
  /(?:import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const graph = new Map();
const problems = [];

for (const abs of files) {
  const file = relative(root, abs);
  const text = readFileSync(abs, 'utf8');
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  const edges = [];
  for (const m of code.matchAll(importRe)) {
    const typeOnly = Boolean(m[1]);
    const spec = m[2] ?? m[3];
    const target = spec.startsWith('.') ? relative(root, resolve(dirname(abs), spec.replace(/\.js$/, '.ts'))) : null;
    if (target !== null && !typeOnly) edges.push(target);
    for (const rule of rules) {
      if (rule.applies(file) && !typeOnly && rule.forbidModule(spec, target)) {
        problems.push(`${file}: the ${rule.name} may not import '${spec}' (design.md §5)`);
      }
    }
  }
  graph.set(file, edges);
  for (const rule of rules) {
    if (!rule.applies(file) || !rule.forbidCalls) continue;
    code.split('\n').forEach((line, i) => {
      const hit = line.match(WORLD_CALLS);
      if (hit) problems.push(`${file}:${i + 1}: the ${rule.name} may not call ${hit[1]} (use the injected Env)`);
    });
  }
}

// Import cycles (value imports only; type-only imports vanish at run time).
const state = new Map();
function visit(node, stack) {
  state.set(node, 'active');
  for (const next of graph.get(node) ?? []) {
    if (state.get(next) === 'active') {
      problems.push(`import cycle: ${[...stack.slice(stack.indexOf(next)), next].join(' -> ')}`);
    } else if (!state.has(next) && graph.has(next)) {
      visit(next, [...stack, next]);
    }
  }
  state.set(node, 'done');
}
for (const node of graph.keys()) if (!state.has(node)) visit(node, [node]);

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  console.error(`check-layers: ${problems.length} problem(s)`);
  process.exitCode = 1;
} else {
  console.log(`check-layers: ${files.length} files follow the layer rule`);
}
