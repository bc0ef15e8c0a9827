import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {GPU_OUTPUT_LIMIT_BYTES, parseGpuSample} from '../../src/lib/boot/gpu-sample.js'
import {gpuBusy, type GpuTool} from '../../src/lib/boot/gpu-tools.js'

const fixture = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')
const asset = (name: string) => readFileSync(new URL(`../../assets/sim-gpu/${name}`, import.meta.url), 'utf8')

/** A gpu.json as the sampler writes it, around a tool's output. */
function sample(tool: GpuTool | null, output: string | null, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    version: 1, sampled_at: '2026-12-04T10:00:00Z', tool, tool_exit: tool ? 0 : null, promised: 8, busy_thresholds: {utilization_pct: 5, vram_pct: 5},
    busy: false, last_busy_at: '2026-12-04T08:00:00Z', idle_since: '2026-12-04T08:01:00Z', output, output_cut: false, ...extra,
  })
}

const IDLE_MI300X = {utilization_pct: 0, vram_used_mib: 283, vram_total_mib: 196592, temperature_c: 38, power_w: 138, ecc_correctable: 0, ecc_uncorrectable: 0}

describe('the GPU sample, over every shape of every tool (test/fixtures/gpu/README.md)', () => {
  it('reads amd-smi of ROCm 6.0: a list, plain numbers, gfx_usage and current_power', () => {
    const read = parseGpuSample(sample('amd-smi', fixture('fixtures/gpu/amd-smi-6.0-plain.json')))
    expect(read.seen).toBe(8)
    expect(read.gpus[0]).toEqual({index: 0, utilization_pct: 97, vram_used_mib: 150211, vram_total_mib: 196592, temperature_c: 71, power_w: 612, ecc_correctable: 0, ecc_uncorrectable: 0})
    expect(read.gpus[7]).toEqual({index: 7, ...IDLE_MI300X})
  })

  it('reads amd-smi of ROCm 6.0 on a one-GPU size: the GPU as the object itself', () => {
    const read = parseGpuSample(sample('amd-smi', fixture('fixtures/gpu/amd-smi-6.0-one-gpu.json'), {promised: 1}))
    expect(read).toMatchObject({seen: 1, promised: 1, gpus: [{index: 0, ...IDLE_MI300X}]})
  })

  it('reads amd-smi of ROCm 6.1 and later: {"value", "unit"} objects, gfx_activity, socket_power, *_count', () => {
    const read = parseGpuSample(sample('amd-smi', fixture('fixtures/gpu/amd-smi-6.2-value-unit.json')))
    expect(read.gpus).toEqual(Array.from({length: 8}, (_, index) => ({index, ...IDLE_MI300X})))
  })

  it('reads amd-smi of ROCm 7: the list under gpu_data', () => {
    const read = parseGpuSample(sample('amd-smi', asset('busy.json')))
    expect(read.seen).toBe(8)
    expect(read.gpus[1]).toMatchObject({index: 1, utilization_pct: 99, vram_used_mib: 170001, temperature_c: 71, power_w: 612})
  })

  it('reads amd-smi of ROCm 7 on a partitioned MI300X (DPX): a partition without gfx_activity is the mean of its XCCs\' busy figures', () => {
    const read = parseGpuSample(sample('amd-smi', fixture('fixtures/gpu/amd-smi-7.0-dpx.json')))
    expect(read.seen).toBe(2)
    expect(read.gpus).toEqual([
      {index: 0, utilization_pct: 0, vram_used_mib: 283, vram_total_mib: 196592, temperature_c: 44, power_w: 140, ecc_correctable: 0, ecc_uncorrectable: 0},
      {index: 1, utilization_pct: 89, vram_used_mib: 492, vram_total_mib: 98296, temperature_c: null, power_w: null, ecc_correctable: 0, ecc_uncorrectable: 0},
    ])
  })

  it('takes N/A as unknown, never 0', () => {
    const read = parseGpuSample(sample('amd-smi', asset('smi-na.json'), {busy: null, idle_since: null}))
    expect(read.seen).toBe(8)
    expect(read.gpus[0]).toEqual({index: 0, utilization_pct: null, vram_used_mib: null, vram_total_mib: null, temperature_c: null, power_w: null, ecc_correctable: null, ecc_uncorrectable: null})
    expect(read.busy).toBeNull()
  })

  it('counts the GPUs listed against those promised, and the errors of each', () => {
    expect(parseGpuSample(sample('amd-smi', asset('gpu-missing.json')))).toMatchObject({seen: 7, promised: 8})
    const errors = parseGpuSample(sample('amd-smi', asset('gpu-errors.json')))
    expect(errors.gpus.map((gpu) => [gpu.ecc_correctable, gpu.ecc_uncorrectable])[3]).toEqual([12, 2])
    expect(errors.gpus.filter((gpu) => gpu.ecc_uncorrectable !== 0)).toHaveLength(1)
  })

  it('reads rocm-smi: cards of strings, bytes of VRAM, the hottest sensor; no ECC figures (unknown)', () => {
    const read = parseGpuSample(sample('rocm-smi', fixture('fixtures/gpu/rocm-smi.json')))
    expect(read.seen).toBe(8)
    expect(read.gpus[0]).toEqual({index: 0, utilization_pct: 88, vram_used_mib: 152705.6279296875, vram_total_mib: 196592, temperature_c: 68, power_w: 590, ecc_correctable: null, ecc_uncorrectable: null})
  })

  it('reads nvidia-smi CSV, [N/A] and [Not Supported] as unknown', () => {
    const read = parseGpuSample(sample('nvidia-smi', fixture('fixtures/gpu/nvidia-smi.csv')))
    expect(read.gpus).toEqual([
      {index: 0, utilization_pct: 94, vram_used_mib: 71234, vram_total_mib: 81559, temperature_c: 66, power_w: 512.37, ecc_correctable: 0, ecc_uncorrectable: 0},
      {index: 1, utilization_pct: 0, vram_used_mib: 4, vram_total_mib: 81559, temperature_c: 31, power_w: 71.02, ecc_correctable: 3, ecc_uncorrectable: 1},
      {index: 2, utilization_pct: null, vram_used_mib: null, vram_total_mib: 81559, temperature_c: null, power_w: null, ecc_correctable: null, ecc_uncorrectable: null},
    ])
  })

  it('says so when the member has no GPU tool: 0 seen', () => {
    expect(parseGpuSample(sample(null, null, {busy: null}))).toMatchObject({seen: 0, gpus: [], problem: 'no amd-smi, rocm-smi or nvidia-smi on the member'})
  })

  it.each([
    ['amd-smi exited 1', {tool_exit: 1}],
    ['amd-smi did not finish', {tool_exit: null}],
    [`amd-smi printed more than ${GPU_OUTPUT_LIMIT_BYTES / 1024} KiB`, {output_cut: true}],
    ['the tool did not print JSON', {output: 'Traceback (most recent call last):'}],
    ['amd-smi printed JSON that is not a list of GPUs', {output: '{"gpu_data": 3}'}],
    ['65 GPUs listed, more than 64', {output: JSON.stringify(Array.from({length: 65}, (_, gpu) => ({gpu})))}],
    ['no python3 on the member to read the GPU figures', {problem: 'no python3 on the member to read the GPU figures'}],
  ])('an output it cannot read is no GPU seen, with the reason: %s', (problem, extra) => {
    expect(parseGpuSample(sample('amd-smi', asset('idle.json'), extra))).toMatchObject({seen: null, gpus: [], problem})
  })

  it('takes figures out of range or of an unknown unit as unknown', () => {
    const hostile = [{gpu: 0, usage: {gfx_activity: {value: 1e308, unit: '%'}}, mem_usage: {used_vram: {value: 5, unit: 'furlongs'}, total_vram: -1}, temperature: {hotspot: '9999'}, power: {socket_power: {value: 'lots'}}, ecc: {total_uncorrectable_count: 1.5e300}}]
    expect(parseGpuSample(sample('amd-smi', JSON.stringify(hostile))).gpus[0]).toEqual({index: 0, utilization_pct: null, vram_used_mib: null, vram_total_mib: null, temperature_c: null, power_w: null, ecc_correctable: null, ecc_uncorrectable: null})
  })

  it.each([
    ['empty', '', /not JSON/],
    ['cut', '{"version": 1', /not JSON/],
    ['a list', '[]', /the document is not an object/],
    ['version 2', sample('amd-smi', '[]', {version: 2}), /version 2, not 1/],
    ['a tool of its own', sample('amd-smi', '[]', {tool: 'rm -rf /'}), /tool "rm -rf \/" is not one of amd-smi, rocm-smi, nvidia-smi/],
    ['a time that is not one', sample('amd-smi', '[]', {sampled_at: 'now'}), /sampled_at "now" is not a UTC time/],
    ['busy "yes"', sample('amd-smi', '[]', {busy: 'yes'}), /busy is not true, false or null/],
    ['1000 GPUs promised', sample('amd-smi', '[]', {promised: 1000}), /promised is not a whole number from 0 to 64/],
    ['no thresholds', sample('amd-smi', '[]', {busy_thresholds: null}), /busy_thresholds is not an object/],
    ['an output over the limit', sample('amd-smi', 'x'.repeat(GPU_OUTPUT_LIMIT_BYTES + 1)), /output is longer than 192 KiB/],
    ['a huge file', `{${' '.repeat(600 * 1024)}}`, /larger than 512 KiB/],
  ])('refuses a file that is not one: %s', (_, text, reason) => {
    expect(() => parseGpuSample(text)).toThrow(reason)
  })
})

describe('busy, by the rule the sampler applies on the member', () => {
  const thresholds = {utilization_pct: 5, vram_pct: 5}
  const gpu = {index: 0, ...IDLE_MI300X}
  it.each([
    [{}, false],
    [{utilization_pct: 5}, true],
    [{vram_used_mib: 9830}, true],
    [{utilization_pct: null}, null],
    [{vram_total_mib: null}, null],
    [{utilization_pct: null, vram_used_mib: 100_000}, true],
  ])('%j is %s', (change, busy) => {
    expect(gpuBusy({...gpu, ...change}, thresholds)).toBe(busy)
  })
})
