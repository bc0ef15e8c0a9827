import type {PoolConfig} from '../config/types.js'
import type {PoolDroplet} from './membership.js'
import {sumHourly} from '../text/money.js'

export interface PoolCounts {
  name: string
  prefix: string
  count: number
  min_agents: number
  max_agents: number | null
  /** Droplets per status, e.g. {active: 2, new: 1}. */
  statuses: Record<string, number>
  /** What the pool's droplets bill an hour together (powered-off ones too), of those whose price is known. */
  hourly_cost: number
  /** Droplets whose price DigitalOcean did not give: not in hourly_cost. */
  unpriced: number
  /** Shared droplets (see isShared) that may be this pool's, apart from `count`; absent when there are none. */
  shared?: {count: number; with: string[]}
}

export function countPool(pool: PoolConfig, droplets: readonly PoolDroplet[]): PoolCounts {
  const mine = droplets.filter((d) => d.pool === pool.name)
  const statuses: Record<string, number> = {}
  for (const droplet of mine) statuses[droplet.status] = (statuses[droplet.status] ?? 0) + 1
  const {hourly, unpriced} = sumHourly(mine.map((d) => d.price_hourly))
  const line: PoolCounts = {name: pool.name, prefix: pool.prefix, count: mine.length, min_agents: pool.minAgents, max_agents: pool.maxAgents, statuses, hourly_cost: hourly, unpriced}
  const shared = droplets.filter((d) => d.candidate_pools?.includes(pool.name))
  if (shared.length === 0) return line
  const others = [...new Set(shared.flatMap((d) => d.candidate_pools ?? []))].filter((name) => name !== pool.name)
  return {...line, shared: {count: shared.length, with: others}}
}

/** A pool's entry in `pool list --json` (docs/cli.md, "velda-do pool list"): exactly these keys, whatever the text line shows. */
export function countsJson(line: PoolCounts): PoolCountsJson {
  const {name, prefix, count, min_agents, max_agents, hourly_cost, unpriced} = line
  return {name, prefix, count, min_agents, max_agents, hourly_cost, unpriced}
}

export type PoolCountsJson = Pick<PoolCounts, 'name' | 'prefix' | 'count' | 'min_agents' | 'max_agents' | 'hourly_cost' | 'unpriced'>
