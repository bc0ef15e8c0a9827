import type {PoolConfig, VeldaConfig} from '../config/types.js'
import type {CreateTarget} from '../pool/create-chain.js'
import {fallbackDifference, fallbackPools} from '../pool/fallback-chain.js'
import {retryFrom} from './flags.js'

/** What pool up and pool scale were told to do when capacity is short (flags.ts capacityFlags), checked. */
export interface CapacityChoice {
  /** `--fallback`: each pool with its own boot script, in order. */
  fallbacks: CreateTarget[]
  retryUntilUp: {timeoutMs: number} | null
  /** Said before anything is sent: a fallback pool with other GPUs than the first. */
  warnings: string[]
}

/**
 * Reads `--retry-until-up`, `--retry-timeout` and `--fallback` against the config: an unknown, repeated or
 * self-naming fallback is refused (exit 2) before anything is read from DigitalOcean. `bootScript` renders a pool's
 * user_data as the first pool's was (the same --broker and --agent-version).
 */
export function capacityChoice(
  config: VeldaConfig,
  first: PoolConfig,
  flags: {'retry-until-up': boolean; 'retry-timeout'?: string; fallback?: string[]},
  bootScript: (pool: PoolConfig) => string,
): CapacityChoice {
  const pools = fallbackPools(first, flags.fallback ?? [], config.pools)
  return {
    fallbacks: pools.map((pool) => ({pool, userData: bootScript(pool)})),
    retryUntilUp: retryFrom(flags),
    warnings: pools.flatMap((pool) => fallbackDifference(first, pool) ?? []),
  }
}
