import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startCli} from '../support/cli.js'
import {CPU_DROPLET, veldaYaml} from '../support/configs.js'
import {type SimulatorProcess, startSimulatorProcess} from '../support/simulator-process.js'

/**
 * A stop signal while the last request is in flight, through the built CLI and `velda-do simulator`: the create is
 * the run's last request (one droplet, no max_agents to count against, no --wait), and its answer is held back by
 * the simulator's delay fault, so the signal lands after DigitalOcean made the droplet and before velda-do heard.
 * The request finishes (cutting it off would leave its outcome unknown) and the run still ends as a stop.
 */

const config = join(mkdtempSync(join(tmpdir(), 'velda-late-signal-')), 'velda.yaml')
writeFileSync(config, veldaYaml([{name: 'cpu', droplet: {...CPU_DROPLET, agent_version_override: '"v1.1.4"'}}]))

let sim: SimulatorProcess
beforeAll(async () => {
  sim = await startSimulatorProcess()
}, 120_000)
afterAll(async () => {
  await sim?.stop()
})

/** Resolves once the simulator has taken a POST /v2/droplets (it answers 3 s later: the delay fault). */
async function createTaken(): Promise<void> {
  for (;;) {
    const {requests} = (await sim.admin('GET', 'requests')) as {requests: {method: string; path: string}[]}
    if (requests.some((r) => r.method === 'POST' && r.path === '/v2/droplets')) return
    // Polling the log: a request arriving at the API is an event only the simulator sees.
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('a stop signal during the last request', () => {
  it.each([['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129]] as const)('%s: the request finishes, then exit %i with error.signal and the whole outcome', async (signal, exit) => {
    await sim.admin('POST', 'reset')
    await sim.admin('POST', 'faults', {method: 'POST', path: '/v2/droplets', count: 1, action: {type: 'delay', ms: 3000}})
    const run = startCli(['pool', 'up', 'cpu', '-n', '1', '--json', '-c', config], {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token})
    await createTaken()
    run.kill(signal)
    const result = await run.exited
    expect(result.status, result.stderr).toBe(exit)
    const document = JSON.parse(result.stdout) as {created: {id: number}[]; failed: unknown[]; error: {code: string; signal: string}}
    expect(document.error).toMatchObject({code: 'interrupted', signal})
    // What exists is what was reported: the one droplet the finished request made.
    const {droplets} = (await sim.admin('GET', 'state')) as {droplets: {id: number}[]}
    expect(document.created.map((d) => d.id)).toEqual(droplets.map((d) => d.id))
    expect(document.created).toHaveLength(1)
    expect(document.failed).toEqual([])
    // The person watching the CI log is told what keeps billing, as after any stop.
    expect(result.stderr).toContain('1 droplet is running')
  })
})
