import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {parseCapacitySpecs} from '../../src/lib/simulator/capacity.js'
import {CPU_DROPLET, veldaYaml} from '../support/configs.js'
import {runInProcess} from '../support/in-process-cli.js'
import {type AdminSimulator, startAdminSimulator} from '../support/in-process-simulator.js'

const configFile = join(mkdtempSync(join(tmpdir(), 'velda-capacity-')), 'velda.yaml')
writeFileSync(configFile, veldaYaml([{name: 'cpu', droplet: CPU_DROPLET, scaler: {max_agents: 50}}]))

let sim: AdminSimulator
beforeAll(async () => {
  sim = await startAdminSimulator({activeAfterMs: null, capacity: parseCapacitySpecs([`${CPU_DROPLET.size}@${CPU_DROPLET.region}=3`])})
})
afterAll(async () => {
  await sim.close()
})

const velda = (args: string[]) => runInProcess([...args, '-c', configFile], {env: {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token}})
/** The names a create asked for: `names` for a batch, `name` for one (createBody). */
const sentNames = (body: string): string[] => {
  const {names, name} = JSON.parse(body) as {names?: string[]; name?: string}
  return names ?? (name === undefined ? [] : [name])
}
const posts = () => sim.requests().filter((r) => r.method === 'POST' && r.path === '/v2/droplets').length

describe('pool up against a simulator with capacity', () => {
  it('-n 10 with 3 free: the create of 10 is refused whole (422, no_capacity), tried as 5, 2 and 1, and the 3 free are taken, none twice', async () => {
    const run = await velda(['pool', 'up', 'cpu', '-n', '10', '--json'])
    // Some created, the rest refused for capacity: exit 4, the class in error.code and refusal.
    expect(run.status, run.stderr).toBe(4)
    const output = JSON.parse(run.stdout) as {created: {id: number; name: string}[]; failed: {name: string; error: string}[]; refusal: string; error: {code: string; message: string}}
    expect(output.created).toHaveLength(3)
    expect(output.failed).toHaveLength(7)
    for (const failed of output.failed) expect(failed.error).toMatch(/^DigitalOcean answered 422 unprocessable_entity to POST \/v2\/droplets: size is unavailable \(after 1 attempt, request id /)
    expect(output.error).toMatchObject({code: 'no_capacity', message: expect.stringMatching(/^3 of 10 created; no capacity for s-1vcpu-1gb in nyc3 right now: DigitalOcean answered 422 unprocessable_entity to POST \/v2\/droplets: size is unavailable/)})
    expect(output.refusal).toBe('no_capacity')
    // 10 refused, 5 refused, 2 made, 2 refused, 1 made, 1 refused: the run ends at the first refusal of one name.
    const creates = sim.requests().filter((r) => r.method === 'POST' && r.path === '/v2/droplets')
    expect(creates.map((r) => [sentNames(r.body).length, r.status])).toEqual([[10, 422], [5, 422], [2, 202], [2, 422], [1, 202], [1, 422]])
    expect(posts()).toBe(6)
    // Exactly what was reported exists, each name once, and every planned name is either created or failed.
    const state = (await sim.admin('GET', 'state')) as {droplets: {id: number; name: string}[]; capacity: unknown}
    expect(state.droplets.map((d) => d.name).sort()).toEqual(output.created.map((d) => d.name).sort())
    expect(new Set([...output.created, ...output.failed].map((d) => d.name)).size).toBe(10)
    expect(state.capacity).toEqual({'s-1vcpu-1gb@nyc3': {free: 0, spec: 's-1vcpu-1gb@nyc3=3'}})
    // With none free, one name refused is the end: one POST, nothing made, exit 3.
    const none = await velda(['pool', 'up', 'cpu', '-n', '1', '--json'])
    expect(none.status, none.stderr).toBe(3)
    expect((JSON.parse(none.stdout) as {error: {code: string}}).error.code).toBe('no_capacity')
    expect(posts()).toBe(7)
  })
})
