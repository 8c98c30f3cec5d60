/** Serialises read-modify-write sections per key, so concurrent merges never lose an update. */
export class KeyLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `fn` after every earlier section for `key` finished. */
  async with<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      // Only the last waiter removes the entry, so the map holds one entry per contended key.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with a section running or waiting. */
  get size(): number {
    return this.tails.size;
  }
}
