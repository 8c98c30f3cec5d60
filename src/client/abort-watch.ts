/**
 * One 'abort' listener per AbortSignal, however many requests share it. A caller that passes one
 * signal to a thousand concurrent requests (to cancel them all at shutdown, say) would otherwise
 * hang a thousand listeners on it, and Node warns of a leak past ten.
 */

interface Watch {
  readonly callbacks: Set<() => void>;
  readonly listener: () => void;
}

const watches = new WeakMap<AbortSignal, Watch>();

/**
 * Calls `callback` once if `signal` aborts; the returned function cancels that (call it when the
 * request settles). The signal's listener goes away with its last watcher.
 */
export function watchAbort(signal: AbortSignal, callback: () => void): () => void {
  let watch = watches.get(signal);
  if (watch === undefined) {
    const callbacks = new Set<() => void>();
    const listener = () => {
      watches.delete(signal);
      for (const cb of [...callbacks]) cb();
    };
    watch = { callbacks, listener };
    watches.set(signal, watch);
    signal.addEventListener('abort', listener, { once: true });
  }
  // A wrapper of its own, so that the same function watched twice is two registrations.
  const entry = () => callback();
  watch.callbacks.add(entry);
  const current = watch;
  return () => {
    current.callbacks.delete(entry);
    if (current.callbacks.size === 0 && watches.get(signal) === current) {
      watches.delete(signal);
      signal.removeEventListener('abort', current.listener);
    }
  };
}
