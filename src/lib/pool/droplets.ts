import type {PoolConfig} from '../config/types.js'
import type {DigitalOceanApi} from '../do/client.js'
import type {Droplet} from '../do/types.js'
import {belongsToPool, VELDA_TAG} from '../naming.js'
import {gpuVendor} from '../userdata/gpu.js'

/** A droplet as velda-do prints it (cli.md): the API's fields plus the pool it belongs to (null: none configured). */
export type PoolDroplet = Omit<Droplet, 'gpu_model'> & {pool: string | null}

export function isGpuPool(pool: PoolConfig): boolean {
  return gpuVendor(pool.size) !== 'none'
}

export function toPoolDroplet(droplet: Droplet, pool: string | null): PoolDroplet {
  const {gpu_model: _gpuModel, ...rest} = droplet
  return {...rest, pool}
}

/** The pool a velda droplet belongs to among the configured ones, if any. */
export function poolOf(droplet: Droplet, pools: readonly PoolConfig[]): PoolConfig | undefined {
  return pools.find((pool) => belongsToPool(droplet, pool))
}

export interface Listing {
  /** Droplets of the given pools, in the order of the pools. */
  members: PoolDroplet[]
  /** `velda` droplets that belong to no configured pool (only when asked for). */
  foreign: PoolDroplet[]
}

/**
 * All droplets of the given pools at the API's minimum cost: one listing by tag for CPU pools, one `type=gpus`
 * listing for GPU pools (the API leaves GPU droplets out of tag listings and cannot combine the two), each
 * filtered here by membership. `foreign` asks for both listings, to find velda droplets of unconfigured pools.
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
  const members = pools.flatMap((pool) => velda.filter((d) => belongsToPool(d, pool)).map((d) => toPoolDroplet(d, pool.name)))
  const foreign = options.foreign ? velda.filter((d) => !poolOf(d, configured)).map((d) => toPoolDroplet(d, null)) : []
  return {members, foreign}
}
