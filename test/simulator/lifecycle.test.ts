import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type AdminSimulator, startAdminSimulator} from '../support/in-process-simulator.js'
import {startSimulatorProcess} from '../support/simulator-process.js'

/** What pool scale and pool reap meet on a real account: powered-off droplets, old ones, creates that never come up. */
describe('the simulator\'s droplets over their life', () => {
  let sim: AdminSimulator
  let clock = Date.UTC(2026, 10, 28, 21, 0, 0)
  beforeAll(async () => {
    sim = await startAdminSimulator({now: () => clock})
  })
  afterAll(async () => {
    await sim.close()
  })
  const list = async () => {
    const response = await fetch(`${sim.url}/v2/droplets?per_page=200`, {headers: {authorization: `Bearer ${sim.token}`}})
    return ((await response.json()) as {droplets: {id: number; name: string; status: string; created_at: string; networks: {v4: unknown[]}}[]}).droplets
  }

  it('seeds powered-off and aged droplets; powers droplets off and on; an off droplet keeps its addresses', async () => {
    await sim.admin('POST', 'reset')
    const {droplets: off} = (await sim.admin('POST', 'droplets', {count: 1, namePrefix: 'off-', status: 'off'})) as {droplets: {id: number}[]}
    const {droplets: old} = (await sim.admin('POST', 'droplets', {count: 1, namePrefix: 'old-', ageSeconds: 3600}))  as {droplets: {id: number}[]}
    await sim.admin('POST', 'droplets', {count: 1, namePrefix: 'dated-', createdAt: '2026-11-27T10:00:00Z'})
    const byName = Object.fromEntries((await list()).map((d) => [d.name, d]))
    expect(byName['off-1']).toMatchObject({status: 'off', networks: {v4: [expect.anything(), expect.anything()]}})
    expect(byName['old-1']).toMatchObject({status: 'active', created_at: '2026-11-28T20:00:00Z'})
    expect(byName['dated-1']?.created_at).toBe('2026-11-27T10:00:00Z')
    expect(await sim.admin('POST', 'power-on', {ids: [off[0]!.id]})).toEqual({changed: 1})
    expect(await sim.admin('POST', 'power-off', {ids: [old[0]!.id]})).toEqual({changed: 1})
    expect((await list()).map((d) => d.status)).toEqual(['active', 'off', 'active'])
    expect(await sim.admin('POST', 'power-off', {ids: 'all'})).toEqual({error: 'give {"ids": [droplet ids]}'})
    // A seed that could not make a droplet the API could show is refused whole.
    for (const [seed, error] of [
      [{count: 1, createdAt: 'yesterday'}, /"createdAt" is a time/],
      [{count: 1, ageSeconds: -5}, /"ageSeconds"/],
      [{count: 1, ageSeconds: 5, createdAt: '2026-11-27T10:00:00Z'}, /not both/],
      [{count: 1, status: 'archive'}, /"status" is one of/],
      [{count: 1.5}, /"count"/],
    ] as const) {
      expect(await sim.admin('POST', 'droplets', seed), JSON.stringify(seed)).toEqual({error: expect.stringMatching(error)})
    }
    expect(await list()).toHaveLength(3)
  })

  it('a stuck create: the droplets exist, and stay new however long one waits', async () => {
    await sim.admin('POST', 'reset')
    sim.addFault({method: 'POST', path: '/v2/droplets', count: 1, action: {type: 'stuck'}})
    const create = (names: string[]) =>
      fetch(`${sim.url}/v2/droplets`, {method: 'POST', headers: {authorization: `Bearer ${sim.token}`, 'content-type': 'application/json'}, body: JSON.stringify({names, size: 's-1vcpu-1gb', region: 'nyc3', image: 'ubuntu-24-04-x64'})})
    expect((await create(['stuck-1', 'stuck-2'])).status).toBe(202)
    expect((await create(['fine-1'])).status).toBe(202)
    clock += 24 * 3_600_000
    expect((await list()).map((d) => [d.name, d.status])).toEqual([['stuck-1', 'new'], ['stuck-2', 'new'], ['fine-1', 'active']])
  })

  it('a stuck rule holds only what its own request creates: one that fires on a refused create leaves earlier droplets alone', async () => {
    await sim.admin('POST', 'reset')
    const create = (names: string[], size = 's-1vcpu-1gb') =>
      fetch(`${sim.url}/v2/droplets`, {method: 'POST', headers: {authorization: `Bearer ${sim.token}`, 'content-type': 'application/json'}, body: JSON.stringify({names, size, region: 'nyc3', image: 'ubuntu-24-04-x64'})})
    expect((await create(['early-1'])).status).toBe(202)
    // Given over the admin API, as --fault gives it: the rule is checked by the same parser.
    expect(await sim.admin('POST', 'faults', {method: 'POST', path: '/v2/droplets', action: {type: 'stuck'}})).toMatchObject({faults: [{action: {type: 'stuck'}}]})
    expect((await create(['late-1'], 'no-such-size')).status).toBe(422)
    expect((await list()).map((d) => [d.name, d.status])).toEqual([['early-1', 'active']])
  })
})

describe('the stuck fault from the command line', () => {
  it('velda-do simulator --fault with a stuck rule: the create answers 202 and its droplet stays new', async () => {
    const proc = await startSimulatorProcess(['--active-after', '0s', '--fault', JSON.stringify({method: 'POST', path: '/v2/droplets', action: {type: 'stuck'}})])
    try {
      const headers = {authorization: `Bearer ${proc.token}`, 'content-type': 'application/json'}
      const body = (name: string) => JSON.stringify({name, size: 's-1vcpu-1gb', region: 'nyc3', image: 'ubuntu-24-04-x64'})
      expect((await fetch(`${proc.url}/v2/droplets`, {method: 'POST', headers, body: body('stuck-1')})).status).toBe(202)
      expect((await fetch(`${proc.url}/v2/droplets`, {method: 'POST', headers, body: body('fine-1')})).status).toBe(202)
      const {droplets} = (await proc.admin('GET', 'state')) as {droplets: {name: string; status: string}[]}
      expect(droplets.map((d) => [d.name, d.status])).toEqual([['stuck-1', 'new'], ['fine-1', 'active']])
    } finally {
      await proc.stop()
    }
  })
})
