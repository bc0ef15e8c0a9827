import {describe, expect, it} from 'vitest'

import type {PoolConfig} from '../../src/lib/config/types.js'
import {GuardError, UsageError} from '../../src/lib/base/errors.js'
import type {PoolDroplet} from '../../src/lib/pool/membership.js'
import {selectForScaleDown} from '../../src/lib/pool/delete-selection.js'
import {planScaleUp} from '../../src/lib/pool/scale-up-plan.js'
import {poolFromYaml} from '../support/pools.js'

const pool: PoolConfig = {
  ...poolFromYaml('size: gpu-mi300x1-192gb-devcloud\nregion: atl1\nimage: amd-rocm71software\nssh_key_ids: [52896465]\nvpc_uuid: 5a4981aa-9653-4bd1-bef5-d6bff52042e4', {}, 'gpu'),
  maxAgents: 10,
  minAgents: 2,
}

describe('planning a scale-up', () => {
  it('puts 25 droplets in batches of 10, 10 and 5 with one user_data and the pool\'s settings', () => {
    const plan = planScaleUp({pool, count: 25, userData: '#!/bin/bash\n', existingNames: new Set()})
    expect(plan.batches.map((b) => b.names.length)).toEqual([10, 10, 5])
    const names = plan.batches.flatMap((b) => b.names)
    expect(new Set(names).size).toBe(25)
    for (const name of names) expect(name).toMatch(/^velda-[0-9a-f]{8}-[a-z0-9]{5}$/)
    expect(plan.batches[0]).toMatchObject({
      region: 'atl1', size: 'gpu-mi300x1-192gb-devcloud', image: 'amd-rocm71software', ssh_keys: [52896465],
      tags: ['velda', 'velda-pool:gpu'], user_data: '#!/bin/bash\n', vpc_uuid: '5a4981aa-9653-4bd1-bef5-d6bff52042e4',
    })
  })

  it('never reuses a name that exists, even when the random source repeats', () => {
    let calls = 0
    const repeating = () => (calls++ < 5 ? 0 : calls % 36)
    const existing = new Set([`${pool.prefix}-aaaaa`])
    const plan = planScaleUp({pool, count: 2, userData: '', existingNames: existing, random: repeating})
    const names = plan.batches.flatMap((b) => b.names)
    expect(names).not.toContain(`${pool.prefix}-aaaaa`)
    expect(new Set(names).size).toBe(2)
  })
})

function droplet(id: number, name: string, status: PoolDroplet['status'], createdAt: string): PoolDroplet {
  return {id, name, pool: 'gpu', status, region: 'atl1', size: 's', image: 'i', public_ipv4: null, private_ipv4: null, public_ipv6: null, created_at: createdAt, tags: [], price_hourly: 1.99, expires_at: null}
}

describe('choosing what pool down deletes', () => {
  const members = [
    droplet(1, 'a', 'active', '2026-11-27T08:00:00Z'),
    droplet(2, 'b', 'active', '2026-11-27T10:00:00Z'),
    droplet(3, 'c', 'new', '2026-11-27T07:00:00Z'),
    droplet(4, 'd', 'active', '2026-11-27T09:00:00Z'),
    droplet(5, 'e', 'new', '2026-11-27T11:00:00Z'),
  ]
  const names = (list: PoolDroplet[]) => list.map((d) => d.name)

  it('takes droplets not yet active first, then the newest', () => {
    expect(names(selectForScaleDown(pool, members, {count: 3}, false))).toEqual(['e', 'c', 'b'])
  })

  it('refuses names and ids outside the pool, deleting nothing', () => {
    expect(() => selectForScaleDown(pool, members, {names: ['a', 'velda-other-x']}, false)).toThrow(UsageError)
    expect(() => selectForScaleDown(pool, members, {ids: [1, 99]}, false)).toThrow(/not in pool gpu: 99; nothing was deleted/)
    expect(names(selectForScaleDown(pool, members, {ids: [4, 1]}, false))).toEqual(['a', 'd'])
  })

  it('refuses to go below min_agents without --ignore-limits', () => {
    expect(() => selectForScaleDown(pool, members, {count: 4}, false)).toThrow(/would leave pool gpu below its min_agents of 2/)
    expect(() => selectForScaleDown(pool, members, {all: true}, false)).toThrow(GuardError)
    expect(selectForScaleDown(pool, members, {all: true}, true)).toHaveLength(5)
  })

  it('lets --all on an empty pool below min_agents delete nothing, without refusing', () => {
    expect(selectForScaleDown(pool, [], {all: true}, false)).toEqual([])
    expect(selectForScaleDown(pool, members.slice(0, 1), {count: 0}, false)).toEqual([])
  })
})

describe('pool down and a droplet two pools may own (the broker made it; their prefixes are the same)', () => {
  const shared = (id: number, name: string, status: PoolDroplet['status'], createdAt: string): PoolDroplet =>
    ({...droplet(id, name, status, createdAt), pool: null, candidate_pools: ['gpu', 'gpu-twin']})
  const members = [
    droplet(1, 'own-old', 'active', '2026-11-27T08:00:00Z'),
    droplet(2, 'own-new', 'active', '2026-11-27T09:00:00Z'),
    shared(3, 'shared-newest', 'new', '2026-11-27T11:00:00Z'),
    shared(4, 'shared-new', 'active', '2026-11-27T10:00:00Z'),
  ]
  const names = (list: PoolDroplet[]) => list.map((d) => d.name)
  const loose = {...pool, minAgents: 0}

  it.each([
    ['--count never picks it, even when it is the newest and not active', {count: 1}, ['own-new']],
    ['--count larger than the pool takes only its own', {count: 10}, ['own-new', 'own-old']],
    ['--all leaves it', {all: true as const}, ['own-old', 'own-new']],
    ['--name picks it', {names: ['shared-newest']}, ['shared-newest']],
    ['--id picks it, with an own droplet', {ids: [4, 1]}, ['own-old', 'shared-new']],
  ])('%s', (_what, selection, expected) => {
    expect(names(selectForScaleDown(loose, members, selection, false))).toEqual(expected)
  })

  it('does not count it towards min_agents: another pool may be the one it serves', () => {
    const atMin = {...pool, minAgents: 2}
    expect(() => selectForScaleDown(atMin, members, {names: ['own-old']}, false)).toThrow(/below its min_agents of 2/)
    expect(names(selectForScaleDown(atMin, members, {names: ['shared-new']}, false))).toEqual(['shared-new'])
  })
})
