/**
 * A close or stop signal watched by many at once, with one listener on the signal however many there are: the
 * client's requests in flight and waits before a retry (pool down deletes 20 droplets at a time), and every ssh
 * of `pool ssh --all`, `pool status` and `--wait-for agent`. One `abort` listener each put 20 on one AbortSignal,
 * and Node prints a MaxListenersExceededWarning past 10 (a leak warning, although each listener was removed when
 * its request ended). The callbacks live in a Set here instead. Neutral ground: the API client (do/) and the ssh
 * runs (ssh/) both use it.
 */

/** Calls `callback` when the signal aborts (at once if it has); answers a function that stops watching. */
export type OnClose = (callback: () => void) => () => void

/** A new watcher of `signal`: one listener of its own on it. */
export function closeWatch(signal: AbortSignal | undefined): OnClose {
  if (!signal) return () => () => {}
  const callbacks = new Set<() => void>()
  signal.addEventListener('abort', () => {
    for (const callback of [...callbacks]) callback()
  }, {once: true})
  return (callback) => {
    if (signal.aborted) {
      callback()
      return () => {}
    }
    callbacks.add(callback)
    return () => {
      callbacks.delete(callback)
    }
  }
}

const shared = new WeakMap<AbortSignal, OnClose>()

/**
 * The one watcher of `signal` that every caller shares (made on first use): for code that is handed a signal
 * and not a watcher, such as runSsh, called once per member with the command's stop signal.
 */
export function sharedCloseWatch(signal: AbortSignal | undefined): OnClose {
  if (!signal) return () => () => {}
  let watch = shared.get(signal)
  if (!watch) {
    watch = closeWatch(signal)
    shared.set(signal, watch)
  }
  return watch
}
