/**
 * One chaos run against a target: the workloads under a seeded nemesis for a duration, then every
 * fault undone, convergence awaited, every written key read back at `all`, and the checker's report.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkHistory, finalReads, keysOf } from './checker.js';
import { awaitConvergence } from './converge.js';
import { History } from './history.js';
import { FaultState, planNemesis, runNemesis } from './nemesis.js';
import { Random } from './random.js';
import { type ChaosReport, verdict } from './report.js';
import type { ChaosTarget } from './target.js';
import { runWorkloads } from './workload.js';

/** Default limit on convergence after the final heal (design.md §6, reliability.md C7). */
export const CONVERGE_TIMEOUT_MS_DEFAULT = 45_000;
/** Default deadline of each workload operation. */
export const OP_TIMEOUT_MS_DEFAULT = 2_000;

export interface ChaosOptions {
  readonly durationMs: number;
  readonly seed: number;
  readonly convergeTimeoutMs?: number;
  readonly opTimeoutMs?: number;
  /** Progress lines (nemesis steps, phases). */
  readonly log?: (line: string) => void;
  /** Ends the faults early (e.g. Ctrl-C); the run still heals, converges and checks. */
  readonly signal?: AbortSignal;
}

/** Runs the workloads and the nemesis on `target` and checks the outcome. */
export async function runChaos(target: ChaosTarget, options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const convergeTimeoutMs = options.convergeTimeoutMs ?? CONVERGE_TIMEOUT_MS_DEFAULT;
  const opTimeoutMs = options.opTimeoutMs ?? OP_TIMEOUT_MS_DEFAULT;
  const random = new Random(options.seed);
  const runId = `chaos-${options.seed}-${randomBytes(3).toString('hex')}`;
  const plan = planNemesis(random, target.ids, options.durationMs, target.partition !== undefined);
  const history = new History();
  const client = await target.connect();
  const faults = new FaultState(target);
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const stopLoad = new AbortController();
  const stopNemesis = new AbortController();
  const interrupt = (): void => stopNemesis.abort();
  options.signal?.addEventListener('abort', interrupt, { once: true });
  if (options.signal?.aborted === true) interrupt();
  log(`run ${runId}: seed ${options.seed}, ${plan.length} faults over ${options.durationMs / 1000} s`);
  try {
    const load = runWorkloads(
      { client, history, random: new Random(options.seed ^ 0x5eed), runId, now, opTimeoutMs },
      stopLoad.signal,
    );
    let nemesis: Awaited<ReturnType<typeof runNemesis>> = [];
    try {
      nemesis = await runNemesis(faults, plan, now, options.durationMs, stopNemesis.signal, log);
      await sleep(Math.max(0, options.durationMs - now()), undefined, { signal: stopNemesis.signal }).catch(
        () => undefined,
      );
    } finally {
      stopLoad.abort();
      await load;
    }
    log(`${(now() / 1000).toFixed(1)}s load stopped after ${history.ops.length} writes; healing and converging`);
    const healStart = performance.now();
    await faults.healAll();
    const convergence = await awaitConvergence(client, target.ids, convergeTimeoutMs - (performance.now() - healStart));
    // Measured from the start of the heal: restarting killed nodes is part of converging.
    const healed = { ...convergence, ms: Math.round(performance.now() - healStart) };
    log(`converged: ${healed.converged} after ${(healed.ms / 1000).toFixed(1)} s; reading every key at all`);
    const { reads, agreement } = await finalReads(
      client,
      keysOf(history),
      healStart + convergeTimeoutMs,
      opTimeoutMs * 2,
    );
    const workloads = checkHistory(history, reads);
    return {
      runId,
      seed: options.seed,
      nodes: target.ids,
      durationMs: options.durationMs,
      nemesis,
      workloads,
      convergence: healed,
      convergeTimeoutMs,
      agreement,
      ...verdict(workloads, healed, agreement),
    };
  } finally {
    options.signal?.removeEventListener('abort', interrupt);
    stopNemesis.abort();
    await faults.healAll().catch((err: unknown) => log(`could not undo every fault: ${String(err)}`));
    client.close();
  }
}
