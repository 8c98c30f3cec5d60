/** Small async helpers shared by the integration suites. */

/** Polls `check` until it holds; resolves with the milliseconds it took, rejects after `timeoutMs`. */
export async function waitFor(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
  intervalMs = 200,
): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return Date.now() - start;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/**
 * Like `waitFor`, but `check` must hold on every poll for `holdMs` in a row: for states that can
 * flicker while news of them spreads (a killed node's last relayed heartbeats, say).
 */
export async function waitForSteady(
  what: string,
  timeoutMs: number,
  holdMs: number,
  check: () => Promise<boolean>,
): Promise<number> {
  const start = Date.now();
  let since: number | null = null;
  for (;;) {
    const now = Date.now();
    if (await check()) {
      since ??= now;
      if (now - since >= holdMs) return now - start;
    } else since = null;
    if (now - start > timeoutMs) throw new Error(`${what}: not steadily within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Runs `fn`, retrying it while it fails with UNAVAILABLE or TIMEOUT (a connection still in its
 * reconnect backoff after a heal) for up to `timeoutMs`. Any other failure, and any wrong answer
 * the caller checks, still fails at once.
 */
export async function retryTransient<T>(timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const start = Date.now();
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if ((code !== 'UNAVAILABLE' && code !== 'TIMEOUT') || Date.now() - start > timeoutMs) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
