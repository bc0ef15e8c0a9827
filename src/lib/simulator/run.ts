import {parseFaultRule} from './faults.js'
import type {RequestLogEntry} from './core.js'
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
  const sim = await startSimulator({...options, faults, onRequest: hooks.request ? (entry) => hooks.request?.(describe(entry)) : undefined})
  hooks.started(sim)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  const requests = sim.requests().length
  await sim.close()
  return {url: sim.url, token: sim.token, requests}
}

function describe(entry: RequestLogEntry): string {
  const status = entry.status === null ? 'dropped' : String(entry.status)
  const fault = entry.fault ? ` [fault: ${entry.fault}]` : ''
  return `${entry.method} ${entry.path}${entry.query} -> ${status}${fault}`
}
