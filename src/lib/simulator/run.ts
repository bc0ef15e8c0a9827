import {exitCodeFor, type SignalSource, STOP_SIGNALS, type StopSignal} from '../cli/stop-signals.js'
import {parseFaultRule} from './faults.js'
import type {RequestLogEntry} from './core.js'
import {redactText} from './redact.js'
import {type Simulator, type SimulatorOptions, startSimulator} from './server.js'

export interface RunHooks {
  started(sim: Simulator): void
  /** One line per answered API request. */
  request?: (line: string) => void
  /** Where the stop signals come from: the process, unless a test fires them. */
  signals?: SignalSource
}

/** How long a crashed simulator gives its hosts to stop before it exits anyway. */
const CRASH_STOP_MS = 5_000

/**
 * The `simulator` command's life: start, report each request, and on Ctrl-C, SIGTERM or SIGHUP (a closed terminal
 * or SSH session) stop its hosts, remove their folder (host keys, host secrets) and answer the signal, whose exit
 * code (130, 143, 129) the command sets; a crash stops the hosts too. The signals are caught from before it starts:
 * one that arrives while it starts stops it as soon as it has, and another during the stop is ignored (obeyed, it
 * would end the process with the hosts' sshd still running).
 */
export async function runSimulatorUntilStopped(
  options: Omit<SimulatorOptions, 'faults'> & {faults: unknown[]},
  hooks: RunHooks,
): Promise<{url: string; token: string; requests: number; signal: StopSignal; exitCode: number}> {
  const faults = options.faults.map((rule) => parseFaultRule(rule))
  const stop = catchStopSignals(hooks.signals ?? process)
  try {
    let token = ''
    const sim = await startSimulator({...options, faults, onRequest: hooks.request ? (entry) => hooks.request?.(describe(entry, token)) : undefined})
    token = sim.token
    const stopOnCrash = stopHostsOnCrash(sim)
    hooks.started(sim)
    const signal = await stop.received
    const requests = sim.requests().length
    await sim.close()
    stopOnCrash()
    return {url: sim.url, token: sim.token, requests, signal, exitCode: exitCodeFor(signal)}
  } finally {
    stop.dispose()
  }
}

/** The first of SIGINT, SIGTERM and SIGHUP; every one is caught (none ends the process) until dispose(). */
function catchStopSignals(target: SignalSource): {received: Promise<StopSignal>; dispose(): void} {
  let resolve: (signal: StopSignal) => void = () => {}
  const received = new Promise<StopSignal>((r) => (resolve = r))
  const handlers = STOP_SIGNALS.map((signal) => [signal, () => resolve(signal)] as const)
  for (const [signal, handler] of handlers) target.on(signal, handler)
  return {
    received,
    dispose: () => {
      for (const [signal, handler] of handlers) target.off(signal, handler)
    },
  }
}

/**
 * A bug that throws (or rejects) outside a request would end the process and leave every host's sshd running,
 * with no parent and on the operator's loopback addresses (as root, a root sshd). So a crash stops the hosts
 * first, then exits 1 with the error, as Node would have. Answers the function that removes the handlers.
 */
function stopHostsOnCrash(sim: Simulator): () => void {
  let crashing = false
  const crash = (error: unknown) => {
    process.stderr.write(`velda-do simulator crashed, stopping its hosts: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    if (crashing) return
    crashing = true
    const exit = () => process.exit(1)
    setTimeout(exit, CRASH_STOP_MS)
    sim.close().then(exit, exit)
  }
  process.on('uncaughtException', crash)
  process.on('unhandledRejection', crash)
  return () => {
    process.off('uncaughtException', crash)
    process.off('unhandledRejection', crash)
  }
}

/** The line printed for a request: what a client asked for may carry a secret (a token in a path or query), cut out. */
function describe(entry: RequestLogEntry, token: string): string {
  const status = entry.status === null ? 'dropped' : String(entry.status)
  const fault = entry.fault ? ` [fault: ${entry.fault}]` : ''
  return `${entry.method} ${redactText(`${entry.path}${entry.query}`, token)} -> ${status}${fault}`
}
