import {constants} from 'node:os'

/**
 * The signals that ask a process to stop: Ctrl-C or `kill -INT`, `kill`/`timeout`/`docker stop`/CI cancellation
 * (SIGTERM), and a closed terminal or SSH session (SIGHUP). A convention of the process, not of the CLI: the
 * commands (cli/stop-signals.ts) and the simulator, which uses only the low layers, answer the same three alike.
 */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
export type StopSignal = (typeof STOP_SIGNALS)[number]

/** The shell's convention: a command stopped by signal N exits with 128 + N (130, 143, 129). */
export function exitCodeFor(signal: StopSignal): number {
  return 128 + constants.signals[signal]
}

/** Where stop signals come from: the process, or (in a test) an emitter the test fires. */
export interface SignalSource {
  on(signal: StopSignal, handler: () => void): unknown
  off(signal: StopSignal, handler: () => void): unknown
}
