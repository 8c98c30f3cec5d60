// The Dockerfile's build stage: produce /app/out (bin, dist, proto, package.json and production
// node_modules). A context staged with --prebuilt already has them in out/; otherwise this
// compiles from source with npm. Plain Node, so it also runs in images without a shell.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';

const need = ['out/bin/ringkv.js', 'out/dist/cli/main.js', 'out/package.json', 'out/node_modules/classic-level'];
if (need.every((p) => existsSync(p))) {
  console.log('build stage: using the prebuilt app in out/');
  process.exit(0);
}
const npm = (...args) => execFileSync('npm', args, { stdio: 'inherit' });
npm('ci', '--no-audit', '--no-fund');
npm('run', 'build');
npm('prune', '--omit=dev');
mkdirSync('out', { recursive: true });
for (const p of ['bin', 'dist', 'proto', 'package.json', 'node_modules']) cpSync(p, `out/${p}`, { recursive: true });
