import {parseFaultRule} from './faults.js'
import type {RequestLogEntry} from './core.js'
import {redactText} from './redact.js'
import {type Simulator, type SimulatorOptions, startSimulator} from './server.js'

export interface RunHooks {
  started(sim: Simulator): void
  /** One line per answered API request. */
  request?: (line: string) => void
}

/** How long a crashed simulator gives its hosts to stop before it exits anyway. */
const CRASH_STOP_MS = 5_000

/** The `simulator` command's life: start, report each request, stop cleanly on Ctrl-C or SIGTERM, and on a crash. */
export async function runSimulatorUntilStopped(
  options: Omit<SimulatorOptions, 'faults'> & {faults: unknown[]},
  hooks: RunHooks,
): Promise<{url: string; token: string; requests: number}> {
  const faults = options.faults.map((rule) => parseFaultRule(rule))
  let token = ''
  const sim = await startSimulator({...options, faults, onRequest: hooks.request ? (entry) => hooks.request?.(describe(entry, token)) : undefined})
  token = sim.token
  const stopOnCrash = stopHostsOnCrash(sim)
  hooks.started(sim)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  const requests = sim.requests().length
  await sim.close()
  stopOnCrash()
  return {url: sim.url, token: sim.token, requests}
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
