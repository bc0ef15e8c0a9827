import {describe, expect, it} from 'vitest'

import type {PoolConfig} from '../../src/lib/config/types.js'
import {ApiError} from '../../src/lib/do/errors.js'
import type {Size} from '../../src/lib/do/types.js'
import {explainRefusal, isCreateRefusal, type RefusalFacts, type RefusalMeaning} from '../../src/lib/pool/create-refusal.js'
import {poolFromYaml} from '../support/pools.js'

// What a refused create means is decided from the facts (the account, the sizes, the keys, the tags): the pure
// function is given no message at all, so no wording of DigitalOcean's can change its answer.

const pool: PoolConfig = poolFromYaml('size: gpu-mi300x1-192gb-devcloud\nregion: atl1\nimage: amd-rocm71software\nssh_key_ids: [52896465]', {}, 'gpu')
const mi300x: Size = {
  slug: 'gpu-mi300x1-192gb-devcloud', description: '', vcpus: 20, memory_mb: 0, disk_gb: 0, price_hourly: 1.99, price_monthly: 0,
  available: true, regions: ['atl1'], gpu: {count: 1, model: 'amd_mi300x', vram_gb: 192},
}
const facts: RefusalFacts = {account: {dropletLimit: 25, droplets: 3}, sizes: [mi300x], sshKeys: [{id: 52896465, name: 'k', fingerprint: 'f'}]}
const TAGS = ['velda', 'velda-pool:gpu']

describe('what a refused create means, from what velda-do can read', () => {
  it.each<[string, Partial<RefusalFacts>, string[], RefusalMeaning, string]>([
    ['the account is full', {account: {dropletLimit: 25, droplets: 24}}, TAGS, 'droplet_limit', 'the account\'s droplet limit is 25; 24 droplets exist and 2 more were asked for'],
    ['the size sold out in the region', {sizes: [{...mi300x, regions: ['nyc2']}]}, TAGS, 'size', 'the size gpu-mi300x1-192gb-devcloud is not available in atl1; it is offered in: nyc2'],
    ['the size is gone from the catalog', {sizes: []}, TAGS, 'size', 'the size gpu-mi300x1-192gb-devcloud of pool gpu does not exist on this account'],
    ['a key was deleted', {sshKeys: []}, TAGS, 'ssh_keys', 'ssh key 52896465 of pool gpu is not on the account'],
    ['a tag breaks DigitalOcean\'s rule', {}, [...TAGS, 'team/ml'], 'tags', 'tag "team/ml" has characters DigitalOcean does not allow in tags: "/"'],
    ['nothing velda-do can read explains it', {}, TAGS, 'unexplained', ''],
  ])('%s', (_what, change, tags, meaning, finding) => {
    const explained = explainRefusal(pool, 2, tags, {...facts, ...change})
    expect(explained).toMatchObject({meaning, finding})
    expect(explained.suggestions.length).toBeGreaterThan(0)
  })

  it('a full account comes first: it is what a second run racing this one leads to', () => {
    expect(explainRefusal(pool, 2, TAGS, {...facts, account: {dropletLimit: 3, droplets: 3}, sizes: []}).meaning).toBe('droplet_limit')
  })

  it.each([
    [400, true],
    [422, true],
    [403, false],
    [404, false],
    [429, false],
    [500, false],
  ])('status %i is a refused create: %s', (status, refused) => {
    expect(isCreateRefusal(new ApiError(status, null, 'whatever words', null, {method: 'POST', path: '/v2/droplets', attempts: 1}))).toBe(refused)
  })
})
