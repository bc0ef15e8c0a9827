import type {GpuSample} from '../boot/gpu-sample.js'
import {inflect, plural} from '../text/plural.js'

/**
 * What a member's GPU sample says of its health: `ok` only when every GPU the size promises is seen and no
 * uncorrectable error is counted; otherwise `gpu-missing` (fewer seen, or none could be read) before `gpu-errors`,
 * with the detail of both. Figures the tool reports as N/A are unknown, and unknown counts are not errors.
 */
export type GpuHealth = 'ok' | 'gpu-missing' | 'gpu-errors'

export function gpuHealth(sample: GpuSample): {health: GpuHealth; detail: string} {
  const problems: string[] = []
  let health: GpuHealth = 'ok'
  if (sample.seen === null || sample.seen === 0) {
    health = 'gpu-missing'
    problems.push(`no GPU seen${sample.problem ? ` (${sample.problem})` : ''}${sample.promised ? `, ${sample.promised} promised` : ''}`)
  } else if (sample.promised !== null && sample.seen < sample.promised) {
    health = 'gpu-missing'
    problems.push(`${sample.promised - sample.seen} of ${plural(sample.promised, 'GPU')} missing`)
  }
  const erring = sample.gpus.filter((gpu) => (gpu.ecc_uncorrectable ?? 0) > 0)
  if (erring.length > 0) {
    if (health === 'ok') health = 'gpu-errors'
    const total = erring.reduce((sum, gpu) => sum + (gpu.ecc_uncorrectable ?? 0), 0)
    problems.push(`${plural(total, 'uncorrectable ECC error')} on ${inflect(erring.length, 'GPU', 'GPUs')} ${erring.map((gpu) => gpu.index).join(', ')}`)
  }
  return {health, detail: problems.join('; ')}
}
