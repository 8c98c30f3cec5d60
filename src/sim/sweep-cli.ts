/**
 * `npm run sim`: runs seeds through `runSeed`, prints progress, and for every failing seed the
 * seed, its violations and the exact command that replays it.
 *
 *   --seeds N        run N seeds (from --from, default 1)
 *   --seed S         run only seed S (prints its trace hash; add --verbose for the trace tail)
 *   --from S         first seed of a sweep
 *   --duration SEC   virtual seconds per seed (default 60)
 *   --verbose        print the fault plan, stats and trace tail of each failing (or the single) seed
 *   --json           print one JSON object per seed, then a summary object
 *   --inject-bug ack-before-quorum   enable the test-only bug, to watch the checkers catch it
 *   --duplicate-forwards             let the network duplicate forwarded writes too
 */
import { SIM_REPORT_TRACE_LINES } from './sim-limits.js';
import { runSeed, type SeedResult, SIM_DURATION_S_DEFAULT } from './sweep.js';

export interface SweepArgs {
  readonly seeds: number;
  readonly from: number;
  readonly single: boolean;
  readonly durationS: number;
  readonly verbose: boolean;
  readonly json: boolean;
  readonly ackBeforeQuorum: boolean;
  readonly duplicateForwardedWrites: boolean;
}

const BUGS = ['ack-before-quorum'] as const;

/** Parses the command line; throws an Error naming the bad flag. */
export function parseSweepArgs(argv: readonly string[]): SweepArgs {
  let seeds = 1;
  let from = 1;
  let single = false;
  let durationS = SIM_DURATION_S_DEFAULT;
  let verbose = false;
  let json = false;
  let ackBeforeQuorum = false;
  let duplicateForwardedWrites = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--seeds') seeds = integer(flag, value(), 1);
    else if (flag === '--seed') {
      from = integer(flag, value(), 0);
      single = true;
    } else if (flag === '--from') from = integer(flag, value(), 0);
    else if (flag === '--duration') durationS = positive(flag, value());
    else if (flag === '--verbose') verbose = true;
    else if (flag === '--json') json = true;
    else if (flag === '--duplicate-forwards') duplicateForwardedWrites = true;
    else if (flag === '--inject-bug') {
      const bug = value();
      if (!(BUGS as readonly string[]).includes(bug)) throw new Error(`--inject-bug must be one of ${BUGS.join(', ')}`);
      ackBeforeQuorum = true;
    } else
      throw new Error(
        `unknown option ${flag}; options: --seeds N, --seed S, --from S, --duration SEC, --verbose, --json, --inject-bug NAME, --duplicate-forwards`,
      );
  }
  return {
    seeds: single ? 1 : seeds,
    from,
    single,
    durationS,
    verbose,
    json,
    ackBeforeQuorum,
    duplicateForwardedWrites,
  };
}

/** The command that replays one seed of a sweep run with `args`, bit for bit. */
export function replayCommand(seed: number, args: SweepArgs): string {
  const extra = [
    args.durationS === SIM_DURATION_S_DEFAULT ? '' : ` --duration ${args.durationS}`,
    args.ackBeforeQuorum ? ' --inject-bug ack-before-quorum' : '',
    args.duplicateForwardedWrites ? ' --duplicate-forwards' : '',
  ].join('');
  return `npm run sim -- --seed ${seed}${extra} --verbose`;
}

/** Runs the sweep `args` describes, writing lines through `print`; returns the exit code. */
export async function sweepMain(args: SweepArgs, print: (line: string) => void): Promise<number> {
  const started = performance.now();
  const failed: number[] = [];
  const progressEvery = Math.max(1, Math.floor(args.seeds / 20));
  for (let i = 0; i < args.seeds; i++) {
    const seed = args.from + i;
    const result = await runSeed(seed, {
      durationS: args.durationS,
      ackBeforeQuorum: args.ackBeforeQuorum,
      duplicateForwardedWrites: args.duplicateForwardedWrites,
    });
    if (!result.ok) failed.push(seed);
    if (args.json) print(JSON.stringify(jsonOf(result)));
    else if (args.single) report(result, args, print, args.verbose);
    else if (!result.ok) report(result, args, print, args.verbose);
    const done = i + 1;
    if (!args.json && !args.single && (done % progressEvery === 0 || done === args.seeds)) {
      const elapsed = (performance.now() - started) / 1000;
      print(
        `sim: ${done}/${args.seeds} seeds, ${failed.length} failing, ${elapsed.toFixed(1)} s (${((elapsed * 1000) / done).toFixed(0)} ms/seed)`,
      );
    }
  }
  const summary = { seeds: args.seeds, from: args.from, durationS: args.durationS, failed };
  if (args.json) print(JSON.stringify({ summary }));
  else if (failed.length > 0) print(`sim: FAILED seeds ${failed.join(', ')}`);
  else if (!args.single) print(`sim: all ${args.seeds} seeds passed`);
  return failed.length === 0 ? 0 : 1;
}

function report(result: SeedResult, args: SweepArgs, print: (line: string) => void, verbose: boolean): void {
  const verdict = result.ok ? 'ok' : `FAILED with ${result.violations.length} violation(s)`;
  print(`seed ${result.seed}: ${verdict}; trace hash ${result.traceHash}`);
  for (const v of result.violations) print(`  ${v.check}${v.key === '' ? '' : ` ${v.key}`}: ${v.message}`);
  if (!result.ok) print(`  replay: ${replayCommand(result.seed, args)}`);
  if (!verbose) return;
  print(`  fault plan: ${JSON.stringify(result.plan)}`);
  print(`  stats: ${JSON.stringify(result.stats)}`);
  const tail = result.traceTail.slice(-SIM_REPORT_TRACE_LINES);
  print(`  trace tail (last ${tail.length} lines):`);
  for (const line of tail) print(`    ${line}`);
}

function jsonOf(result: SeedResult): object {
  const { traceTail: _tail, ...rest } = result;
  return rest;
}

function integer(flag: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min)
    throw new Error(`${flag} must be an integer >= ${min}, got ${JSON.stringify(text)}`);
  return n;
}

function positive(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`${flag} must be a positive number of seconds, got ${JSON.stringify(text)}`);
  return n;
}
