import {describe, expect, it} from 'vitest'

import {belongsToPool, dropletName, poolPrefix, poolsClaiming, poolTags} from '../../src/lib/config/naming.js'

describe('pool prefix, byte for byte the Velda broker\'s', () => {
  it.each([
    ['gpu-mi300x1-192gb-devcloud', 'atl1', 'amd-rocm71software', [52896465], '1.0.0', 'velda-930b7ad6'],
    ['gpu-mi300x1-192gb-devcloud', 'atl1', 'amd-rocm71software', [52896465], '', 'velda-86fd6454'],
    ['s-2vcpu-4gb', 'atl1', 'ubuntu-20-04-x64', [52896465], '1.0.0', 'velda-785fcc50'],
    ['s-2vcpu-4gb', 'nyc3', 'ubuntu-24-04-x64', [], '', 'velda-483a082b'],
    ['s-2vcpu-4gb', 'nyc3', 'ubuntu-24-04-x64', [1, 23], '', 'velda-3754d692'],
  ])('%s %s %s %j %j -> %s', (size, region, image, sshKeyIds, version, expected) => {
    expect(poolPrefix({size, region, image, sshKeyIds, agentVersionOverride: version || null})).toBe(expected)
  })

  it('hashes a numeric image id as its decimal text', () => {
    const base = {size: 's-1vcpu-1gb', region: 'nyc3', sshKeyIds: [], agentVersionOverride: null}
    expect(poolPrefix({...base, image: 12345})).toBe(poolPrefix({...base, image: '12345'}))
  })
})

describe('droplet names', () => {
  it('are the prefix, a dash and 5 characters of [a-z0-9]', () => {
    const names = Array.from({length: 200}, () => dropletName('velda-930b7ad6'))
    for (const name of names) expect(name).toMatch(/^velda-930b7ad6-[a-z0-9]{5}$/)
    expect(new Set(names).size).toBeGreaterThan(190)
  })

  it('take their randomness from the injected source', () => {
    const sequence = [0, 35, 26, 1, 10]
    expect(dropletName('velda-1', () => sequence.shift() ?? 0)).toBe('velda-1-a90bk')
  })
})

describe('pool tags', () => {
  it('are velda, velda-pool:<name>, extra tags, then labels, each once', () => {
    expect(poolTags({name: 'gpu', extraTags: ['team-infra', 'velda'], labels: [{key: 'env', value: 'prod'}, {key: 'team', value: 'infra'}]}))
      .toEqual(['velda', 'velda-pool:gpu', 'team-infra', 'env:prod', 'team:infra'])
  })
})

describe('pool membership', () => {
  const pool = {name: 'gpu', prefix: 'velda-930b7ad6'}
  it.each([
    ['made by velda-do', 'velda-930b7ad6-k3x9q', ['velda', 'velda-pool:gpu'], true],
    ['made by the broker (no pool tag)', 'velda-930b7ad6-k3x9q', ['velda', 'environment:prod'], true],
    ['no velda tag', 'velda-930b7ad6-k3x9q', ['velda-pool:gpu'], false],
    ['another prefix', 'velda-86fd6454-k3x9q', ['velda', 'velda-pool:gpu'], false],
    ['same prefix, another pool\'s tag', 'velda-930b7ad6-k3x9q', ['velda', 'velda-pool:gpu-2'], false],
    ['two pool tags', 'velda-930b7ad6-k3x9q', ['velda', 'velda-pool:gpu', 'velda-pool:cpu'], false],
    ['prefix without the dash', 'velda-930b7ad6k3x9q', ['velda'], false],
    ['a non-velda droplet', 'web-1', [], false],
  ])('%s -> %s', (_what, name, tags, expected) => {
    expect(belongsToPool({name, tags}, pool)).toBe(expected)
  })
})

describe('the configured pools that claim a droplet', () => {
  const gpu = {name: 'gpu', prefix: 'velda-930b7ad6'}
  const twin = {name: 'gpu-twin', prefix: 'velda-930b7ad6'}
  const cpu = {name: 'cpu', prefix: 'velda-483a082b'}
  const configured = [gpu, cpu, twin]
  it.each([
    ['made by velda-do for one of two pools sharing a prefix', 'velda-930b7ad6-k3x9q', ['velda', 'velda-pool:gpu-twin'], ['gpu-twin']],
    ['made by the broker, prefix shared by two pools: both, in config order', 'velda-930b7ad6-k3x9q', ['velda'], ['gpu', 'gpu-twin']],
    ['made by the broker, prefix of one pool', 'velda-483a082b-k3x9q', ['velda'], ['cpu']],
    ['tagged for a pool that is not configured', 'velda-930b7ad6-k3x9q', ['velda', 'velda-pool:retired'], []],
    ['no velda tag', 'velda-930b7ad6-k3x9q', [], []],
  ])('%s', (_what, name, tags, expected) => {
    expect(poolsClaiming({name, tags}, configured).map((p) => p.name)).toEqual(expected)
  })
})
