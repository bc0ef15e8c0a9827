import {describe, expect, it} from 'vitest'

import type {PoolConfig} from '../../src/lib/config/types.js'
import {ApiError} from '../../src/lib/do/errors.js'
import type {Region, Size} from '../../src/lib/do/types.js'
import {explainRefusal, isCreateRefusal, type RefusalClass, type RefusalFacts} from '../../src/lib/pool/create-refusal.js'
import {poolFromYaml} from '../support/pools.js'

// What a refused create means is decided from the status and the facts (the account, the sizes, the regions, the
// keys, the tags, the image): the pure function is given no message at all, so no wording of DigitalOcean's can
// change its answer.

const pool: PoolConfig = poolFromYaml('size: gpu-mi300x1-192gb-devcloud\nregion: atl1\nimage: amd-rocm71software\nssh_key_ids: [52896465]', {}, 'gpu')
const mi300x: Size = {
  slug: 'gpu-mi300x1-192gb-devcloud', description: '', vcpus: 20, memory_mb: 0, disk_gb: 0, price_hourly: 1.99, price_monthly: 0,
  available: true, regions: ['atl1'], gpu: {count: 1, model: 'amd_mi300x', vram_gb: 192},
}
const atl1: Region = {slug: 'atl1', name: 'Atlanta 1', available: true, features: [], sizes: ['gpu-mi300x1-192gb-devcloud']}
const facts: RefusalFacts = {
  account: {dropletLimit: 25, droplets: 3},
  sizes: [mi300x],
  regions: [atl1, {slug: 'nyc2', name: 'New York 2', available: true, features: [], sizes: ['gpu-mi300x1-192gb-devcloud']}],
  sshKeys: [{id: 52896465, name: 'k', fingerprint: 'f'}],
  image: {id: 7, slug: 'amd-rocm71software', name: 'ROCm', regions: [], status: 'available'},
}
const TAGS = ['velda', 'velda-pool:gpu']

describe('what a refused create means, from the status and what velda-do can read', () => {
  it.each<[string, number, Partial<RefusalFacts>, string[], RefusalClass, string]>([
    ['the size is offered there and all else is in order: sold out', 422, {}, TAGS, 'no_capacity', 'no capacity for gpu-mi300x1-192gb-devcloud in atl1 right now'],
    ['the account is full', 422, {account: {dropletLimit: 25, droplets: 24}}, TAGS, 'droplet_limit', 'the account\'s droplet limit is 25; 24 droplets exist and 2 more were asked for'],
    ['the size is no longer offered in the region', 422, {sizes: [{...mi300x, regions: ['nyc2']}]}, TAGS, 'size_not_offered', 'the size gpu-mi300x1-192gb-devcloud is not available in atl1; it is offered in: nyc2'],
    ['the size is gone from the catalog', 422, {sizes: []}, TAGS, 'size_not_offered', 'the size gpu-mi300x1-192gb-devcloud of pool gpu does not exist on this account'],
    ['the region is closed to new droplets', 422, {regions: [{...atl1, available: false}]}, TAGS, 'region_unavailable', 'region atl1 is not available for new droplets now'],
    ['the region is not listed at all', 422, {regions: []}, TAGS, 'region_unavailable', 'region atl1 of pool gpu is not one DigitalOcean lists'],
    ['the image is gone (404)', 422, {image: null}, TAGS, 'image', 'image amd-rocm71software of pool gpu does not exist on this account'],
    ['the image is being deleted', 422, {image: {...facts.image!, status: 'deleted'}}, TAGS, 'image', 'image amd-rocm71software is deleted, not available'],
    ['a key was deleted', 422, {sshKeys: []}, TAGS, 'ssh_key', 'ssh key 52896465 of pool gpu is not on the account'],
    ['a tag breaks DigitalOcean\'s rule', 400, {}, [...TAGS, 'team/ml'], 'tag', 'tag "team/ml" has characters DigitalOcean does not allow in tags: "/"'],
    ['a 400 nothing explains: not capacity', 400, {}, TAGS, 'other', ''],
    ['the image lookup failed (403): no fact, so capacity', 422, {image: undefined}, TAGS, 'no_capacity', 'no capacity for gpu-mi300x1-192gb-devcloud in atl1 right now'],
  ])('%s (%i): %s', (_what, status, change, tags, refusal, finding) => {
    const explained = explainRefusal(pool, status, 2, tags, {...facts, ...change})
    expect(explained).toMatchObject({refusal, finding})
    expect(explained.suggestions.length).toBeGreaterThan(0)
  })

  it('no capacity names the two ways on: waiting for it, another pool', () => {
    expect(explainRefusal(pool, 422, 2, TAGS, facts).suggestions).toEqual(['--retry-until-up waits for it, --fallback POOL tries another pool'])
  })

  it('a full account comes first: it is what a second run racing this one leads to', () => {
    expect(explainRefusal(pool, 422, 2, TAGS, {...facts, account: {dropletLimit: 3, droplets: 3}, sizes: [], regions: []}).refusal).toBe('droplet_limit')
  })

  it('a closed region comes before the size (a closed region\'s sizes say nothing of capacity)', () => {
    expect(explainRefusal(pool, 422, 2, TAGS, {...facts, regions: [{...atl1, available: false}], sizes: []}).refusal).toBe('region_unavailable')
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
