import type {VeldaConfig} from '../config/types.js'
import type {CreateTarget} from '../pool/create-chain.js'
import {fallbackDifference, fallbackPools} from '../pool/fallback-chain.js'
import type {PreparedUserData} from '../userdata/prepare.js'
import {retryFrom} from './flags.js'

/** What pool up and pool scale were told to do when capacity is short (flags.ts capacityFlags), checked. */
export interface CapacityChoice {
  /** `--fallback`: each pool with its own boot script, in order. */
  fallbacks: CreateTarget[]
  retryUntilUp: {timeoutMs: number} | null
  /**
   * Said before anything is sent, as they are to be printed: what preparing each fallback pool's boot script
   * warned of (an agent version that is not a release name), and a fallback pool with other GPUs than the first.
   */
  warnings: string[]
}

/**
 * Reads `--retry-until-up`, `--retry-timeout` and `--fallback` against the config: an unknown, repeated or
 * self-naming fallback is refused (exit 2) before anything is read from DigitalOcean. `prepare` renders a pool's
 * user_data as the first pool's was (the same --broker and --agent-version).
 */
export function capacityChoice(
  config: VeldaConfig,
  first: PreparedUserData,
  flags: {'retry-until-up': boolean; 'retry-timeout'?: string; fallback?: string[]},
  prepare: (poolName: string) => PreparedUserData,
): CapacityChoice {
  const prepared = fallbackPools(first.pool, flags.fallback ?? [], config.pools).map((pool) => prepare(pool.name))
  return {
    fallbacks: prepared.map(({pool, script}) => ({pool, userData: script})),
    retryUntilUp: retryFrom(flags),
    warnings: [
      ...prepared.flatMap((fallback) => fallback.warnings),
      ...prepared.flatMap(({pool}) => {
        const difference = fallbackDifference(first.pool, pool)
        return difference ? [`warning: ${difference}`] : []
      }),
    ],
  }
}
