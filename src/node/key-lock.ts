/** Serialises read-modify-write sections per key, so concurrent merges never lose an update. */
export class KeyLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `fn` after every earlier section for `key` finished. */
  async with<T>(key: string, fn: () => Promise<T>): Promise<T> {
    // Each section waits for the one registered just before it, which itself ran only after its
    // own predecessor: a chain in arrival order. An uncontended key waits for nothing.
    const previous = this.tails.get(key);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.tails.set(key, mine);
    if (previous !== undefined) await previous;
    try {
      return await fn();
    } finally {
      release();
      // Only the last waiter removes the entry, so the map holds one entry per contended key.
      if (this.tails.get(key) === mine) this.tails.delete(key);
    }
  }

  /**
   * Whether a section for `key` is running or waiting. When none is, a caller may run a section
   * that never yields (no await) in place of `with`: nothing can interleave with it either way.
   */
  busy(key: string): boolean {
    return this.tails.has(key);
  }

  /** Keys with a section running or waiting. */
  get size(): number {
    return this.tails.size;
  }
}
