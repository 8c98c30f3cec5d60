/**
 * The nemesis: a schedule of faults drawn from one seed (kill -9, two nodes killed at once, pause,
 * crash-restart and, where the target can cut links, partitions: halves, one node isolated, and a
 * bridge), then applied to a target, with every fault undone before the next one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Random } from './random.js';
import type { ChaosTarget } from './target.js';

export const PROCESS_FAULTS = ['kill', 'pause', 'restart', 'kill2'] as const;
export const PARTITION_FAULTS = ['halves', 'isolate', 'bridge'] as const;
export type FaultKind = (typeof PROCESS_FAULTS)[number] | (typeof PARTITION_FAULTS)[number];

/** Healthy time at the start and the end of a run. */
const QUIET_MS = 5_000;

export interface Fault {
  readonly kind: FaultKind;
  /** When to apply it, in ms since the run started. */
  readonly atMs: number;
  /** How long it lasts before it is undone (0 for a crash-restart). */
  readonly holdMs: number;
  /** The processes hit, or the groups cut apart (a bridge's middle node is in no group). */
  readonly nodes: readonly string[];
  readonly groups: readonly (readonly string[])[];
}

/** One applied step, as it happened. */
export interface NemesisEvent {
  readonly atMs: number;
  readonly action: 'start' | 'end';
  readonly kind: FaultKind;
  readonly nodes: readonly string[];
  readonly groups: readonly (readonly string[])[];
}

/** The faults of a run of `durationMs`: each kind in a seeded order, repeated, with settling gaps. */
export function planNemesis(random: Random, ids: readonly string[], durationMs: number, partitions: boolean): Fault[] {
  const kinds: FaultKind[] = partitions ? [...PROCESS_FAULTS, ...PARTITION_FAULTS] : [...PROCESS_FAULTS];
  const short = durationMs < 40_000;
  const plan: Fault[] = [];
  let order: FaultKind[] = [];
  let t = QUIET_MS;
  for (;;) {
    if (order.length === 0) order = random.shuffle(kinds);
    const kind = order.shift() as FaultKind;
    const holdMs = kind === 'restart' ? 0 : short ? random.int(3_000, 6_000) : random.int(6_000, 12_000);
    if (t + holdMs > durationMs - QUIET_MS) return plan;
    plan.push({ kind, atMs: t, holdMs, ...victims(random, ids, kind) });
    t += holdMs + (short ? random.int(2_000, 3_000) : random.int(4_000, 6_000));
  }
}

function victims(random: Random, ids: readonly string[], kind: FaultKind): Pick<Fault, 'nodes' | 'groups'> {
  const shuffled = random.shuffle(ids);
  switch (kind) {
    case 'kill':
    case 'pause':
    case 'restart':
      return { nodes: shuffled.slice(0, 1), groups: [] };
    case 'kill2':
      return { nodes: shuffled.slice(0, 2), groups: [] };
    case 'isolate':
      return { nodes: [], groups: [shuffled.slice(0, 1), shuffled.slice(1)] };
    case 'halves': {
      const k = Math.floor(ids.length / 2);
      return { nodes: [], groups: [shuffled.slice(0, k), shuffled.slice(k)] };
    }
    case 'bridge': {
      const k = 1 + Math.floor((ids.length - 1) / 2);
      return { nodes: shuffled.slice(0, 1), groups: [shuffled.slice(1, k), shuffled.slice(k)] };
    }
  }
}

/** Faults currently applied, so that they can be undone whatever happens. */
export class FaultState {
  readonly killed = new Set<string>();
  readonly paused = new Set<string>();
  cut = false;

  constructor(private readonly target: ChaosTarget) {}

  async apply(fault: Fault): Promise<void> {
    const t = this.target;
    switch (fault.kind) {
      case 'kill':
      case 'kill2':
      case 'restart':
        for (const id of fault.nodes) {
          this.killed.add(id);
          await t.kill(id);
        }
        return;
      case 'pause':
        for (const id of fault.nodes) {
          this.paused.add(id);
          await t.pause(id);
        }
        return;
      default:
        if (t.partition === undefined) throw new Error(`this target cannot cut links (${fault.kind})`);
        this.cut = true;
        await t.partition(fault.groups);
    }
  }

  /** Undoes every fault: resumes paused nodes, heals cuts, starts killed nodes. */
  async healAll(): Promise<void> {
    for (const id of [...this.paused]) {
      await this.target.resume(id);
      this.paused.delete(id);
    }
    if (this.cut) {
      await this.target.heal?.();
      this.cut = false;
    }
    for (const id of [...this.killed]) {
      await this.target.start(id);
      this.killed.delete(id);
    }
  }
}

/** Applies `plan` in time (`now` is ms since the run started) until `endMs`; stops early when `stop` fires. */
export async function runNemesis(
  state: FaultState,
  plan: readonly Fault[],
  now: () => number,
  endMs: number,
  stop: AbortSignal,
  log: (line: string) => void,
): Promise<NemesisEvent[]> {
  const events: NemesisEvent[] = [];
  const at = async (ms: number): Promise<boolean> => {
    await sleep(Math.max(0, ms - now()), undefined, { signal: stop }).catch(() => undefined);
    return !stop.aborted;
  };
  for (const fault of plan) {
    if (!(await at(fault.atMs))) break;
    // Faults that ran long push the later ones; never start one that would end after endMs.
    if (now() + fault.holdMs > endMs) break;
    const { kind, nodes, groups } = fault;
    events.push({ atMs: Math.round(now()), action: 'start', kind, nodes, groups });
    log(`${(now() / 1000).toFixed(1)}s nemesis ${kind} ${describeFault(fault)}`);
    await state.apply(fault);
    await at(now() + fault.holdMs);
    await state.healAll();
    events.push({ atMs: Math.round(now()), action: 'end', kind, nodes, groups });
    log(`${(now() / 1000).toFixed(1)}s nemesis ${kind} undone`);
  }
  return events;
}

/** e.g. "n3", "n1 n4", "n2 | n1 n3 n4 n5", "n1 n2 | n4 n5 (bridge n3)". */
export function describeFault(fault: Pick<Fault, 'kind' | 'nodes' | 'groups'>): string {
  if (fault.groups.length === 0) return fault.nodes.join(' ');
  const cut = fault.groups.map((g) => g.join(' ')).join(' | ');
  return fault.kind === 'bridge' ? `${cut} (bridge ${fault.nodes.join(' ')})` : cut;
}
