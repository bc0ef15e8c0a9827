import {formatSpan} from '../text/duration.js'
import {formatDollars} from '../text/money.js'
import type {PoolDroplet} from '../pool/membership.js'
import {printableCell} from '../text/printable.js'
import {type Column, renderTable, type TableFit} from './table.js'

export function formatAge(createdAt: string, now: number): string {
  const ms = now - Date.parse(createdAt)
  if (!Number.isFinite(ms)) return '-'
  const seconds = Math.max(0, Math.floor(ms / 1000))
  if (seconds < 60) return `${seconds}s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`
  return `${Math.floor(seconds / 86_400)}d`
}

/** A lease's end as time left (`in 3h12m`) or past (`5m ago`): `pool reap` deletes the droplet once it has passed. */
export function formatLease(expiresAt: string | null, now: number): string {
  if (expiresAt === null) return '-'
  const ms = Date.parse(expiresAt) - now
  if (!Number.isFinite(ms)) return '-'
  return ms > 0 ? `in ${formatSpan(ms)}` : `${formatSpan(-ms)} ago`
}

/**
 * POOL, NAME, ID, STATUS, REGION, SIZE, PUBLIC IPV4, PRIVATE IPV4, AGE, $/HOUR, EXPIRES (docs/cli.md, "velda-do pool
 * list"); `?` for a pool not configured, `a|b?` for a droplet that pool a or pool b may own (see formatSharedNotes).
 * AGE and EXPIRES are counted from `now`. On a narrow terminal (priority: the largest is left out first) POOL, NAME and
 * STATUS always show, then the public address and the id (what ssh and pool down take), age, size, lease, price,
 * region, and last the private address.
 */
export function dropletColumns(now: () => number = Date.now): readonly Column<PoolDroplet>[] {
  return [
    {header: 'POOL', cell: poolCell},
    {header: 'NAME', cell: (d) => d.name},
    {header: 'ID', cell: (d) => d.id, priority: 2},
    {header: 'STATUS', cell: (d) => d.status},
    {header: 'REGION', cell: (d) => d.region, priority: 7},
    {header: 'SIZE', cell: (d) => d.size, priority: 4},
    {header: 'PUBLIC IPV4', cell: (d) => d.public_ipv4 ?? '-', priority: 1},
    {header: 'PRIVATE IPV4', cell: (d) => d.private_ipv4 ?? '-', priority: 8},
    {header: 'AGE', cell: (d) => formatAge(d.created_at, now()), aliases: ['created_at'], priority: 3},
    {header: '$/HOUR', cell: (d) => (d.price_hourly === null ? 'unknown' : formatDollars(d.price_hourly)), aliases: ['price_hourly'], priority: 6},
    {header: 'EXPIRES', cell: (d) => formatLease(d.expires_at, now()), aliases: ['expires_at'], priority: 5},
  ]
}

/** The droplets as the default table (every column, with its header; fitted to `fit`'s width when given). */
export function formatDroplets(droplets: readonly PoolDroplet[], now: number, fit?: TableFit): string {
  return renderTable({columns: dropletColumns(() => now), header: true, rowsOnly: false}, droplets, fit)
}

function poolCell(droplet: PoolDroplet): string {
  if (droplet.pool !== null) return droplet.pool
  return droplet.candidate_pools ? `${droplet.candidate_pools.join('|')}?` : '?'
}

/**
 * What an `a|b?` in the table means, once per set of pools that share droplets: the operator must learn why
 * `pool down --all` leaves them, and how to delete one. Empty when no droplet is shared.
 */
export function formatSharedNotes(droplets: readonly PoolDroplet[]): string {
  const groups = new Map<string, string[]>()
  for (const d of droplets) if (d.candidate_pools) groups.set(poolCell(d), d.candidate_pools)
  return [...groups].map(([marker, pools]) => sharedNote(marker, pools)).join('')
}

function sharedNote(marker: string, pools: readonly string[]): string {
  const why = `the Velda broker made it (no velda-pool tag) with the prefix that pools ${pools.map(printableCell).join(' and ')} share, so it may belong to any of them`
  return `${printableCell(marker)}: ${why}. pool down --count and --all leave it; pool down --name or --id, with any of these pools, deletes it.\n`
}
