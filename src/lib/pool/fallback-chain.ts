import {UsageError} from '../base/errors.js'
import {gpuShape, gpuVendor} from '../catalog/gpu.js'
import type {PoolConfig} from '../config/types.js'
import {suggestKey} from '../config/keys.js'
import {plural} from '../text/plural.js'

// `--fallback POOL` (repeatable): the pools that get what the first has no capacity for, in order. A fallback is
// another configured pool, never the same pool in another region: the broker's pool identity hashes size and region
// into the prefix (docs/config.md), so a droplet made "for amd-mi300x" elsewhere would belong to no pool.

/** The `--fallback` pools, in order, each a configured pool other than the first and given once. Pure. */
export function fallbackPools(first: PoolConfig, names: readonly string[], configured: readonly PoolConfig[]): PoolConfig[] {
  const seen = new Set<string>([first.name])
  return names.map((name) => {
    if (name === first.name) throw new UsageError(`--fallback ${name}: that is the pool asked for; a fallback is another configured pool`, {suggestions: [`give --fallback another pool: ${others(first, configured)}`]})
    if (seen.has(name)) throw new UsageError(`--fallback ${name} is given twice`, {suggestions: ['give each fallback pool once, in the order they are to be tried']})
    seen.add(name)
    const pool = configured.find((p) => p.name === name)
    if (pool) return pool
    const close = suggestKey(name, configured.filter((p) => !seen.has(p.name)).map((p) => p.name))
    throw new UsageError(`--fallback ${name}: there is no DigitalOcean pool "${name}" in the config file`, {
      suggestions: [...(close ? [`--fallback ${close}?`] : []), `the other pools are: ${others(first, configured)}`],
    })
  })
}

function others(first: PoolConfig, configured: readonly PoolConfig[]): string {
  const names = configured.filter((p) => p.name !== first.name).map((p) => p.name)
  return names.length > 0 ? names.join(', ') : '(none: add one to the config file)'
}

/**
 * What differs in the GPUs a fallback pool's droplets have, from the size slugs (as render-userdata reads them,
 * offline): another vendor, or another count per droplet. Allowed — the operator chose the chain — but said, since
 * work written for 8 MI300X may not run on 1 H100. Null when they match or neither has GPUs. Pure.
 */
export function fallbackDifference(first: PoolConfig, fallback: PoolConfig): string | null {
  const [ours, theirs] = [gpusOf(first.size), gpusOf(fallback.size)]
  if (ours.vendor === theirs.vendor && ours.count === theirs.count) return null
  return `fallback pool ${fallback.name} (${fallback.size}) has ${theirs.said} per droplet, pool ${first.name} (${first.size}) ${ours.said}: droplets made there run other hardware`
}

/** `8 AMD GPUs`, `1 NVIDIA GPU`, `no GPU`, `GPUs of a kind velda-do cannot read from the slug`. */
function gpusOf(size: string): {vendor: string; count: number | null; said: string} {
  const vendor = gpuVendor(size)
  const count = gpuShape(size)?.count ?? null
  if (vendor === 'none') return {vendor, count: 0, said: 'no GPU'}
  const kind = vendor === 'amd' ? 'AMD GPU' : vendor === 'nvidia' ? 'NVIDIA GPU' : 'GPU'
  return {vendor, count, said: count === null ? `${kind}s (how many, the slug does not say)` : plural(count, kind)}
}
