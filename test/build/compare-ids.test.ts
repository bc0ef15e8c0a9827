import {describe, expect, it} from 'vitest'

// The build's stand-in for oclif's localeCompare sort of command IDs must give the very same order.
const {compareIds} = (await import('../../scripts/build/compare-ids.mjs' as string)) as {compareIds: (a: string, b: string) => number}

const ALPHABET = '_-:0123456789abcdefghijklmnopqrstuvwxyz'

/** Deterministic pseudo-random IDs over the characters compareIds ranks, weighted towards the punctuation. */
function* ids(count: number): Generator<string> {
  let seed = 12345
  const next = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    return seed % n
  }
  for (let i = 0; i < count; i++) {
    let id = ''
    const length = next(7)
    for (let j = 0; j < length; j++) id += ALPHABET[next(2) ? next(3) : next(ALPHABET.length)]
    yield id
  }
}

describe('compareIds', () => {
  it('orders like localeCompare, for every pair of two-character IDs and 20,000 random ones', () => {
    const pairs: [string, string][] = []
    for (const a of ALPHABET) for (const b of ALPHABET) for (const tail of ['', 'a', '_', ':']) pairs.push([a + tail, b])
    const random = [...ids(40_000)]
    for (let i = 0; i < random.length; i += 2) pairs.push([random[i] ?? '', random[i + 1] ?? ''])
    const differ = pairs.filter(([a, b]) => Math.sign(a.localeCompare(b)) !== compareIds(a, b))
    expect(differ).toEqual([])
  })

  it('sorts the real command IDs as oclif did, and leaves other IDs to localeCompare', () => {
    const commands = ['pool:up', '__complete', 'config:init', 'completion', 'pool:down', 'pool:list', 'pool:scale', 'render-userdata', 'ssh-keys', 'sizes', 'regions', 'doctor', 'simulator', 'config:validate']
    expect([...commands].sort(compareIds)).toEqual([...commands].sort((a, b) => a.localeCompare(b)))
    expect(compareIds('Pool', 'pool')).toBe(Math.sign('Pool'.localeCompare('pool')))
    expect(compareIds('é', 'f')).toBe(Math.sign('é'.localeCompare('f')))
  })
})
