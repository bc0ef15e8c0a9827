import type {Environment} from '../config/interpolate.js'
import type {PoolConfig} from '../config/types.js'
import {resolveEndpoint, resolveToken} from '../config/resolve-settings.js'

/**
 * Pools of one config may live on different accounts (an AMD pool on api-amd, a CPU pool on the standard
 * endpoint): group them by endpoint and token source, so each account is listed once, with its own token.
 */
export function groupByAccount(pools: readonly PoolConfig[], endpointFlag: string | undefined, env: Environment): PoolConfig[][] {
  const groups = new Map<string, PoolConfig[]>()
  for (const pool of pools) {
    const key = `${resolveEndpoint(endpointFlag, env, pool).value} ${resolveToken(env, pool)?.source ?? ''}`
    groups.set(key, [...(groups.get(key) ?? []), pool])
  }
  return [...groups.values()]
}
