import type {PoolConfig} from '../config/types.js'
import type {PoolDroplet} from './droplets.js'

export interface PoolSummaryLine {
  name: string
  prefix: string
  count: number
  min_agents: number
  max_agents: number | null
  /** Droplets per status, e.g. {active: 2, new: 1}. */
  statuses: Record<string, number>
}

export function summarizePool(pool: PoolConfig, droplets: readonly PoolDroplet[]): PoolSummaryLine {
  const mine = droplets.filter((d) => d.pool === pool.name)
  const statuses: Record<string, number> = {}
  for (const droplet of mine) statuses[droplet.status] = (statuses[droplet.status] ?? 0) + 1
  return {name: pool.name, prefix: pool.prefix, count: mine.length, min_agents: pool.minAgents, max_agents: pool.maxAgents, statuses}
}

/** `amd-mi300x: 3 droplets (2 active, 1 new); min 0, max 10` */
export function formatSummaryLine(line: PoolSummaryLine): string {
  const statuses = Object.entries(line.statuses).map(([status, n]) => `${n} ${status}`).join(', ')
  const droplets = `${line.count} droplet${line.count === 1 ? '' : 's'}${statuses ? ` (${statuses})` : ''}`
  return `${line.name}: ${droplets}; min ${line.min_agents}, max ${line.max_agents ?? 'unlimited'}`
}
