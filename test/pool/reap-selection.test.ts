import {describe, expect, it} from 'vitest'

import type {GpuVerdict} from '../../src/lib/pool/gpu-verdict.js'
import type {PoolDroplet} from '../../src/lib/pool/membership.js'
import {membersToProbe, selectForReap} from '../../src/lib/pool/reap-selection.js'
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

describe('what pool reap takes with --idle and --unhealthy (each member\'s GPU verdict given)', () => {
  const idle = (minutes: number): GpuVerdict => ({kind: 'idle', idleMs: minutes * 60_000, detail: `GPUs idle for ${minutes}m`})
  const unhealthy: GpuVerdict = {kind: 'unhealthy', detail: '1 of 8 GPUs missing'}
  const unknown: GpuVerdict = {kind: 'unknown', detail: 'stale sample', why: 'the last was taken 12m ago (its sampler has stopped, or its clock is off)'}
  const fine: GpuVerdict = {kind: 'fine'}
  const verdicts = (pairs: [PoolDroplet, GpuVerdict][]) => new Map(pairs.map(([d, v]) => [d.id, v]))

  it('idle and unhealthy members go; fine ones stay; one whose GPUs could not be read is kept as unknown, with the reason', () => {
    const [a, b, c, d] = [member({}), member({}), member({}), member({})] as [PoolDroplet, PoolDroplet, PoolDroplet, PoolDroplet]
    const plan = selectForReap(pool(0), [a, b, c, d], options, verdicts([[a, idle(130)], [b, unhealthy], [c, unknown], [d, fine]]))
    expect(plan.reap.map((x) => [x.droplet.id, x.reason, x.detail])).toEqual([[b.id, 'unhealthy', '1 of 8 GPUs missing'], [a.id, 'idle', 'GPUs idle for 130m']])
    expect(plan.kept).toEqual([{droplet: c, reason: 'unknown', detail: 'stale sample', why: 'the last was taken 12m ago (its sampler has stopped, or its clock is off)'}])
  })

  it('min_agents: idle members go only down to it, the longest idle first; unhealthy before idle; the rest kept with the reason; --ignore-limits goes below', () => {
    const members = [member({}), member({}), member({}), member({}), member({})]
    const [m0, m1, m2, m3, m4] = members as [PoolDroplet, PoolDroplet, PoolDroplet, PoolDroplet, PoolDroplet]
    const given = verdicts([[m0, idle(70)], [m1, idle(300)], [m2, unhealthy], [m3, idle(90)], [m4, fine]])
    // Five members, min 3: two may go: the unhealthy one, then the one idle longest.
    const plan = selectForReap(pool(3), members, options, given)
    expect(plan.reap.map((x) => x.droplet.id)).toEqual([m2.id, m1.id])
    expect(plan.kept.map((k) => [k.droplet.id, k.reason, k.why])).toEqual([
      [m3.id, 'idle', 'pool cpu would go below its min_agents of 3'],
      [m0.id, 'idle', 'pool cpu would go below its min_agents of 3'],
    ])
    expect(selectForReap(pool(3), members, {...options, force: true}, given).reap.map((x) => x.droplet.id)).toEqual([m2.id, m1.id, m3.id, m0.id])
  })

  it('an unknown member counts towards min_agents (it may be at work) but is never reaped, even with --ignore-limits', () => {
    const [a, b] = [member({}), member({})] as [PoolDroplet, PoolDroplet]
    const given = verdicts([[a, idle(120)], [b, unknown]])
    expect(selectForReap(pool(1), [a, b], options, given).reap.map((x) => x.droplet.id)).toEqual([a.id])
    expect(selectForReap(pool(2), [a, b], options, given).reap).toEqual([])
    expect(selectForReap(pool(0), [a, b], {...options, force: true}, given).reap.map((x) => x.droplet.id)).toEqual([a.id])
  })

  it('what the listing takes (a lease, stuck, off) is not probed, and goes for that reason', () => {
    const expired = member({expiredAgo: 5})
    const stuck = member({status: 'new', age: 45})
    const off = member({status: 'off'})
    const plain = member({})
    const other = member({pool: 'gpu'})
    expect(membersToProbe(pool(0), [expired, stuck, off, plain, other], {...options, off: true}).map((d) => d.id)).toEqual([plain.id])
    // Without --off a powered-off member is probed like any other (and is unreachable, so kept as unknown).
    expect(membersToProbe(pool(0), [off, plain], options).map((d) => d.id)).toEqual([off.id, plain.id])
    const plan = selectForReap(pool(0), [expired, plain], options, verdicts([[expired, idle(500)], [plain, idle(61)]]))
    expect(plan.reap.map((x) => [x.droplet.id, x.reason])).toEqual([[expired.id, 'expired'], [plain.id, 'idle']])
  })
})
