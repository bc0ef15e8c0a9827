/**
 * The client's close signal, watched by every request in flight and every wait before a retry, with one listener
 * on the signal however many there are. pool down deletes 20 droplets at a time: one `abort` listener each put 20
 * on one AbortSignal, and Node prints a MaxListenersExceededWarning past 10 (a leak warning, although each
 * listener was removed when its request ended). The callbacks live in a Set here instead.
 */

/** Calls `callback` when the client closes (at once if it has); answers a function that stops watching. */
export type OnClose = (callback: () => void) => () => void

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
