import {formatHourly} from '../text/money.js'
import {plural} from '../text/plural.js'
import type {PoolCounts} from '../pool/counts.js'
import {printableCell} from '../text/printable.js'

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
