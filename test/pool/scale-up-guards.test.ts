import {describe, expect, it} from 'vitest'

import type {PoolConfig} from '../../src/lib/config/types.js'
import type {Size} from '../../src/lib/do/types.js'
import {GuardError} from '../../src/lib/base/errors.js'
import {estimateGrowth, maxHourlyCostProblem} from '../../src/lib/pool/cost.js'
import {type AccountFacts, askCount, askTarget, checkScaleUpGuards, type GuardInput, scaleUpProblem} from '../../src/lib/pool/scale-up-guards.js'
import {poolFromYaml} from '../support/pools.js'

const pool: PoolConfig = {
  ...poolFromYaml('size: gpu-mi300x1-192gb-devcloud\nregion: atl1\nimage: amd-rocm71software\nssh_key_ids: [52896465]', {}, 'gpu'),
  maxAgents: 10,
  minAgents: 2,
}

const mi300x: Size = {
  slug: 'gpu-mi300x1-192gb-devcloud', description: '', vcpus: 20, memory_mb: 0, disk_gb: 0, price_hourly: 1.99, price_monthly: 0,
  available: true, regions: ['atl1'], gpu: {count: 1, model: 'amd_mi300x', vram_gb: 192},
}

const facts: AccountFacts = {current: 3, sizes: [mi300x], sshKeys: [{id: 52896465, name: 'k', fingerprint: 'f'}], account: {dropletLimit: 25, droplets: 3}}
const counted = (change: Partial<AccountFacts>, input: Partial<GuardInput> = {}): GuardInput => ({pool, count: 2, force: false, facts: {...facts, ...change}, ...input})
const uncounted = (input: Partial<GuardInput>): GuardInput => ({pool, count: 2, force: false, facts: null, ...input})

describe('the scale-up guards, on what was read (counted) or on the config alone (no token)', () => {
  it.each([
    // pool up asks for N more: the fix is a smaller --count.
    ['pool up past max_agents', counted({current: 9}), 'pool gpu has 9 droplets; 2 more would exceed its max_agents of 10', ['ask for at most 1: --count 1', 'or pass --ignore-limits to go past max_agents']],
    // pool scale asks for a total: the fix is the --to that fits, not "ask for at most 1".
    ['pool scale --to 5 past max_agents of 4', counted({current: 3}, {pool: {...pool, maxAgents: 4}, ask: askTarget(5)}), 'pool gpu has 3 droplets; --to 5 would exceed its max_agents of 4', ['scale to at most 4: --to 4', 'or pass --ignore-limits to go past max_agents']],
    ['a pool at max_agents already', counted({current: 10}), 'pool gpu has 10 droplets; 2 more would exceed its max_agents of 10', ['the pool is at its max_agents already: make room with velda-do pool down gpu, or pass --ignore-limits to go past max_agents']],
    ['one droplet, said so', counted({current: 1}, {count: 10}), 'pool gpu has 1 droplet; 10 more would exceed its max_agents of 10', ['ask for at most 9: --count 9', 'or pass --ignore-limits to go past max_agents']],
    ['no token: a --count past max_agents', uncounted({count: 12}), "12 more would exceed pool gpu's max_agents of 10 even if it had no droplet", ['ask for at most 10 (fewer if the pool has droplets): --count 10', 'or pass --ignore-limits to go past max_agents']],
    ['no token: a --to past max_agents', uncounted({count: 12, ask: askTarget(12)}), "--to 12 would exceed pool gpu's max_agents of 10 even if it had no droplet", ['scale to at most 10: --to 10', 'or pass --ignore-limits to go past max_agents']],
    ['an unknown size', counted({sizes: []}), 'the size gpu-mi300x1-192gb-devcloud of pool gpu does not exist on this account', ['velda-do sizes lists the sizes there are', 'AMD MI300X sizes end in -devcloud on the AMD Developer Cloud (https://api.devcloud.amd.com) and not on https://api.digitalocean.com: velda-do doctor names the nearest sizes the account offers']],
    ['a size not offered in the region', counted({sizes: [{...mi300x, regions: ['nyc2', 'tor1']}]}), 'the size gpu-mi300x1-192gb-devcloud is not available in atl1; it is offered in: nyc2, tor1', ["set the pool's region to one of: nyc2, tor1"]],
    ['a size offered nowhere', counted({sizes: [{...mi300x, regions: []}]}), 'the size gpu-mi300x1-192gb-devcloud is not available in atl1; it is not offered anywhere now', ['pick another size: velda-do sizes --available']],
    ['a missing ssh key', counted({sshKeys: [{id: 1, name: 'other', fingerprint: 'f'}]}), 'ssh key 52896465 of pool gpu is not on the account', ['velda-do ssh-keys lists the keys there are', 'fix ssh_key_ids in the config']],
    ["past the account's droplet limit", counted({account: {dropletLimit: 25, droplets: 24}}), "the account's droplet limit is 25; 24 droplets exist and 2 more were asked for", ['ask for at most 1: --count 1', 'or ask DigitalOcean to raise the limit (control panel: Settings, then Team; or a support ticket)']],
    ["pool scale past the account's droplet limit", counted({account: {dropletLimit: 25, droplets: 24}}, {ask: askTarget(5)}), "the account's droplet limit is 25; 24 droplets exist and 2 more were asked for", ['scale to at most 4: --to 4', 'or ask DigitalOcean to raise the limit (control panel: Settings, then Team; or a support ticket)']],
    ['past the droplet limit, even with --ignore-limits', counted({account: {dropletLimit: 10, droplets: 12}}, {force: true}), "the account's droplet limit is 10; 12 droplets exist and 2 more were asked for", ['delete droplets the account no longer needs', 'or ask DigitalOcean to raise the limit (control panel: Settings, then Team; or a support ticket)']],
  ] as const)('refuse %s (exit 2, with the fix)', (_name, input, message, suggestions) => {
    expect(scaleUpProblem(input)).toEqual({message, suggestions})
    let thrown: unknown
    try {
      checkScaleUpGuards(input)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(GuardError)
    expect(thrown).toMatchObject({exitCode: 2, message, suggestions})
  })

  it.each([
    ['a pool within its limits', counted({})],
    ['--ignore-limits past max_agents', counted({current: 9}, {force: true})],
    ['a pool without max_agents', counted({current: 900}, {pool: {...pool, maxAgents: null}})],
    // Without a token nothing but the config is judged: a size or key it cannot see is not refused.
    ['no token, within max_agents, whatever the account holds', uncounted({count: 10})],
  ] as const)('pass %s', (_name, input) => {
    expect(scaleUpProblem(input)).toBeNull()
    expect(() => checkScaleUpGuards(input)).not.toThrow()
  })
})

describe('--max-hourly-cost, its fix said once and with the flag that was typed', () => {
  const estimate = (count: number, before: number[]) => estimateGrowth({size: mi300x.slug, sizePrice: 1.99, count, memberPrices: before})
  it.each([
    ['room for 2 more, pool up', estimate(5, [1.99]), 6, askCount(5), ['ask for at most 2 (gpu-mi300x1-192gb-devcloud is $1.99/h): --count 2', 'or raise --max-hourly-cost']],
    ['room for 2 more, pool scale --to 6 from 1', estimate(5, [1.99]), 6, askTarget(6), ['scale to at most 3 (gpu-mi300x1-192gb-devcloud is $1.99/h): --to 3', 'or raise --max-hourly-cost']],
    ['no room: one fix, not "raise" twice', estimate(1, [1.99, 1.99]), 4, askCount(1), ['not one more droplet fits under it: raise --max-hourly-cost, or make room with velda-do pool down gpu']],
  ] as const)('%s', (_name, cost, max, ask, suggestions) => {
    const problem = maxHourlyCostProblem('gpu', cost, max, ask)
    expect(problem?.suggestions).toEqual(suggestions)
    expect(problem?.suggestions.join('\n').match(/raise --max-hourly-cost/g)).toHaveLength(1)
  })
})
