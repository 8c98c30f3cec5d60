/**
 * The dev cluster's state: one JSON file in one folder (default `.ringkv-dev/`) holding the
 * cluster name, its secret, Q, N and every node's id, address, data dir, log file and pid.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError, UsageError } from './cli-error.js';

/** Folder used when --dir is not given, relative to the working directory. */
export const DEV_DIR_DEFAULT = '.ringkv-dev';
/** Name of the state file inside the folder. */
export const DEV_STATE_FILE = 'cluster.json';
/** Cluster name of every dev cluster. */
export const DEV_CLUSTER_NAME = 'ringkv-dev';
/** Node nI listens on 127.0.0.1:(base port + i). */
export const DEV_BASE_PORT_DEFAULT = 7100;
/** Most nodes a dev cluster may have. */
export const DEV_NODES_MAX = 32;
/** Bytes of randomness in a generated secret. */
const SECRET_BYTES = 32;

export interface DevNode {
  readonly id: string;
  readonly address: string;
  readonly dataDir: string;
  readonly logFile: string;
  /** Process id of the last start, or null when stopped by the CLI. */
  readonly pid: number | null;
}

export interface DevState {
  readonly version: 1;
  readonly cluster: string;
  readonly secret: string;
  readonly q: number;
  readonly n: number;
  readonly nodes: readonly DevNode[];
}

export interface DevStateSpec {
  /** Absolute folder of the state. */
  readonly dir: string;
  readonly nodes: number;
  readonly q: number;
  readonly n: number;
  readonly basePort: number;
  readonly secret: string;
}

/** Builds a fresh state: nodes n1..nK on consecutive loopback ports, none running. */
export function createDevState(spec: DevStateSpec): DevState {
  const nodes: DevNode[] = [];
  for (let i = 1; i <= spec.nodes; i++) {
    const id = `n${i}`;
    nodes.push({
      id,
      address: `127.0.0.1:${spec.basePort + i}`,
      dataDir: join(spec.dir, id, 'data'),
      logFile: join(spec.dir, id, 'node.log'),
      pid: null,
    });
  }
  return { version: 1, cluster: DEV_CLUSTER_NAME, secret: spec.secret, q: spec.q, n: spec.n, nodes };
}

/** A new random secret for a dev cluster. */
export function generateSecret(): string {
  return randomBytes(SECRET_BYTES).toString('hex');
}

/** Absolute path of the state folder named by --dir (or the default). */
export function devDir(dirFlag: string | undefined, cwd: string = process.cwd()): string {
  return resolve(cwd, dirFlag ?? DEV_DIR_DEFAULT);
}

/** The node named `id`; throws UsageError listing the valid ids. */
export function findDevNode(state: DevState, id: string): DevNode {
  const node = state.nodes.find((candidate) => candidate.id === id);
  if (node === undefined) {
    const valid = state.nodes.map((candidate) => candidate.id).join(', ');
    throw new UsageError(`no node "${id}" in this dev cluster; valid ids: ${valid}`);
  }
  return node;
}

/** The state with node `id`'s pid replaced. */
export function withPid(state: DevState, id: string, pid: number | null): DevState {
  return { ...state, nodes: state.nodes.map((node) => (node.id === id ? { ...node, pid } : node)) };
}

/** Checks the shape of a parsed state file; throws CliError naming the file and the field. */
export function parseDevState(value: unknown, file: string): DevState {
  const fail = (field: string): never => {
    throw new CliError(`dev state ${file} is invalid (field ${field}); fix it or run "ringkv dev clean"`);
  };
  if (typeof value !== 'object' || value === null) return fail('(root)');
  const raw = value as Record<string, unknown>;
  if (raw.version !== 1) fail('version');
  if (typeof raw.cluster !== 'string' || raw.cluster === '') fail('cluster');
  if (typeof raw.secret !== 'string' || raw.secret === '') fail('secret');
  if (!Number.isSafeInteger(raw.q)) fail('q');
  if (!Number.isSafeInteger(raw.n)) fail('n');
  if (!Array.isArray(raw.nodes) || raw.nodes.length === 0) return fail('nodes');
  const nodes = raw.nodes.map((node: unknown, i: number) => parseDevNode(node, `nodes[${i}]`, fail));
  return {
    version: 1,
    cluster: raw.cluster as string,
    secret: raw.secret as string,
    q: raw.q as number,
    n: raw.n as number,
    nodes,
  };
}

function parseDevNode(value: unknown, where: string, fail: (field: string) => never): DevNode {
  if (typeof value !== 'object' || value === null) return fail(where);
  const raw = value as Record<string, unknown>;
  for (const field of ['id', 'address', 'dataDir', 'logFile']) {
    if (typeof raw[field] !== 'string' || raw[field] === '') fail(`${where}.${field}`);
  }
  const pid = raw.pid;
  if (pid !== null && !(Number.isSafeInteger(pid) && (pid as number) > 0)) fail(`${where}.pid`);
  return {
    id: raw.id as string,
    address: raw.address as string,
    dataDir: raw.dataDir as string,
    logFile: raw.logFile as string,
    pid: pid as number | null,
  };
}

/** Reads the state in `dir`, or undefined when the folder holds none. */
export function readDevState(dir: string): DevState | undefined {
  const file = join(dir, DEV_STATE_FILE);
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`cannot read dev state ${file}: ${(err as Error).message}`, { cause: err });
  }
  return parseDevState(parsed, file);
}

/** Reads the state in `dir`; throws CliError telling how to create one when absent. */
export function requireDevState(dir: string): DevState {
  const state = readDevState(dir);
  if (state === undefined) {
    throw new CliError(`no dev cluster in ${dir}; create one with "ringkv dev start" (or pass --dir)`);
  }
  return state;
}

/** Writes the state atomically (temporary file, then rename), readable only by its owner. */
export function writeDevState(dir: string, state: DevState): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, DEV_STATE_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}
