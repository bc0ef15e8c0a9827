import type {PoolConfig} from '../config/types.js'
import type {DigitalOceanApi} from '../do/client.js'
import type {Droplet} from '../do/types.js'
import {belongsToPool, poolsClaiming, VELDA_TAG} from '../config/naming.js'
import {gpuVendor} from '../catalog/gpu.js'
import {leaseExpiresAt} from './lease.js'

/**
 * A droplet as velda-do prints it (docs/cli.md, "The Droplet object"): the API's fields plus the pool it belongs to (null: none configured).
 * `candidate_pools` is there only on a shared droplet (isShared): the broker made it with a prefix that several
 * configured pools have, so `pool` is null and these are the pools that may own it, in config order. Only then:
 * the JSON of every other droplet keeps exactly its keys.
 */
export type PoolDroplet = Omit<Droplet, 'gpu_model'> & {
  /** When its lease (`--ttl`) ends, RFC 3339; null without one (see lease.ts). */
  expires_at: string | null
  pool: string | null
  candidate_pools?: string[]
}

export function isGpuPool(pool: PoolConfig): boolean {
  return gpuVendor(pool.size) !== 'none'
}

export function toPoolDroplet(droplet: Droplet, pool: string | null, candidatePools?: readonly string[]): PoolDroplet {
  const {gpu_model: _gpuModel, ...rest} = droplet
  const member = {...rest, expires_at: leaseExpiresAt(droplet.tags), pool}
  return candidatePools ? {...member, candidate_pools: [...candidatePools]} : member
}

/**
 * A shared droplet may serve any of its candidate pools, and no one can tell which. So, conservatively: `pool down
 * --count/--all` leaves it (it may be another pool's), `--name/--id` with any candidate deletes it, and `pool up`
 * counts it against max_agents in each candidate (it may be theirs).
 */
export function isShared(droplet: PoolDroplet): boolean {
  return droplet.candidate_pools !== undefined
}

/** The pool a velda droplet belongs to among the configured ones, if any. */
export function poolOf(droplet: Droplet, pools: readonly PoolConfig[]): PoolConfig | undefined {
  return pools.find((pool) => belongsToPool(droplet, pool))
}

export interface Listing {
  /**
   * Droplets of the given pools, in the order of the pools, each once. A shared droplet (isShared) is listed with
   * the first of the given pools that it may belong to; it is a member of each, for max_agents.
   */
  members: PoolDroplet[]
  /** `velda` droplets that belong to no configured pool (only when asked for). */
  foreign: PoolDroplet[]
}

/**
 * All droplets of the given pools at the API's minimum cost: one listing by tag for CPU pools, one `type=gpus`
 * listing for GPU pools (the API leaves GPU droplets out of tag listings and cannot combine the two), each
 * filtered here by membership. `foreign` asks for both listings, to find velda droplets of unconfigured pools.
 * `configured` should be every configured pool: only then can a droplet be seen to be shared. A caller passing
 * only `[pool]` sees no droplet as shared (each with the pool's prefix is the pool's own, as before). Pools on
 * other accounts count too: conservative, and rare, since ssh key ids (part of the prefix) are per account.
 */
export async function listPools(
  api: DigitalOceanApi,
  pools: readonly PoolConfig[],
  configured: readonly PoolConfig[],
  options: {foreign?: boolean} = {},
): Promise<Listing> {
  const needCpu = options.foreign || pools.some((p) => !isGpuPool(p))
  const needGpu = options.foreign || pools.some((p) => isGpuPool(p))
  const [cpu, gpu] = await Promise.all([
    needCpu ? api.listDroplets({tagName: VELDA_TAG}) : Promise.resolve([]),
    needGpu ? api.listDroplets({gpus: true}) : Promise.resolve([]),
  ])
  // If the tag listing ever returns GPU droplets too, each must still count once.
  const velda = [...new Map([...cpu, ...gpu].map((d) => [d.id, d])).values()].filter((d) => d.tags.includes(VELDA_TAG))
  // A pool asked for is a candidate for its droplets even if the caller left it out of `configured`.
  const candidates = [...configured, ...pools.filter((p) => !configured.some((c) => c.name === p.name))]
  const members = firstOfEachId(pools.flatMap((pool) => velda.filter((d) => belongsToPool(d, pool)).map((d) => asMemberOf(d, pool, candidates))))
  const foreign = options.foreign ? velda.filter((d) => !poolOf(d, configured)).map((d) => toPoolDroplet(d, null)) : []
  return {members, foreign}
}

function asMemberOf(droplet: Droplet, pool: PoolConfig, configured: readonly PoolConfig[]): PoolDroplet {
  const candidates = poolsClaiming(droplet, configured)
  return candidates.length > 1 ? toPoolDroplet(droplet, null, candidates.map((p) => p.name)) : toPoolDroplet(droplet, pool.name)
}

/** A shared droplet turns up under each of its candidate pools that were listed: keep it once, where it came first. */
function firstOfEachId(droplets: readonly PoolDroplet[]): PoolDroplet[] {
  const seen = new Set<number>()
  return droplets.filter((droplet) => {
    if (seen.has(droplet.id)) return false
    seen.add(droplet.id)
    return true
  })
}
