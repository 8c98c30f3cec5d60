/**
 * One incarnation of a simulated node process. Everything a process owns (timers, storage
 * handle, network endpoint) checks it; once killed, nothing the old incarnation scheduled runs and
 * none of its pending promises settle, exactly as if the OS process were gone.
 */
export class SimProcess {
  private live = true;

  constructor(
    readonly nodeId: string,
    /** 1 for the first start, +1 on each restart. */
    readonly generation: number,
  ) {}

  get alive(): boolean {
    return this.live;
  }

  /** Marks the process dead; irreversible (a restart is a new SimProcess). */
  kill(): void {
    this.live = false;
  }

  /** "n1#2": the node and its incarnation, for traces. */
  get name(): string {
    return `${this.nodeId}#${this.generation}`;
  }
}

/** A promise that never settles: what a dead process waits on forever. */
export function never<T>(): Promise<T> {
  return new Promise<T>(() => {});
}
