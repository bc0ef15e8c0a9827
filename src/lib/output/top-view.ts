import {STALE_SAMPLE_MS} from '../boot/gpu-sample.js'
import type {GpuFigures} from '../boot/gpu-tools.js'
import type {MemberStatus, PoolStatusResult} from '../pool/pool-status.js'
import {formatSpan} from '../text/duration.js'
import {plural} from '../text/plural.js'
import {printableCell} from '../text/printable.js'
import {gpuCells} from './gpu-cells.js'
import {type Column, renderTable, type TableFit} from './table.js'

/** A line of `pool top`: a member, or (--gpus) one of its GPUs under it. */
type TopRow = {member: MemberStatus; gpu: null} | {member: MemberStatus; gpu: GpuFigures}

const unknown = (value: number | null, unit: string) => (value === null ? '?' : `${Math.round(value)}${unit}`)

/**
 * How long the member's GPUs have been idle, by its own sample: `busy`, `idle 2h10m`, `?` when unknown, `stale 12m`
 * when the last sample is that old.
 */
function idleCell(member: MemberStatus, now: number): string {
  const sample = member.gpu
  if (!sample) return '-'
  const age = now - Date.parse(sample.sampled_at)
  if (age > STALE_SAMPLE_MS) return `stale ${formatSpan(age)}`
  if (sample.busy === true) return 'busy'
  if (sample.busy === null || sample.idle_since === null) return '?'
  return `idle ${formatSpan(Math.max(0, now - Date.parse(sample.idle_since)))}`
}

function columns(now: number): Column<TopRow>[] {
  return [
    {header: 'NAME', cell: (row) => (row.gpu ? `  gpu ${row.gpu.index}` : row.member.name)},
    {header: 'STATE', cell: (row) => (row.gpu ? '' : row.member.state)},
    {header: 'GPUS', cell: (row) => (row.gpu ? '' : gpuCells(row.member.gpu).gpus), priority: 2},
    {header: 'UTIL', cell: (row) => (row.gpu ? unknown(row.gpu.utilization_pct, '%') : gpuCells(row.member.gpu).utilization)},
    {header: 'VRAM', cell: (row) => (row.gpu ? (row.gpu.vram_used_mib === null || row.gpu.vram_total_mib === null ? '?' : `${Math.round(row.gpu.vram_used_mib / 1024)}/${Math.round(row.gpu.vram_total_mib / 1024)}G`) : gpuCells(row.member.gpu).vram), priority: 3},
    {header: 'TEMP', cell: (row) => (row.gpu ? unknown(row.gpu.temperature_c, 'C') : gpuCells(row.member.gpu).temperature), priority: 4},
    {header: 'POWER', cell: (row) => (row.gpu ? unknown(row.gpu.power_w, 'W') : powerCell(row.member)), priority: 5},
    {header: 'ECC', cell: (row) => (row.gpu ? eccCell(row.gpu) : gpuCells(row.member.gpu).ecc)},
    {header: 'IDLE', cell: (row) => (row.gpu ? '' : idleCell(row.member, now)), priority: 1},
    {header: 'DETAIL', cell: (row) => (row.gpu ? '' : row.member.detail), cut: true, priority: 6},
  ]
}

function powerCell(member: MemberStatus): string {
  const known = (member.gpu?.gpus ?? []).map((gpu) => gpu.power_w).filter((watts): watts is number => watts !== null)
  if (!member.gpu) return '-'
  return known.length === 0 ? '?' : `${Math.round(known.reduce((sum, watts) => sum + watts, 0))}W`
}

function eccCell(gpu: GpuFigures): string {
  if (gpu.ecc_uncorrectable === null && gpu.ecc_correctable === null) return '?'
  const unc = gpu.ecc_uncorrectable ?? 0
  const cor = gpu.ecc_correctable ?? 0
  return unc + cor === 0 ? '0' : `${unc}u ${cor}c`
}

/**
 * One sample of `pool top`: one line a member (its GPUs' sums and the hottest; POWER the sum), and with `gpus` one
 * line a GPU under it; then the counts. The same table on a pipe and, redrawn, on a terminal.
 */
export function formatTop(result: PoolStatusResult, options: {gpus: boolean; now: number}, fit?: TableFit): string {
  if (result.members.length === 0) return `pool ${printableCell(result.pool)} has no droplets\n`
  const rows: TopRow[] = result.members.flatMap((member): TopRow[] => [{member, gpu: null}, ...(options.gpus ? (member.gpu?.gpus ?? []).map((gpu) => ({member, gpu})) : [])])
  const table = renderTable({columns: columns(options.now), header: true, rowsOnly: false}, rows, fit)
  const busy = result.members.filter((m) => m.gpu?.busy === true).length
  const idle = result.members.filter((m) => m.gpu?.busy === false).length
  return `${table}\n${result.healthy} of ${plural(result.members.length, 'member')} healthy; GPUs busy on ${busy}, idle on ${idle}\n`
}
