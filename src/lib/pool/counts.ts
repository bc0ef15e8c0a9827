import type {PoolConfig} from '../config/types.js'
import {printableCell} from '../text/printable.js'
import type {PoolDroplet} from './membership.js'
import {plural} from '../plural.js'
import {formatHourly, sumHourly} from '../money.js'

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

/** `amd-mi300x: 3 droplets (2 active, 1 new); min 0, max 10`, and `and 2 that may be b's` when some are shared. */
export function formatCountsLine(line: PoolCounts): string {
  const statuses = Object.entries(line.statuses).map(([status, n]) => `${n} ${printableCell(status)}`).join(', ')
  const droplets = `${plural(line.count, 'droplet')}${statuses ? ` (${statuses})` : ''}`
  const shared = line.shared ? ` and ${line.shared.count} that may be ${line.shared.with.map((name) => `${printableCell(name)}'s`).join(' or ')}` : ''
  return `${printableCell(line.name)}: ${droplets}${shared}; min ${line.min_agents}, max ${line.max_agents ?? 'unlimited'}${formatBurnRate(line)}`
}

/** `; $7.96/h`, with the droplets of unknown price said apart; nothing for an empty pool. */
function formatBurnRate(line: PoolCounts): string {
  if (line.count === 0) return ''
  const unknown = line.unpriced > 0 ? ` + ${plural(line.unpriced, 'droplet')} of unknown price` : ''
  return line.unpriced === line.count ? `; ${plural(line.count, 'droplet')} of unknown price` : `; ${formatHourly(line.hourly_cost)}${unknown}`
}
