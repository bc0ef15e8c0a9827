import {constants} from 'node:os'

/**
 * The signals that ask a command to stop: Ctrl-C or `kill -INT`, `kill`/`timeout`/`docker stop`/CI cancellation
 * (SIGTERM), and a closed terminal or SSH session (SIGHUP).
 */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
export type StopSignal = (typeof STOP_SIGNALS)[number]

/** The shell's convention: a command stopped by signal N exits with 128 + N (130, 143, 129). */
export function exitCodeFor(signal: StopSignal): number {
  return 128 + constants.signals[signal]
}

export interface StopWatch {
  /** The first stop signal received, or null. */
  readonly signal: StopSignal | null
  isStopped(): boolean
  /** Aborted on the first stop signal: for what must end at once on a stop (ssh runs in flight), not at a step. */
  readonly aborted: AbortSignal
  /** Waits, but not past a stop signal: a wait of minutes must not delay the report of what exists. */
  sleep(ms: number): Promise<void>
  /**
   * Acts as if `signal` had arrived (a Ctrl-C read from a raw-mode terminal, the prompt's own Ctrl-C); `quiet`
   * when the caller says itself what stopping means (nothing is in flight at a prompt).
   */
  trigger(signal: StopSignal, quiet?: boolean): void
  /** Called once, on the first stop signal. */
  onStop(listener: (signal: StopSignal) => void): () => void
  dispose(): void
}

/** Where stop signals come from: the process, or (in a test) an emitter the test fires. */
export interface SignalSource {
  on(signal: StopSignal, handler: () => void): unknown
  off(signal: StopSignal, handler: () => void): unknown
}

/** A wait that ends early, without an error, when `signal` aborts: the clock a Factory hands its commands. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>

/** The real clock's wait: a timer, cleared when `signal` aborts so that nothing keeps the process alive. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const wake = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', wake)
      resolve()
    }
    const timer = setTimeout(wake, ms)
    signal.addEventListener('abort', wake, {once: true})
  })
}

/**
 * Stop signals as a flag that long operations poll between steps: a request in flight is allowed to finish
 * (cutting it off would only make its outcome unknown), waits end at once, and nothing new is sent. Signals
 * after the first are acknowledged, not obeyed, so the command can still report exactly what exists.
 */
export function watchStopSignals(say: (message: string) => void, target: SignalSource = process, wait: Sleep = sleepUnlessAborted): StopWatch {
  let received: StopSignal | null = null
  const listeners = new Set<(signal: StopSignal) => void>()
  const abort = new AbortController()
  const trigger = (signal: StopSignal, quiet = false) => {
    if (received) {
      say(`${describe(signal)} again: already stopping; waiting for the request in flight, then reporting what exists`)
      return
    }
    received = signal
    if (!quiet) say(`${describe(signal)}: finishing the request in flight, then stopping`)
    for (const listener of [...listeners]) listener(signal)
    listeners.clear()
    abort.abort()
  }
  const handlers = STOP_SIGNALS.map((signal) => [signal, () => trigger(signal)] as const)
  for (const [signal, handler] of handlers) target.on(signal, handler)
  return {
    get signal() {
      return received
    },
    isStopped: () => received !== null,
    aborted: abort.signal,
    sleep: (ms) => (received ? Promise.resolve() : wait(ms, abort.signal)),
    trigger,
    onStop(listener) {
      if (received) {
        listener(received)
        return () => {}
      }
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    dispose() {
      for (const [signal, handler] of handlers) target.off(signal, handler)
      listeners.clear()
    },
  }
}

function describe(signal: StopSignal): string {
  return signal === 'SIGINT' ? 'interrupted (Ctrl-C)' : signal === 'SIGTERM' ? 'asked to stop (SIGTERM)' : 'the terminal closed (SIGHUP)'
}
