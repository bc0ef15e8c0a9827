import type {PoolDroplet} from '../pool/membership.js'
import type {MemberStatus, PoolStatusResult} from '../pool/pool-status.js'
import {formatDroplets} from './droplet-table.js'
import {plural} from '../text/plural.js'
import {printableCell} from '../text/printable.js'
import {type Column, renderTable, type TableFit} from './table.js'
import {gpuCells} from './gpu-cells.js'

/**
 * NAME, ID, DROPLET, ADDRESS, STATE, BOOT, AGENT, GPU, GPUS, UTIL, VRAM, TEMP, ECC, DETAIL: one row a member, as
 * `pool status` shows it (the GPU figures from its GPU sample, `-` without one: gpu-cells.ts). On a narrow terminal
 * (priority: the largest is left out first) the name, state and detail always show, the detail cut; the GPU
 * figures go first, the count of GPUs and their errors last of them (the state and detail say what is wrong).
 */
export const MEMBER_COLUMNS: readonly Column<MemberStatus>[] = [
  {header: 'NAME', cell: (m) => m.name},
  {header: 'ID', cell: (m) => m.id, priority: 5},
  {header: 'DROPLET', cell: (m) => m.status, aliases: ['status'], priority: 4},
  {header: 'ADDRESS', cell: (m) => m.address ?? '-', priority: 3},
  {header: 'STATE', cell: (m) => m.state},
  {header: 'BOOT', cell: (m) => (m.boot ? (m.boot.phase === 'running' ? `${m.boot.step}…` : m.boot.phase === 'failed' ? `failed: ${m.boot.step}` : m.boot.phase) : '-'), priority: 1},
  {header: 'AGENT', cell: (m) => m.agent ?? '-', priority: 2},
  {header: 'GPU', cell: (m) => (m.boot ? (m.boot.gpu.vendor === 'none' ? '-' : `${m.boot.gpu.vendor} ${m.boot.gpu.check}`) : '-'), priority: 6},
  {header: 'GPUS', cell: (m) => gpuCells(m.gpu).gpus, priority: 3},
  {header: 'UTIL', cell: (m) => gpuCells(m.gpu).utilization, priority: 7},
  {header: 'VRAM', cell: (m) => gpuCells(m.gpu).vram, priority: 8},
  {header: 'TEMP', cell: (m) => gpuCells(m.gpu).temperature, priority: 9},
  {header: 'ECC', cell: (m) => gpuCells(m.gpu).ecc, priority: 3},
  {header: 'DETAIL', cell: (m) => m.detail, cut: true},
]

/** The table, a line of counts, and for each failed boot its log tail (what the operator would ssh in to read). */
export function formatPoolStatus(result: PoolStatusResult, fit?: TableFit): string {
  if (result.members.length === 0) return `pool ${printableCell(result.pool)} has no droplets\n`
  const table = renderTable({columns: MEMBER_COLUMNS, header: true, rowsOnly: false}, result.members, fit)
  const tails = result.members
    .filter((m) => m.boot?.phase === 'failed' && m.boot.log_tail.length > 0)
    .map((m) => `\n${printableCell(m.name)}: the boot failed in step ${m.boot?.step}; its log ends:\n${(m.boot?.log_tail ?? []).slice(-10).map((line) => `  ${printableCell(line)}`).join('\n')}\n`)
  return `${table}\n${result.healthy} of ${plural(result.members.length, 'member')} healthy (agent active)\n${tails.join('')}`
}

/** The created droplets, and with --wait-for agent how each one's boot and agent stand (pool status's table). */
export function createdAndAgents(result: {pool: string; created: readonly PoolDroplet[]; agents?: MemberStatus[]}, now: number, fit?: TableFit): string {
  const droplets = formatDroplets(result.created, now, fit)
  if (!result.agents) return droplets
  return `${droplets}\n${formatPoolStatus({pool: result.pool, members: result.agents, healthy: result.agents.filter((m) => m.state === 'healthy').length}, fit)}`
}
