import {describe, expect, it} from 'vitest'

import {fallbackDifference, fallbackPools} from '../../src/lib/pool/fallback-chain.js'
import {failure} from '../support/failure.js'
import {poolFromYaml} from '../support/pools.js'

const pool = (name: string, size: string) => poolFromYaml(`size: ${size}\nregion: atl1\nimage: amd-rocm71software`, {}, name)
const amd = pool('amd', 'gpu-mi300x1-192gb-devcloud')
const amd8 = pool('amd8', 'gpu-mi300x8-1536gb-devcloud')
const amdB = pool('amd-b', 'gpu-mi300x1-192gb')
const h100 = pool('h100', 'gpu-h100x1-80gb')
const cpu = pool('cpu', 's-1vcpu-1gb')
const configured = [amd, amd8, amdB, h100, cpu]

describe('--fallback POOL', () => {
  it('gives the configured pools in the order given', () => {
    expect(fallbackPools(amd, ['h100', 'amd8'], configured).map((p) => p.name)).toEqual(['h100', 'amd8'])
  })

  it.each([
    ['the pool asked for', ['amd'], '--fallback amd: that is the pool asked for; a fallback is another configured pool', 'give --fallback another pool: amd8, amd-b, h100, cpu'],
    ['a pool given twice', ['amd8', 'amd8'], '--fallback amd8 is given twice', 'give each fallback pool once, in the order they are to be tried'],
    ['a pool not in the config, with the nearest name', ['amd9'], '--fallback amd9: there is no DigitalOcean pool "amd9" in the config file', '--fallback amd8?'],
  ])('refuses %s (exit 2, nothing read)', async (_what, names, message, fix) => {
    const error = await failure((async () => fallbackPools(amd, names, configured))())
    expect(error.exitCode).toBe(2)
    expect(error.message).toBe(message)
    expect(error.suggestions[0]).toBe(fix)
  })
})

describe('what differs in a fallback pool\'s GPUs', () => {
  it.each([
    ['the same GPU and count on the other cloud', amdB, null],
    ['another count per droplet', amd8, 'fallback pool amd8 (gpu-mi300x8-1536gb-devcloud) has 8 AMD GPUs per droplet, pool amd (gpu-mi300x1-192gb-devcloud) 1 AMD GPU: droplets made there run other hardware'],
    ['another vendor', h100, 'fallback pool h100 (gpu-h100x1-80gb) has 1 NVIDIA GPU per droplet, pool amd (gpu-mi300x1-192gb-devcloud) 1 AMD GPU: droplets made there run other hardware'],
    ['no GPU at all', cpu, 'fallback pool cpu (s-1vcpu-1gb) has no GPU per droplet, pool amd (gpu-mi300x1-192gb-devcloud) 1 AMD GPU: droplets made there run other hardware'],
  ])('%s', (_what, fallback, said) => {
    expect(fallbackDifference(amd, fallback)).toBe(said)
  })
})
