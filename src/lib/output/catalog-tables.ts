import type {MissingKey} from '../catalog/filters.js'
import type {Region, Size, SshKey} from '../do/types.js'
import {printableCell} from '../text/printable.js'
import {type Column, renderTable, type TableFit, type TableView} from './table.js'
import {inflect} from '../text/plural.js'

export function formatMemory(mb: number): string {
  return mb >= 1024 ? `${Number((mb / 1024).toFixed(1))} GiB` : `${mb} MiB`
}

export function formatGpu(size: Size): string {
  return size.gpu ? `${size.gpu.count}x ${size.gpu.model} ${size.gpu.vram_gb} GiB` : '-'
}

/**
 * On a narrow terminal (priority: the largest is left out first): the slug, what it costs, what it has, and where;
 * the description (the slug says it) and the monthly price (the hourly one times 672) go first. REGIONS is cut.
 */
export const SIZE_COLUMNS: readonly Column<Size>[] = [
  {header: 'SLUG', cell: (s) => s.slug},
  {header: 'DESCRIPTION', cell: (s) => s.description, priority: 8, cut: true},
  {header: 'VCPUS', cell: (s) => s.vcpus, priority: 4},
  {header: 'MEMORY', cell: (s) => formatMemory(s.memory_mb), aliases: ['memory_mb'], priority: 3},
  {header: 'DISK', cell: (s) => `${s.disk_gb} GB`, aliases: ['disk_gb'], priority: 6},
  {header: 'GPU', cell: formatGpu, priority: 2},
  {header: '$/HOUR', cell: (s) => (s.price_hourly === null ? 'unknown' : `$${s.price_hourly}`), aliases: ['price_hourly'], priority: 1},
  {header: '$/MONTH', cell: (s) => (s.price_monthly === null ? 'unknown' : `$${s.price_monthly.toFixed(2)}`), aliases: ['price_monthly'], priority: 7},
  {header: 'REGIONS', cell: (s) => (s.regions.length > 0 ? s.regions.join(',') : s.available ? '(none listed)' : '(unavailable)'), cut: true},
]

/** On a narrow terminal the name is cut, then the count of sizes left out: the slug is what commands take. */
export const REGION_COLUMNS: readonly Column<Region>[] = [
  {header: 'SLUG', cell: (r) => r.slug},
  {header: 'NAME', cell: (r) => r.name, cut: true},
  {header: 'AVAILABLE', cell: (r) => (r.available ? 'yes' : 'no')},
  {header: 'SIZES', cell: (r) => r.sizes.length, priority: 1},
]

/** On a narrow terminal the name is cut; the id (what ssh_key_ids holds) and the fingerprint show whole. */
export const SSH_KEY_COLUMNS: readonly Column<SshKey>[] = [
  {header: 'ID', cell: (k) => k.id},
  {header: 'NAME', cell: (k) => k.name, cut: true},
  {header: 'FINGERPRINT', cell: (k) => k.fingerprint},
]

const DEFAULT = {header: true, rowsOnly: false}

export function formatSizes(sizes: readonly Size[], view: TableView<Size> = {columns: SIZE_COLUMNS, ...DEFAULT}, fit?: TableFit): string {
  return renderTable(view, sizes, fit)
}

export function formatRegions(regions: readonly Region[], view: TableView<Region> = {columns: REGION_COLUMNS, ...DEFAULT}, fit?: TableFit): string {
  return renderTable(view, regions, fit)
}

/** The keys, and (in the default view) which configured key ids are missing and the pools that use them. */
export function formatSshKeys(keys: readonly SshKey[], missing: readonly MissingKey[], view: TableView<SshKey> = {columns: SSH_KEY_COLUMNS, ...DEFAULT}, fit?: TableFit): string {
  const table = renderTable(view, keys, fit)
  if (missing.length === 0 || view.rowsOnly) return table
  const lines = missing.map((key) => `  ${key.id}, used by ${inflect(key.pools.length, 'pool', 'pools')} ${key.pools.map(printableCell).join(', ')}`)
  return `${table}\nconfigured in ssh_key_ids but not on the account:\n${lines.join('\n')}\n`
}
