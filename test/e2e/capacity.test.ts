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
const posts = () => sim.requests().filter((r) => r.method === 'POST' && r.path === '/v2/droplets').length

describe('pool up against a simulator with capacity', () => {
  it('-n 5 with 3 free: the one create of 5 is refused whole with the 422 a real account sees, classified no_capacity, and nothing is made', async () => {
    const run = await velda(['pool', 'up', 'cpu', '-n', '5', '--json'])
    // A 422 for a size the catalog offers in the region, nothing else explaining it: no capacity (exit 3, none made).
    expect(run.status, run.stderr).toBe(3)
    const output = JSON.parse(run.stdout) as {created: unknown[]; failed: {error: string}[]; refusal: string; error: {code: string; message: string}}
    expect(output.created).toEqual([])
    expect(output.failed).toHaveLength(5)
    for (const failed of output.failed) expect(failed.error).toMatch(/^DigitalOcean answered 422 unprocessable_entity to POST \/v2\/droplets: size is unavailable \(after 1 attempt, request id /)
    expect(output.error).toMatchObject({code: 'no_capacity', message: expect.stringMatching(/^no droplet was created; no capacity for s-1vcpu-1gb in nyc3 right now: DigitalOcean answered 422 unprocessable_entity to POST \/v2\/droplets: size is unavailable/)})
    expect(output.refusal).toBe('no_capacity')
    expect(posts()).toBe(1)
    expect((await sim.admin('GET', 'state')).droplets).toEqual([])
    // The 3 that are free are there for a create that fits.
    const fits = await velda(['pool', 'up', 'cpu', '-n', '3', '--json'])
    expect(fits.status, fits.stderr).toBe(0)
    expect((JSON.parse(fits.stdout) as {created: unknown[]}).created).toHaveLength(3)
    expect((await sim.admin('GET', 'state')).capacity).toEqual({'s-1vcpu-1gb@nyc3': {free: 0, spec: 's-1vcpu-1gb@nyc3=3'}})
  })
})
