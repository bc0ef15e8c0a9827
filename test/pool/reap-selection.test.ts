import {describe, expect, it} from 'vitest'

import type {PoolDroplet} from '../../src/lib/pool/membership.js'
import {selectForReap} from '../../src/lib/pool/reap-selection.js'
import {poolFromYaml} from '../support/pools.js'

const NOW = Date.UTC(2026, 10, 28, 21, 0, 0)
const minutesAgo = (m: number) => new Date(NOW - m * 60_000).toISOString().replace('.000Z', 'Z')
const pool = (min: number) => ({...poolFromYaml('size: s-1vcpu-1gb\nregion: nyc3\nimage: ubuntu-24-04-x64', {}, 'cpu'), minAgents: min})

let nextId = 1
function member(fields: {status?: PoolDroplet['status']; age?: number; expiredAgo?: number; expiresIn?: number; pool?: string | null; candidates?: string[]}): PoolDroplet {
  const id = nextId++
  const expires = fields.expiredAgo !== undefined ? minutesAgo(fields.expiredAgo) : fields.expiresIn !== undefined ? minutesAgo(-fields.expiresIn) : null
  return {
    id, name: `velda-0000000${id}`, pool: fields.pool === undefined ? 'cpu' : fields.pool, status: fields.status ?? 'active', region: 'nyc3', size: 's-1vcpu-1gb', image: 'x',
    public_ipv4: null, private_ipv4: null, public_ipv6: null, created_at: minutesAgo(fields.age ?? 60), tags: ['velda'], price_hourly: 0.00893, expires_at: expires,
    ...(fields.candidates ? {candidate_pools: fields.candidates} : {}),
  }
}
const options = {now: NOW, stuckAfterMs: 30 * 60_000, off: false, force: false}

describe('what pool reap takes', () => {
  it('an expired lease, a member new for longer than --stuck-after; not a live lease, a young new one or an active one', () => {
    const expired = member({expiredAgo: 5})
    const stuck = member({status: 'new', age: 45})
    const young = member({status: 'new', age: 10})
    const leased = member({expiresIn: 60})
    const plain = member({})
    const plan = selectForReap(pool(0), [expired, stuck, young, leased, plain], options)
    expect(plan.reap.map((c) => [c.droplet.id, c.reason, c.detail])).toEqual([[expired.id, 'expired', 'lease ended 5m ago'], [stuck.id, 'stuck', 'new for 45m']])
    expect(plan.kept).toEqual([])
  })

  it('powered-off members only with --off', () => {
    const off = member({status: 'off'})
    expect(selectForReap(pool(0), [off], options).reap).toEqual([])
    expect(selectForReap(pool(0), [off], {...options, off: true}).reap.map((c) => c.reason)).toEqual(['off'])
  })

  it('never another pool\'s droplet, one of no pool, or one another pool may own', () => {
    const others = [member({expiredAgo: 5, pool: 'gpu'}), member({expiredAgo: 5, pool: null}), member({expiredAgo: 5, pool: null, candidates: ['cpu', 'cpu-b']})]
    const plan = selectForReap(pool(0), others, {...options, off: true})
    expect(plan.reap).toEqual([])
    expect(plan.sharedLeftAlone.map((d) => d.id)).toEqual([others[2]?.id])
  })

  it('min_agents: expired members always go; stuck and off ones only down to min_agents, the rest kept with the reason', () => {
    const members = [member({expiredAgo: 1}), member({status: 'new', age: 90}), member({status: 'new', age: 40}), member({status: 'off', age: 30}), member({})]
    const plan = selectForReap(pool(3), members, {...options, off: true})
    // 5 members, 1 expired: 4 left, min 3, so one more may go: the oldest stuck one.
    expect(plan.reap.map((c) => c.droplet.id)).toEqual([members[0]?.id, members[1]?.id])
    expect(plan.kept.map((k) => [k.droplet.id, k.reason, k.why])).toEqual([
      [members[2]?.id, 'stuck', 'pool cpu would go below its min_agents of 3'],
      [members[3]?.id, 'off', 'pool cpu would go below its min_agents of 3'],
    ])
    expect(selectForReap(pool(3), members, {...options, off: true, force: true}).reap).toHaveLength(4)
    // Below min_agents already: expired ones still go, nothing else.
    expect(selectForReap(pool(9), members, {...options, off: true}).reap.map((c) => c.reason)).toEqual(['expired'])
  })

  it('the earliest lease first, then the oldest stuck, then the oldest off', () => {
    const members = [member({status: 'new', age: 40}), member({expiredAgo: 1}), member({status: 'new', age: 90}), member({expiredAgo: 30})]
    expect(selectForReap(pool(0), members, options).reap.map((c) => c.droplet.id)).toEqual([members[3]?.id, members[1]?.id, members[2]?.id, members[0]?.id])
  })

  // One member each, in a pool without min_agents, at the clock NOW: what it is taken for, if anything.
  it.each<[string, Parameters<typeof member>[0], {off?: boolean}, string | null]>([
    ['a lease ending right now', {expiredAgo: 0}, {}, 'expired'],
    ['a lease ending in a minute', {expiresIn: 1}, {}, null],
    ['new exactly --stuck-after long', {status: 'new', age: 30}, {}, 'stuck'],
    ['new a minute less than --stuck-after', {status: 'new', age: 29}, {}, null],
    ['active for days', {age: 5000}, {}, null],
    ['off, without --off', {status: 'off'}, {}, null],
    ['off, with --off', {status: 'off'}, {off: true}, 'off'],
    ['off with a lease that passed: the lease says more', {status: 'off', expiredAgo: 3}, {off: true}, 'expired'],
    ['stuck with a lease that passed', {status: 'new', age: 90, expiredAgo: 3}, {}, 'expired'],
    ['expired, of another pool', {expiredAgo: 3, pool: 'gpu'}, {off: true}, null],
  ])('%s', (_name, fields, flags, reason) => {
    const plan = selectForReap(pool(0), [member(fields)], {...options, ...flags})
    expect(plan.reap.map((c) => c.reason)).toEqual(reason === null ? [] : [reason])
  })

  it('the clock is the one given: the same members an hour later', () => {
    const members = [member({expiresIn: 30}), member({status: 'new', age: 0})]
    expect(selectForReap(pool(0), members, options).reap).toEqual([])
    expect(selectForReap(pool(0), members, {...options, now: NOW + 3_600_000}).reap.map((c) => [c.reason, c.detail])).toEqual([['expired', 'lease ended 30m ago'], ['stuck', 'new for 1h']])
  })

  it('off members oldest first, after the stuck ones; min_agents keeps the youngest off ones first', () => {
    const young = member({status: 'off', age: 10})
    const old = member({status: 'off', age: 300})
    const stuck = member({status: 'new', age: 40})
    const active = member({})
    const plan = selectForReap(pool(2), [young, old, stuck, active], {...options, off: true})
    expect(plan.reap.map((c) => c.droplet.id)).toEqual([stuck.id, old.id])
    expect(plan.kept.map((k) => k.droplet.id)).toEqual([young.id])
  })

  it('a droplet another pool may own is not counted towards min_agents', () => {
    const shared = member({pool: null, candidates: ['cpu', 'cpu-b']})
    const stuck = member({status: 'new', age: 40})
    const active = member({})
    const plan = selectForReap(pool(1), [shared, stuck, active], options)
    // Two own members, min 1: the stuck one may go; the shared one is neither reaped nor a reason to keep.
    expect(plan.reap.map((c) => c.droplet.id)).toEqual([stuck.id])
    expect(selectForReap(pool(2), [shared, stuck, active], options).kept.map((k) => k.droplet.id)).toEqual([stuck.id])
  })
})
