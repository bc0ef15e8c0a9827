import type {PoolDroplet} from '../pool/droplets.js'
import {renderTable} from './table.js'

export function formatAge(createdAt: string, now: number): string {
  const ms = now - Date.parse(createdAt)
  if (!Number.isFinite(ms)) return '-'
  const seconds = Math.max(0, Math.floor(ms / 1000))
  if (seconds < 60) return `${seconds}s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`
  return `${Math.floor(seconds / 86_400)}d`
}

/** POOL, NAME, ID, STATUS, REGION, SIZE, PUBLIC IPV4, PRIVATE IPV4, AGE (cli.md); `?` for a pool not configured. */
export function formatDroplets(droplets: readonly PoolDroplet[], now: number): string {
  return renderTable(
    ['POOL', 'NAME', 'ID', 'STATUS', 'REGION', 'SIZE', 'PUBLIC IPV4', 'PRIVATE IPV4', 'AGE'],
    droplets.map((d) => [d.pool ?? '?', d.name, d.id, d.status, d.region, d.size, d.public_ipv4 ?? '-', d.private_ipv4 ?? '-', formatAge(d.created_at, now)]),
  )
}
