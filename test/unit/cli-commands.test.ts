import { type Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { CliError, ExitCode, reportError, UsageError } from '../../src/cli/cli-error.js';
import { kvOptionsFromFlags, readOptions, writeOptions } from '../../src/cli/command-kv.js';
import { changeOptionsFromFlags, planNextStep } from '../../src/cli/command-membership.js';
import { buildProgram } from '../../src/cli/program.js';
import { WATCH_LINES_INTERVAL_MS, WATCH_LIVE_INTERVAL_MS, watchIntervalMs, watchMode } from '../../src/cli/watch.js';
import { FailedPreconditionError, UnavailableError } from '../../src/common/errors.js';

function report(err: unknown): { code: ExitCode; lines: string[] } {
  const lines: string[] = [];
  const code = reportError(err, (line) => lines.push(line));
  return { code, lines };
}

describe('error reporting', () => {
  it('maps usage errors to 2 and ring and operational errors to 1', () => {
    expect(report(new UsageError('--r must be ...'))).toEqual({ code: 2, lines: ['error: --r must be ...'] });
    expect(report(new UnavailableError('quorum not reachable', ['n3']))).toEqual({
      code: 1,
      lines: ['error UNAVAILABLE: quorum not reachable (no answer from n3)'],
    });
    expect(report(new UnavailableError('n3 is down', ['n3'])).lines).toEqual(['error UNAVAILABLE: n3 is down']);
    expect(report(new CliError('node n3 did not serve'))).toEqual({ code: 1, lines: ['error: node n3 did not serve'] });
    expect(report(new CommanderError(1, 'commander.unknownOption', 'x')).code).toBe(ExitCode.usage);
    expect(report(new CommanderError(0, 'commander.helpDisplayed', 'x')).code).toBe(ExitCode.ok);
  });

  it('rethrows errors nobody expected', () => {
    expect(() => report(new TypeError('bug'))).toThrow(TypeError);
  });
});

describe('key command options', () => {
  it('validates and maps flags to SDK options without undefined fields', () => {
    const read = kvOptionsFromFlags({ consistency: 'all', r: '2', timeout: '900' }, '--r');
    expect(readOptions(read)).toEqual({ consistency: 'all', r: 2, timeoutMs: 900 });
    expect(writeOptions(kvOptionsFromFlags({ w: '1', context: 'C' }, '--w'))).toEqual({ w: 1, context: 'C' });
    expect(readOptions(kvOptionsFromFlags({}, '--r'))).toEqual({});
    expect(() => kvOptionsFromFlags({ consistency: 'most' }, '--r')).toThrow(/--consistency/);
    expect(() => kvOptionsFromFlags({ w: '9' }, '--w')).toThrow(/--w must be an integer from 1 to 7/);
    expect(() => kvOptionsFromFlags({ timeout: '0' }, '--r')).toThrow(/--timeout/);
  });
});

describe('program', () => {
  it('rejects unknown commands and options as usage errors', async () => {
    const silence = { writeErr: () => undefined, writeOut: () => undefined };
    const quiet = (command: Command): Command => {
      command.configureOutput(silence);
      for (const sub of command.commands) quiet(sub);
      return command;
    };
    const run = (args: string[]) => quiet(buildProgram()).parseAsync(args, { from: 'user' });
    await expect(run(['nope'])).rejects.toBeInstanceOf(CommanderError);
    await expect(run(['get'])).rejects.toMatchObject({ code: 'commander.missingArgument' });
    await expect(run(['join', 'localhost'])).rejects.toThrow('ADDRESS must be HOST:PORT with a port from 1 to 65535');
    await expect(run(['join', 'localhost'])).rejects.toBeInstanceOf(UsageError);
    await expect(run(['leave', 'n 3'])).rejects.toThrow(/NODE must be 1 to 64 letters/);
    await expect(run(['leave'])).rejects.toMatchObject({ code: 'commander.missingArgument' });
    await expect(run(['dev', 'add', 'n7'])).rejects.toMatchObject({ code: 'commander.excessArguments' });
  });

  it('offers --json on every command that prints state', () => {
    const program = buildProgram();
    const find = (path: string[]) =>
      path.reduce((command, name) => command.commands.find((c) => c.name() === name) ?? command, program);
    for (const path of [
      ['get'],
      ['put'],
      ['delete'],
      ['status'],
      ['ring'],
      ['where'],
      ['dev', 'status'],
      ['dev', 'start'],
      ['dev', 'add'],
      ['join'],
      ['leave'],
    ]) {
      const options = find(path).options.map((option) => option.long);
      expect(options, path.join(' ')).toContain('--json');
    }
  });
});

describe('join and leave', () => {
  it('offers --dry-run and --seeds, and maps flags to SDK options', () => {
    const program = buildProgram();
    for (const name of ['join', 'leave']) {
      const options = program.commands.find((c) => c.name() === name)?.options.map((o) => o.long);
      expect(options).toEqual(expect.arrayContaining(['--dry-run', '--seeds', '--json', '--timeout']));
    }
    const add = program.commands.find((c) => c.name() === 'dev')?.commands.find((c) => c.name() === 'add');
    expect(add?.options.map((o) => o.long)).toEqual(expect.arrayContaining(['--dry-run', '--dir', '--json']));
    expect(changeOptionsFromFlags({ dryRun: true, timeout: '2000' })).toEqual({ dryRun: true, timeoutMs: 2000 });
    expect(changeOptionsFromFlags({})).toEqual({ dryRun: false });
    expect(() => changeOptionsFromFlags({ timeout: 'soon' })).toThrow(/--timeout/);
  });

  it('prints a refusal by the cluster with its reason and exits 1', () => {
    const refused = new FailedPreconditionError(
      'node_id',
      'n3 left this cluster and cannot rejoin under the same id; start the node with a new --id and empty data',
    );
    expect(report(refused)).toEqual({
      code: ExitCode.failure,
      lines: [
        'error FAILED_PRECONDITION: n3 left this cluster and cannot rejoin under the same id; start the node with a new --id and empty data',
      ],
    });
  });

  it('tells what happens next', () => {
    const plan = {
      kind: 'join',
      nodeId: 'n6',
      address: '127.0.0.1:7106',
      epoch: 3,
      committed: false,
      stagedEpoch: 0,
      ownerMoves: [],
      replicaMoves: [],
      balance: [],
      copies: 0,
      keys: 0,
      bytes: 0,
      unknownPartitions: 0,
    } as const;
    expect(planNextStep(plan, 'ringkv join 127.0.0.1:7106')).toBe(
      'run "ringkv join 127.0.0.1:7106" without --dry-run to make this change',
    );
    expect(planNextStep({ ...plan, committed: true, stagedEpoch: 4 }, 'x')).toMatch(
      /^n6 now copies its partitions .*"ringkv status --watch" shows the transfers$/,
    );
    expect(planNextStep({ ...plan, kind: 'leave', committed: true }, 'x')).toMatch(/^n6 hands its partitions over/);
  });
});

describe('watch', () => {
  it('redraws live on a terminal and prints lines or JSON otherwise', () => {
    expect(watchMode(false, true)).toBe('live');
    expect(watchMode(false, false)).toBe('lines');
    expect(watchMode(true, true)).toBe('json');
    expect(watchIntervalMs('live', true)).toBe(WATCH_LIVE_INTERVAL_MS);
    expect(watchIntervalMs('lines', false)).toBe(WATCH_LINES_INTERVAL_MS);
    expect(watchIntervalMs('json', false)).toBe(WATCH_LINES_INTERVAL_MS);
  });
});
