import type {PoolDroplet} from '../pool/membership.js'
import type {PoolReapResult} from '../pool/pool-reap.js'
import type {ReapReason} from '../pool/reap-selection.js'
import {plural} from '../text/plural.js'
import {dropletColumns} from './droplet-table.js'
import {printableCell} from '../text/printable.js'
import {type Column, renderTable, type TableFit} from './table.js'

type Planned = PoolDroplet & {reason: ReapReason; detail: string}

/** `--dry-run`: the droplet table with a REASON column, then what min_agents keeps. */
export function formatReapPlan(wouldReap: readonly Planned[], kept: PoolReapResult['kept'], now: number, fit?: TableFit): string {
  const keptLines = formatKept(kept)
  if (wouldReap.length === 0) return `would reap nothing (nothing sent)\n${keptLines}`
  return `would reap ${plural(wouldReap.length, 'droplet')} (nothing deleted):\n${formatReapTable(wouldReap, now, fit)}${keptLines}`
}

/** The droplets to reap with a REASON column (always shown, cut on a narrow terminal): the dry run's table, and what the prompt shows before asking. */
export function formatReapTable(planned: readonly Planned[], now: number, fit?: TableFit): string {
  const columns: Column<Planned>[] = [...dropletColumns(() => now).filter((c) => ['POOL', 'NAME', 'ID', 'STATUS', 'AGE', 'EXPIRES'].includes(c.header)), {header: 'REASON', cell: (d) => `${d.reason}: ${d.detail}`, cut: true}]
  return renderTable({columns, header: true, rowsOnly: false}, planned, fit)
}

export function formatReaped(result: PoolReapResult): string {
  const lines = result.reaped.map((d) => `${printableCell(`reaped ${d.name} (${d.id}) of pool ${d.pool}: ${d.reason}: ${d.detail}`)}\n`)
  return `${lines.join('')}${formatKept(result.kept)}`
}

/** `kept NAME (ID), stuck: pool cpu would go below ...`; a member whose GPUs could not be read says which way: `unknown: stale sample: ...`. */
function formatKept(kept: PoolReapResult['kept']): string {
  return kept.map((d) => `${printableCell(`kept ${d.name} (${d.id}), ${d.reason}: ${d.reason === 'unknown' ? `${d.detail}: ` : ''}${d.why}`)}\n`).join('')
}
