import type {GpuSample} from '../boot/gpu-sample.js'

/** A member's GPU figures as table cells; `?` where every GPU's figure is unknown, `-` for no sample at all. */
export interface GpuCells {
  /** Seen of promised: `8/8`, `7/8`, `?/8` when none could be read. */
  gpus: string
  /** The mean utilisation of the GPUs that report one: `45%`. */
  utilization: string
  /** VRAM in use of the total, in GiB, over the GPUs that report both: `166/1536G`. */
  vram: string
  /** The hottest GPU: `71C`. */
  temperature: string
  /** ECC errors counted: `0`, `2u 12c` (uncorrectable, correctable). */
  ecc: string
}

const NONE: GpuCells = {gpus: '-', utilization: '-', vram: '-', temperature: '-', ecc: '-'}

const cache = new WeakMap<GpuSample, GpuCells>()

export function gpuCells(sample: GpuSample | null): GpuCells {
  if (sample === null) return NONE
  let cells = cache.get(sample)
  if (!cells) {
    cells = cellsOf(sample)
    cache.set(sample, cells)
  }
  return cells
}

function cellsOf(sample: GpuSample): GpuCells {
  const known = <T>(values: (T | null)[]) => values.filter((value): value is T => value !== null)
  const utilization = known(sample.gpus.map((gpu) => gpu.utilization_pct))
  const memory = sample.gpus.filter((gpu) => gpu.vram_used_mib !== null && gpu.vram_total_mib !== null)
  const temperatures = known(sample.gpus.map((gpu) => gpu.temperature_c))
  const uncorrectable = known(sample.gpus.map((gpu) => gpu.ecc_uncorrectable))
  const correctable = known(sample.gpus.map((gpu) => gpu.ecc_correctable))
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0)
  const gib = (mib: number) => Math.round(mib / 1024)
  return {
    gpus: `${sample.seen ?? '?'}/${sample.promised ?? '?'}`,
    utilization: utilization.length === 0 ? '?' : `${Math.round(sum(utilization) / utilization.length)}%`,
    vram: memory.length === 0 ? '?' : `${gib(sum(memory.map((gpu) => gpu.vram_used_mib ?? 0)))}/${gib(sum(memory.map((gpu) => gpu.vram_total_mib ?? 0)))}G`,
    temperature: temperatures.length === 0 ? '?' : `${Math.round(Math.max(...temperatures))}C`,
    ecc: uncorrectable.length === 0 && correctable.length === 0 ? '?' : sum(uncorrectable) + sum(correctable) === 0 ? '0' : `${sum(uncorrectable)}u ${sum(correctable)}c`,
  }
}
