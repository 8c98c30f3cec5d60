/** `ringkv get | put | delete`: one key, with the consistency the caller asks for. */
import type { Command } from 'commander';
import type { RingClient } from '../client/index.js';
import type { Consistency, ReadOptions, WriteOptions } from '../client/types.js';
import { REPLICAS_MAX } from '../common/limits.js';
import { addClientOptions, type ClientFlags, timeoutFromFlags, withClient } from './connect.js';
import { formatGetResult, formatReceipt, getResultJson, putResultJson, toJson } from './output.js';
import { parseConsistency, parseIntInRange } from './parse-flags.js';

interface KvFlags extends ClientFlags {
  readonly consistency?: string;
  readonly r?: string;
  readonly w?: string;
  readonly context?: string;
}

/** The SDK options a get, put or delete carries, validated. */
export interface KvOptions {
  readonly consistency: Consistency | undefined;
  readonly quorum: number | undefined;
  readonly context: string | undefined;
  readonly timeoutMs: number | undefined;
}

/** Validates the flags of a key command; `quorumFlag` is --r for reads and --w for writes. */
export function kvOptionsFromFlags(flags: KvFlags, quorumFlag: '--r' | '--w'): KvOptions {
  const rawQuorum = quorumFlag === '--r' ? flags.r : flags.w;
  return {
    consistency: flags.consistency === undefined ? undefined : parseConsistency('--consistency', flags.consistency),
    quorum: rawQuorum === undefined ? undefined : parseIntInRange(quorumFlag, rawQuorum, 1, REPLICAS_MAX),
    context: flags.context,
    timeoutMs: timeoutFromFlags(flags),
  };
}

/** SDK read options with only the fields that were given (exactOptionalPropertyTypes). */
export function readOptions(options: KvOptions): ReadOptions {
  return {
    ...(options.consistency === undefined ? {} : { consistency: options.consistency }),
    ...(options.quorum === undefined ? {} : { r: options.quorum }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
}

/** SDK write options with only the fields that were given. */
export function writeOptions(options: KvOptions): WriteOptions {
  return {
    ...(options.consistency === undefined ? {} : { consistency: options.consistency }),
    ...(options.quorum === undefined ? {} : { w: options.quorum }),
    ...(options.context === undefined ? {} : { context: options.context }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
}

function addKvOptions(command: Command, quorumFlag: '--r' | '--w'): Command {
  addClientOptions(command).option('--consistency <level>', 'one, quorum or all (default: the cluster default)');
  if (quorumFlag === '--r') return command.option('--r <n>', 'explicit read quorum, 1..N (overrides --consistency)');
  return command
    .option('--w <n>', 'explicit write quorum, 1..N (overrides --consistency)')
    .option('--context <ctx>', 'causal context from a previous get (omit for a blind write)');
}

async function runGet(key: string, flags: KvFlags): Promise<void> {
  const options = readOptions(kvOptionsFromFlags(flags, '--r'));
  const result = await withClient(flags, (client) => client.get(key, options));
  if (flags.json === true) {
    process.stdout.write(toJson(getResultJson(result)));
    return;
  }
  const { stdout, stderr } = formatGetResult(result);
  for (const line of stdout) process.stdout.write(`${line}\n`);
  for (const line of stderr) process.stderr.write(`${line}\n`);
}

async function runPut(key: string, value: string, flags: KvFlags): Promise<void> {
  const options = writeOptions(kvOptionsFromFlags(flags, '--w'));
  const result = await withClient(flags, (client) => client.put(key, value, options));
  if (flags.json === true) {
    process.stdout.write(toJson(putResultJson(result)));
    return;
  }
  const mode = options.context === undefined ? ' (blind write: no --context)' : '';
  process.stderr.write(`stored ${JSON.stringify(key)}${mode}\ncontext: ${result.context}\n`);
  process.stderr.write(`receipt: ${formatReceipt(result.receipt, 'W')}\n`);
}

/** Without --context, reads first so that the delete covers every version the read saw. */
async function deleteKey(client: RingClient, key: string, options: KvOptions, json: boolean) {
  if (options.context !== undefined) return { read: null, result: await client.delete(key, writeOptions(options)) };
  const read = await client.get(key, readOptions(options));
  if (!json) {
    const seen = read.found ? `found ${read.values.length} value(s)` : 'not found';
    process.stderr.write(
      `no --context given: read ${JSON.stringify(key)} first (${seen}); deleting with its context\n`,
    );
  }
  const result = await client.delete(key, writeOptions({ ...options, context: read.context }));
  return { read: { found: read.found, context: read.context }, result };
}

async function runDelete(key: string, flags: KvFlags): Promise<void> {
  const options = kvOptionsFromFlags(flags, '--w');
  const json = flags.json === true;
  const { read, result } = await withClient(flags, (client) => deleteKey(client, key, options, json));
  if (json) {
    process.stdout.write(toJson({ ...putResultJson(result), read }));
    return;
  }
  process.stderr.write(`deleted ${JSON.stringify(key)} (tombstone written)\ncontext: ${result.context}\n`);
  process.stderr.write(`receipt: ${formatReceipt(result.receipt, 'W')}\n`);
}

/** Registers get, put and delete on `program`. */
export function registerKvCommands(program: Command): void {
  addKvOptions(program.command('get').description('read a key').argument('<key>'), '--r').action(runGet);
  addKvOptions(
    program.command('put').description('write a value (UTF-8)').argument('<key>').argument('<value>'),
    '--w',
  ).action(runPut);
  addKvOptions(
    program.command('delete').description('delete a key (reads it first unless --context is given)').argument('<key>'),
    '--w',
  ).action(runDelete);
}
