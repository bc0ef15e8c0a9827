/**
 * What the GPU tools print, read into one shape: `amd-smi metric --json` in each of its versions' shapes, `rocm-smi
 * --json`, `nvidia-smi --query-gpu ... --format=csv`. The member's sampler keeps the tool's output as it came
 * (docs/userdata.md, "The GPU sample"); this is the one place that knows the shapes (test/fixtures/gpu/README.md
 * names the source of each). A value the tool reports as N/A, or that is missing, malformed or out of range, is
 * null: unknown, never 0.
 */

export type GpuTool = 'amd-smi' | 'rocm-smi' | 'nvidia-smi'
export const GPU_TOOLS: readonly GpuTool[] = ['amd-smi', 'rocm-smi', 'nvidia-smi']

export interface GpuFigures {
  /** The tool's index of the GPU. */
  index: number
  utilization_pct: number | null
  vram_used_mib: number | null
  vram_total_mib: number | null
  /** The hottest sensor the tool reports (junction/hotspot on AMD), in °C. */
  temperature_c: number | null
  power_w: number | null
  ecc_correctable: number | null
  ecc_uncorrectable: number | null
}

/** More GPUs than any droplet has (8): a longer list is not a real answer. */
const MAX_GPUS = 64

export class GpuOutputError extends Error {}

export function parseToolOutput(tool: GpuTool, output: string): GpuFigures[] {
  const gpus = tool === 'nvidia-smi' ? nvidiaSmi(output) : tool === 'rocm-smi' ? rocmSmi(jsonOf(output)) : amdSmi(jsonOf(output))
  if (gpus.length > MAX_GPUS) throw new GpuOutputError(`${gpus.length} GPUs listed, more than ${MAX_GPUS}`)
  return gpus
}

/** Whether a GPU is busy by the sampler's rule: null when a figure the rule needs is unknown. */
export function gpuBusy(gpu: GpuFigures, thresholds: {utilization_pct: number; vram_pct: number}): boolean | null {
  const vramPct = gpu.vram_used_mib !== null && gpu.vram_total_mib ? (100 * gpu.vram_used_mib) / gpu.vram_total_mib : null
  if ((gpu.utilization_pct ?? -1) >= thresholds.utilization_pct || (vramPct ?? -1) >= thresholds.vram_pct) return true
  if (gpu.utilization_pct === null || vramPct === null) return null
  return false
}

function jsonOf(output: string): unknown {
  try {
    return JSON.parse(output)
  } catch {
    throw new GpuOutputError('the tool did not print JSON')
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * One figure: a plain number (ROCm 6.0), `{"value": n, "unit": "..."}` (6.1 and later), a numeric string
 * (rocm-smi), or unknown. `scale` turns the unit into ours.
 */
function figure(value: unknown, range: [number, number], scale: (unit: string | null) => number | null = () => 1): number | null {
  let number: unknown = value
  let unit: string | null = null
  if (isRecord(value)) {
    number = value.value
    unit = typeof value.unit === 'string' ? value.unit : null
  }
  if (typeof number === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(number)) number = Number(number)
  if (typeof number !== 'number' || !Number.isFinite(number)) return null
  const factor = scale(unit)
  if (factor === null) return null
  const scaled = number * factor
  return scaled >= range[0] && scaled <= range[1] ? scaled : null
}

const PERCENT: [number, number] = [0, 100]
const MIB: [number, number] = [0, 16 * 1024 * 1024]
const CELSIUS: [number, number] = [-50, 200]
const WATTS: [number, number] = [0, 10_000]
const COUNT: [number, number] = [0, Number.MAX_SAFE_INTEGER]

/** amd-smi writes memory in MB (its own word for 1024 * 1024 bytes: it divides bytes by 1024 * 1024). */
function mebibytes(unit: string | null): number | null {
  if (unit === null || unit === 'MB' || unit === 'MiB') return 1
  if (unit === 'GB' || unit === 'GiB') return 1024
  if (unit === 'KB' || unit === 'KiB') return 1 / 1024
  if (unit === 'B') return 1 / (1024 * 1024)
  return null
}

function watts(unit: string | null): number | null {
  if (unit === null || unit === 'W') return 1
  if (unit === 'mW') return 1 / 1000
  return null
}

function celsius(unit: string | null): number | null {
  return unit === null || unit === 'C' || unit === '\u00b0C' ? 1 : null
}

function percent(unit: string | null): number | null {
  return unit === null || unit === '%' ? 1 : null
}

function field(record: unknown, ...path: string[]): unknown {
  let at: unknown = record
  for (const key of path) {
    if (!isRecord(at)) return undefined
    at = at[key]
  }
  return at
}

function firstKnown<T>(...values: (T | null)[]): T | null {
  return values.find((value) => value !== null) ?? null
}

/**
 * `amd-smi metric --usage --power --temperature --ecc --mem-usage --json`: a list of GPUs (ROCm 6.x; 6.0 prints
 * one GPU as the object itself), or `{"gpu_data": [...]}` (ROCm 7). Key names moved between releases: each figure
 * is looked for under each name it has had.
 */
function amdSmi(json: unknown): GpuFigures[] {
  const entries = Array.isArray(json) ? json : isRecord(json) && Array.isArray(json.gpu_data) ? json.gpu_data : isRecord(json) && 'gpu' in json ? [json] : null
  if (entries === null) throw new GpuOutputError('amd-smi printed JSON that is not a list of GPUs')
  if (entries.length > MAX_GPUS) throw new GpuOutputError(`${entries.length} GPUs listed, more than ${MAX_GPUS}`)
  return entries.map((entry: unknown, position) => {
    if (!isRecord(entry)) throw new GpuOutputError(`GPU ${position} is not an object`)
    const index = typeof entry.gpu === 'number' && Number.isSafeInteger(entry.gpu) && entry.gpu >= 0 ? entry.gpu : position
    const temperature = ['hotspot', 'edge', 'mem'].map((sensor) => figure(field(entry, 'temperature', sensor), CELSIUS, celsius)).filter((t) => t !== null)
    return {
      index,
      utilization_pct: firstKnown(figure(field(entry, 'usage', 'gfx_activity'), PERCENT, percent), figure(field(entry, 'usage', 'gfx_usage'), PERCENT, percent), busyInstances(field(entry, 'usage', 'gfx_busy_inst'))),
      vram_used_mib: figure(field(entry, 'mem_usage', 'used_vram'), MIB, mebibytes),
      vram_total_mib: figure(field(entry, 'mem_usage', 'total_vram'), MIB, mebibytes),
      temperature_c: temperature.length > 0 ? Math.max(...temperature) : null,
      power_w: firstKnown(figure(field(entry, 'power', 'socket_power'), WATTS, watts), figure(field(entry, 'power', 'current_power'), WATTS, watts)),
      ecc_correctable: firstKnown(figure(field(entry, 'ecc', 'total_correctable_count'), COUNT), figure(field(entry, 'ecc', 'total_correctable'), COUNT)),
      ecc_uncorrectable: firstKnown(figure(field(entry, 'ecc', 'total_uncorrectable_count'), COUNT), figure(field(entry, 'ecc', 'total_uncorrectable'), COUNT)),
    }
  })
}

/**
 * The mean of the per-XCC busy figures (`usage.gfx_busy_inst`: `{"xcp_0": [{"value": n, "unit": "%"}, "N/A", ...]}`),
 * where a GPU that can be partitioned (MI300X, ROCm 6.4 and later) leaves `gfx_activity` N/A: AMD computes
 * gfx_activity as their mean (test/fixtures/gpu/README.md). Null when none is known.
 */
function busyInstances(value: unknown): number | null {
  if (!isRecord(value)) return null
  const known = Object.values(value)
    .flatMap((xcp) => (Array.isArray(xcp) ? xcp.slice(0, 64) : []))
    .map((instance) => figure(instance, PERCENT, percent))
    .filter((busy) => busy !== null)
  return known.length === 0 ? null : known.reduce((sum, busy) => sum + busy, 0) / known.length
}

/** `rocm-smi --showuse --showmeminfo vram --showtemp --showpower --json`: `{"card0": {...}}`, every value a string. */
function rocmSmi(json: unknown): GpuFigures[] {
  if (!isRecord(json)) throw new GpuOutputError('rocm-smi printed JSON that is not an object of cards')
  const cards = Object.keys(json).filter((key) => /^card\d+$/.test(key))
  if (cards.length > MAX_GPUS) throw new GpuOutputError(`${cards.length} GPUs listed, more than ${MAX_GPUS}`)
  return cards.map((key) => {
    const card = json[key]
    const bytes = (name: string) => figure(field(card, name), MIB, () => 1 / (1024 * 1024))
    const temperatures = ['junction', 'edge', 'memory'].map((sensor) => figure(field(card, `Temperature (Sensor ${sensor}) (C)`), CELSIUS)).filter((t) => t !== null)
    return {
      index: Number(key.slice(4)),
      utilization_pct: figure(field(card, 'GPU use (%)'), PERCENT),
      vram_used_mib: bytes('VRAM Total Used Memory (B)'),
      vram_total_mib: bytes('VRAM Total Memory (B)'),
      temperature_c: temperatures.length > 0 ? Math.max(...temperatures) : null,
      power_w: firstKnown(figure(field(card, 'Current Socket Graphics Package Power (W)'), WATTS), figure(field(card, 'Average Graphics Package Power (W)'), WATTS)),
      ecc_correctable: null,
      ecc_uncorrectable: null,
    }
  })
}

/**
 * `nvidia-smi --query-gpu=index,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw,
 * ecc.errors.corrected.volatile.total,ecc.errors.uncorrected.volatile.total --format=csv,noheader,nounits`: one
 * line a GPU; `[N/A]` or `[Not Supported]` where it has no figure.
 */
export const NVIDIA_QUERY = 'index,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw,ecc.errors.corrected.volatile.total,ecc.errors.uncorrected.volatile.total'

function nvidiaSmi(output: string): GpuFigures[] {
  const lines = output.split('\n').filter((line) => line.trim() !== '')
  if (lines.length > MAX_GPUS) throw new GpuOutputError(`${lines.length} GPUs listed, more than ${MAX_GPUS}`)
  return lines.map((line, position) => {
    const cells = line.split(',').map((cell) => cell.trim())
    if (cells.length !== 8) throw new GpuOutputError(`nvidia-smi line ${position + 1} has ${cells.length} fields, not 8`)
    const index = figure(cells[0], [0, MAX_GPUS])
    return {
      index: index !== null && Number.isInteger(index) ? index : position,
      utilization_pct: figure(cells[1], PERCENT),
      vram_used_mib: figure(cells[2], MIB),
      vram_total_mib: figure(cells[3], MIB),
      temperature_c: figure(cells[4], CELSIUS),
      power_w: figure(cells[5], WATTS),
      ecc_correctable: figure(cells[6], COUNT),
      ecc_uncorrectable: figure(cells[7], COUNT),
    }
  })
}
