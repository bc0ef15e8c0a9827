import {afterEach, describe, expect, it} from 'vitest'

import type {PoolConfig} from '../../src/lib/config/types.js'
import {createDigitalOceanApi, type DigitalOceanApi} from '../../src/lib/do/client.js'
import {formatDroplets, formatSharedNotes} from '../../src/lib/output/droplet-table.js'
import {listPools, type PoolDroplet} from '../../src/lib/pool/membership.js'
import {selectForScaleDown, type Selection} from '../../src/lib/pool/delete-selection.js'
import {countPool, countsJson} from '../../src/lib/pool/counts.js'
import {formatCountsLine} from '../../src/lib/output/pool-counts.js'
import {Secret} from '../../src/lib/base/secret.js'
import {type Simulator, startSimulator} from '../../src/lib/simulator/server.js'
import {poolFromYaml} from '../support/pools.js'

/** Two pools with the same droplet settings, hence the same prefix: the broker cannot tell them apart. */
const SETTINGS = 'size: s-1vcpu-1gb\nregion: nyc3\nimage: ubuntu-24-04-x64'
const a = poolFromYaml(SETTINGS, {}, 'a')
const b = poolFromYaml(SETTINGS, {}, 'b')
const other = poolFromYaml('size: s-2vcpu-4gb\nregion: nyc3\nimage: ubuntu-24-04-x64', {}, 'other')
const configured = [a, b, other]

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

/** a has 2 droplets of its own, b 1; the broker made 2 more with their common prefix, and 1 for `other`. */
async function setup(): Promise<{api: DigitalOceanApi; brokerMade: number[]}> {
  sim = await startSimulator({activeAfterMs: null})
  sim.core.seedDroplets({count: 2, namePrefix: `${a.prefix}-a`, tags: ['velda', 'velda-pool:a']})
  sim.core.seedDroplets({count: 1, namePrefix: `${b.prefix}-b`, tags: ['velda', 'velda-pool:b']})
  const brokerMade = sim.core.seedDroplets({count: 2, namePrefix: `${a.prefix}-k`, tags: ['velda']}).map((d) => d.id)
  sim.core.seedDroplets({count: 1, namePrefix: `${other.prefix}-k`, tags: ['velda'], size: 's-2vcpu-4gb'})
  const api = await createDigitalOceanApi({endpoint: sim.url, token: new Secret(sim.token), sleep: async () => {}})
  return {api, brokerMade}
}

const ids = (list: readonly PoolDroplet[]) => list.map((d) => d.id).sort((x, y) => x - y)

describe('two configured pools sharing a prefix', () => {
  it('pool list shows each broker-made droplet once, owned by neither pool, naming both as candidates', async () => {
    const {api, brokerMade} = await setup()
    const {members} = await listPools(api, configured, configured)
    expect(members).toHaveLength(6)
    expect(new Set(members.map((d) => d.id)).size).toBe(6)
    const shared = members.filter((d) => brokerMade.includes(d.id))
    expect(shared.map((d) => [d.pool, d.candidate_pools])).toEqual([[null, ['a', 'b']], [null, ['a', 'b']]])
    // Droplets of one pool only keep the exact shape they had: no new key.
    for (const own of members.filter((d) => !brokerMade.includes(d.id))) expect(own).not.toHaveProperty('candidate_pools')
  })

  it.each([['a'], ['b']])('pool list %s alone shows them too, once, with the same marking', async (name) => {
    const {api, brokerMade} = await setup()
    const pool = configured.find((p) => p.name === name) as PoolConfig
    const {members} = await listPools(api, [pool], configured)
    const shared = members.filter((d) => brokerMade.includes(d.id))
    expect(shared.map((d) => d.candidate_pools)).toEqual([['a', 'b'], ['a', 'b']])
  })

  it('the table marks them with both pool names and a question mark; the summary counts them apart', async () => {
    const {api} = await setup()
    const {members} = await listPools(api, configured, configured)
    const table = formatDroplets(members, Date.now())
    expect(table.match(/^a\|b\? +velda-/gm)).toHaveLength(2)
    expect(formatCountsLine(countPool(a, members))).toBe("a: 2 droplets (2 active) and 2 that may be b's; min 0, max unlimited; $0.0179/h")
    expect(formatCountsLine(countPool(other, members))).toBe('other: 1 droplet (1 active); min 0, max unlimited; $0.0357/h')
    const notes = formatSharedNotes(members).split('\n').filter(Boolean)
    expect(notes).toHaveLength(1)
    expect(notes[0]).toMatch(/^a\|b\?: the Velda broker made it .* pools a and b share.* --count and --all leave it; .*--name or --id/)
    expect(formatSharedNotes(members.filter((d) => d.pool !== null))).toBe('')
  })

  it('the JSON summary of a pool keeps exactly the keys of docs/cli.md', async () => {
    const {api} = await setup()
    const {members} = await listPools(api, configured, configured)
    expect(countsJson(countPool(a, members))).toEqual({name: 'a', prefix: a.prefix, count: 2, min_agents: 0, max_agents: null, hourly_cost: 0.0179, unpriced: 0})
  })

  it.each([
    ['a', {count: 10}],
    ['a', {all: true}],
    ['b', {count: 10}],
    ['b', {all: true}],
  ] as [string, Selection][])('pool down %s %j never selects them', async (name, selection) => {
    const {api, brokerMade} = await setup()
    const pool = configured.find((p) => p.name === name) as PoolConfig
    const {members} = await listPools(api, [pool], configured)
    const chosen = selectForScaleDown(pool, members, selection, false)
    expect(chosen.length).toBeGreaterThan(0)
    expect(chosen.filter((d) => brokerMade.includes(d.id))).toEqual([])
  })

  it.each([['a'], ['b']])('pool down %s --id and --name select one of them', async (name) => {
    const {api, brokerMade} = await setup()
    const pool = configured.find((p) => p.name === name) as PoolConfig
    const {members} = await listPools(api, [pool], configured)
    const first = members.find((d) => d.id === brokerMade[0]) as PoolDroplet
    expect(ids(selectForScaleDown(pool, members, {ids: [first.id]}, false))).toEqual([first.id])
    expect(ids(selectForScaleDown(pool, members, {names: [first.name]}, false))).toEqual([first.id])
  })

  it.each([['a', 4], ['b', 3]])('pool up %s counts them against its max_agents (%i members)', async (name, expected) => {
    const {api} = await setup()
    const pool = configured.find((p) => p.name === name) as PoolConfig
    expect((await listPools(api, [pool], configured)).members).toHaveLength(expected)
  })

  it('a pool whose prefix no other pool shares claims the broker-made droplets as before', async () => {
    const {api} = await setup()
    const {members} = await listPools(api, [other], configured)
    expect(members.map((d) => [d.pool, d.candidate_pools])).toEqual([['other', undefined]])
  })
})
