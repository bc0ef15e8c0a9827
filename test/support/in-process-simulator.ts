import {type Simulator, type SimulatorOptions, startSimulator} from '../../src/lib/simulator/server.js'

export interface AdminSimulator extends Simulator {
  /** Calls the admin API under /__sim/, over HTTP as a test of a simulator process would. */
  admin(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>
}

/** The simulator in the test's own process, with the admin API a `velda-do simulator` process offers. */
export async function startAdminSimulator(options: SimulatorOptions = {}): Promise<AdminSimulator> {
  const sim = await startSimulator({seed: 1, activeAfterMs: 0, ...options})
  return {
    ...sim,
    async admin(method, path, body) {
      const response = await fetch(`${sim.url}/__sim/${path}`, {method, body: body === undefined ? undefined : JSON.stringify(body)})
      return (await response.json()) as Record<string, unknown>
    },
  }
}
