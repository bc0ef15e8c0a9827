import type {Region, Size, SshKey} from '../do/types.js'
import {renderTable} from './table.js'

export function formatMemory(mb: number): string {
  return mb >= 1024 ? `${Number((mb / 1024).toFixed(1))} GiB` : `${mb} MiB`
}

export function formatGpu(size: Size): string {
  return size.gpu ? `${size.gpu.count}x ${size.gpu.model} ${size.gpu.vram_gb} GiB` : '-'
}

export function formatSizes(sizes: readonly Size[]): string {
  return renderTable(
    ['SLUG', 'DESCRIPTION', 'VCPUS', 'MEMORY', 'DISK', 'GPU', '$/HOUR', '$/MONTH', 'REGIONS'],
    sizes.map((s) => [
      s.slug,
      s.description,
      s.vcpus,
      formatMemory(s.memory_mb),
      `${s.disk_gb} GB`,
      formatGpu(s),
      `$${s.price_hourly}`,
      `$${s.price_monthly.toFixed(2)}`,
      s.regions.length > 0 ? s.regions.join(',') : s.available ? '(none listed)' : '(unavailable)',
    ]),
  )
}

export function formatRegions(regions: readonly Region[]): string {
  return renderTable(['SLUG', 'NAME', 'AVAILABLE', 'SIZES'], regions.map((r) => [r.slug, r.name, r.available ? 'yes' : 'no', r.sizes.length]))
}

export function formatSshKeys(keys: readonly SshKey[], missing: readonly number[]): string {
  const table = renderTable(['ID', 'NAME', 'FINGERPRINT'], keys.map((k) => [k.id, k.name, k.fingerprint]))
  if (missing.length === 0) return table
  return `${table}\nconfigured in ssh_key_ids but not on the account: ${missing.join(', ')}\n`
}
