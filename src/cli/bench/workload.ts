/** The workloads `ringkv bench` runs: YCSB's core A, B and C, plus update-only for pure write throughput. */

export interface Workload {
  readonly name: string;
  readonly description: string;
  /** Share of operations that are reads; the rest are updates (blind writes of a whole record). */
  readonly readShare: number;
}

export const WORKLOADS: Readonly<Record<string, Workload>> = {
  A: { name: 'A', description: 'update heavy: 50% read, 50% update', readShare: 0.5 },
  B: { name: 'B', description: 'read mostly: 95% read, 5% update', readShare: 0.95 },
  C: { name: 'C', description: 'read only: 100% read', readShare: 1 },
  U: { name: 'U', description: 'update only: 100% update (not in YCSB; the pure write rate)', readShare: 0 },
};

/** The workload named `name` (case-insensitive), or undefined. */
export function workloadByName(name: string): Workload | undefined {
  return WORKLOADS[name.trim().toUpperCase()];
}

/** What a benchmark client does to one system. */
export interface BenchTarget {
  /** "ringkv" or "etcd". */
  readonly system: string;
  read(key: string): Promise<unknown>;
  update(key: string, value: Buffer): Promise<unknown>;
  close(): Promise<void>;
}

/** A server process whose CPU and memory the benchmark reads from /proc. */
export interface ServerProcess {
  readonly id: string;
  readonly pid: number;
}

/** The stable code of an error, for counting errors by kind. */
export function errorCode(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    if (typeof code === 'number') return `code ${code}`;
    const name = (err as { name?: unknown }).name;
    if (typeof name === 'string' && name !== '') return name;
  }
  return 'ERROR';
}

/** `count` random values of `bytes` each, reused round-robin so that values cost nothing per op. */
export function valuePool(bytes: number, count = 64): Buffer[] {
  const pool: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const b = Buffer.alloc(bytes);
    for (let j = 0; j < bytes; j++) b[j] = 97 + Math.floor(Math.random() * 26);
    pool.push(b);
  }
  return pool;
}
