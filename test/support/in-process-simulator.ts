import {type Simulator, type SimulatorOptions, startSimulator} from '../../src/lib/simulator/server.js'
import {simAdmin} from './sim-admin.js'

export interface AdminSimulator extends Simulator {
  /** Calls the admin API under /__sim/, over HTTP as a test of a simulator process would. */
  admin(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>
}

/** The simulator in the test's own process, with the admin API a `velda-do simulator` process offers. */
export async function startAdminSimulator(options: SimulatorOptions = {}): Promise<AdminSimulator> {
  const sim = await startSimulator({seed: 1, activeAfterMs: 0, ...options})
  return {
    ...sim,
    admin: (method, path, body) => simAdmin(sim, method, path, body),
  }
}
