import {parseFaultRule} from './faults.js'
import type {RequestLogEntry} from './core.js'
import {redactText} from './redact.js'
import {type Simulator, type SimulatorOptions, startSimulator} from './server.js'

export interface RunHooks {
  started(sim: Simulator): void
  /** One line per answered API request. */
  request?: (line: string) => void
}

/** The `simulator` command's life: start, report each request, stop cleanly on Ctrl-C or SIGTERM. */
export async function runSimulatorUntilStopped(
  options: Omit<SimulatorOptions, 'faults'> & {faults: unknown[]},
  hooks: RunHooks,
): Promise<{url: string; token: string; requests: number}> {
  const faults = options.faults.map((rule) => parseFaultRule(rule))
  let token = ''
  const sim = await startSimulator({...options, faults, onRequest: hooks.request ? (entry) => hooks.request?.(describe(entry, token)) : undefined})
  token = sim.token
  hooks.started(sim)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  const requests = sim.requests().length
  await sim.close()
  return {url: sim.url, token: sim.token, requests}
}

/** The line printed for a request: what a client asked for may carry a secret (a token in a path or query), cut out. */
function describe(entry: RequestLogEntry, token: string): string {
  const status = entry.status === null ? 'dropped' : String(entry.status)
  const fault = entry.fault ? ` [fault: ${entry.fault}]` : ''
  return `${entry.method} ${redactText(`${entry.path}${entry.query}`, token)} -> ${status}${fault}`
}
