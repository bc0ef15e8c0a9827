import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {parseConfig} from '../../src/lib/config/parse.js'
import {runInProcess} from '../support/in-process-cli.js'
import {type AdminSimulator, startAdminSimulator} from '../support/in-process-simulator.js'
import {CPU_POOL_CONFIG, writeCpuPoolConfig} from '../support/pools.js'

const configFile = writeCpuPoolConfig('down-many')
const prefix = parseConfig(CPU_POOL_CONFIG, {file: 'x', env: {}}).config?.pools[0]?.prefix

let sim: AdminSimulator
beforeAll(async () => {
  // No rate limit: 1,500 deletes at DigitalOcean's 250 a minute would take six minutes of waiting on 429s.
  sim = await startAdminSimulator({dropletLimit: 5000, rateLimits: {perMinute: 1_000_000, perHour: 1_000_000, sshKeysPerMinute: 1_000_000}})
})
afterAll(async () => {
  await sim.close()
})

describe('velda-do pool down of a large pool', () => {
  it('deletes 1,500 droplets with no MaxListenersExceededWarning (20 deletes in flight share one close listener)', async () => {
    await sim.admin('POST', 'droplets', {count: 1500, namePrefix: `${prefix}-`, tags: ['velda', 'velda-pool:cpu'], size: 's-1vcpu-1gb', region: 'nyc3'})
    // More than 20 go by a tag of the run's own: a token that may not make tags (403) has them deleted one by one,
    // 20 in flight, which is what this test is about.
    await sim.admin('POST', 'faults', {method: 'POST', path: '/v2/tags', count: 0, action: {type: 'status', status: 403}})
    const warnings: Error[] = []
    const onWarning = (warning: Error) => warnings.push(warning)
    process.on('warning', onWarning)
    try {
      const result = await runInProcess(['pool', 'down', 'cpu', '--all', '--yes', '--json', '-c', configFile], {env: {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token}})
      expect(result.status, result.stderr.slice(-2000)).toBe(0)
      expect(JSON.parse(result.stdout).deleted).toHaveLength(1500)
      expect(result.stderr).not.toMatch(/MaxListenersExceededWarning/)
    } finally {
      process.off('warning', onWarning)
    }
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([])
    expect((await sim.admin('GET', 'state')).droplets).toEqual([])
    expect(sim.requests().filter((r) => r.method === 'DELETE' && /^\/v2\/droplets\/\d+$/.test(r.path))).toHaveLength(1500)
  }, 120_000)
})
