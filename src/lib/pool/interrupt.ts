/**
 * Ctrl-C as a flag the pool operations poll between steps: a request in flight is allowed to finish (cutting it
 * off would only make its outcome unknown), and waits end at once. Further Ctrl-Cs are acknowledged, not obeyed,
 * so the command can still print what exists.
 */
export function watchInterrupt(say: (message: string) => void): {isInterrupted(): boolean; sleep(ms: number): Promise<void>; dispose(): void} {
  let interrupted = false
  const wakers = new Set<() => void>()
  const handler = () => {
    if (interrupted) {
      say('already stopping: waiting for the request in flight, then printing what exists')
      return
    }
    interrupted = true
    say('interrupted: finishing the request in flight, then stopping')
    for (const wake of wakers) wake()
  }
  process.on('SIGINT', handler)
  return {
    isInterrupted: () => interrupted,
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        if (interrupted) return resolve()
        const wake = () => {
          clearTimeout(timer)
          wakers.delete(wake)
          resolve()
        }
        const timer = setTimeout(wake, ms)
        wakers.add(wake)
      }),
    dispose: () => process.off('SIGINT', handler),
  }
}
