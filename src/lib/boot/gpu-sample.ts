import {GPU_TOOLS, type GpuFigures, GpuOutputError, type GpuTool, parseToolOutput} from './gpu-tools.js'

/**
 * The member's GPU sample, `/var/lib/velda/gpu.json` (docs/userdata.md, "The GPU sample"), which the sampler
 * (assets/gpu-sampler.sh) rewrites every minute: what `pool status` reads from each member over SSH, and what the
 * sandbox tests read from the sampler they ran. The one reader of the file and, through gpu-tools.ts, of every
 * shape of every GPU tool's output. What it holds came from the member: bounded, checked here, and shown only
 * through the output filter.
 */

export const GPU_SAMPLE_PATH = '/var/lib/velda/gpu.json'
/** What the probe reads of the file: the sampler keeps the tool's output within 192 KiB, escaped at most twice over. */
export const GPU_SAMPLE_READ_BYTES = 512 * 1024
/** The tool's output the sampler keeps (its GPU_OUTPUT_LIMIT). */
export const GPU_OUTPUT_LIMIT_BYTES = 192 * 1024
/**
 * A sample older than this (the sampler takes one a minute; it counts an idle run broken past 180 s) says nothing of
 * now: its sampler has stopped, or the member's clock is off. `pool top` shows it as stale; `pool reap --idle` and
 * `--unhealthy` do not act on it.
 */
export const STALE_SAMPLE_MS = 180_000

export interface GpuSample {
  sampled_at: string
  /** The tool the sampler ran; null when the member has none of amd-smi, rocm-smi and nvidia-smi. */
  tool: GpuTool | null
  /** GPUs the size promises (its slug's count); null when unknown (a size whose slug gives none). */
  promised: number | null
  /** GPUs the tool listed; null when its output could not be read (see `problem`). */
  seen: number | null
  thresholds: {utilization_pct: number; vram_pct: number}
  /** The member's own decision for this sample: null when a figure it needs is unknown (never counted as idle). */
  busy: boolean | null
  /** The last sample in which a GPU was busy. */
  last_busy_at: string | null
  /** The first of the samples, one a minute without a gap, in which every GPU was known to be idle, up to this one. */
  idle_since: string | null
  gpus: GpuFigures[]
  /** Why no GPU could be read: no tool, the tool failed, its output is not one we know. */
  problem: string | null
}

export class GpuSampleError extends Error {}

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/

export function parseGpuSample(text: string): GpuSample {
  if (text.length > GPU_SAMPLE_READ_BYTES) throw new GpuSampleError(`larger than ${GPU_SAMPLE_READ_BYTES / 1024} KiB`)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new GpuSampleError(`not JSON: ${JSON.stringify(text.slice(0, 40))}`)
  }
  const doc = record(json, 'the document')
  if (doc.version !== 1) throw new GpuSampleError(`version ${JSON.stringify(doc.version)?.slice(0, 20)}, not 1 (a newer velda-do wrote the sampler?)`)
  const tool = doc.tool === null ? null : (oneOf(doc.tool, GPU_TOOLS, 'tool') as GpuTool)
  const thresholds = record(doc.busy_thresholds, 'busy_thresholds')
  const output = doc.output === null ? null : stringOf(doc.output, 'output')
  if (output !== null && output.length > GPU_OUTPUT_LIMIT_BYTES) throw new GpuSampleError(`output is longer than ${GPU_OUTPUT_LIMIT_BYTES / 1024} KiB`)
  const toolExit = doc.tool_exit === null ? null : count(doc.tool_exit, 'tool_exit', 255)
  const sample: Omit<GpuSample, 'seen' | 'gpus' | 'problem'> = {
    sampled_at: time(doc.sampled_at, 'sampled_at'),
    tool,
    promised: doc.promised === null ? null : count(doc.promised, 'promised', 64),
    thresholds: {utilization_pct: count(thresholds.utilization_pct, 'busy_thresholds.utilization_pct', 100), vram_pct: count(thresholds.vram_pct, 'busy_thresholds.vram_pct', 100)},
    busy: doc.busy === null ? null : booleanOf(doc.busy, 'busy'),
    last_busy_at: doc.last_busy_at === null ? null : time(doc.last_busy_at, 'last_busy_at'),
    idle_since: doc.idle_since === null ? null : time(doc.idle_since, 'idle_since'),
  }
  // The sampler's own word for a sample it could not take (no python3 to read the figures with).
  if (typeof doc.problem === 'string') return {...sample, seen: null, gpus: [], problem: doc.problem.slice(0, 200)}
  if (tool === null) return {...sample, seen: 0, gpus: [], problem: 'no amd-smi, rocm-smi or nvidia-smi on the member'}
  if (toolExit !== 0) return {...sample, seen: null, gpus: [], problem: toolExit === null ? `${tool} did not finish` : `${tool} exited ${toolExit}`}
  if (doc.output_cut === true) return {...sample, seen: null, gpus: [], problem: `${tool} printed more than ${GPU_OUTPUT_LIMIT_BYTES / 1024} KiB`}
  try {
    const gpus = parseToolOutput(tool, output ?? '')
    return {...sample, seen: gpus.length, gpus, problem: null}
  } catch (error) {
    if (!(error instanceof GpuOutputError)) throw error
    return {...sample, seen: null, gpus: [], problem: error.message}
  }
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new GpuSampleError(`${what} is not an object`)
  return value as Record<string, unknown>
}

function stringOf(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new GpuSampleError(`${what} is not a string`)
  return value
}

function booleanOf(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw new GpuSampleError(`${what} is not true, false or null`)
  return value
}

function oneOf(value: unknown, allowed: readonly string[], what: string): string {
  const given = stringOf(value, what)
  if (!allowed.includes(given)) throw new GpuSampleError(`${what} ${JSON.stringify(given.slice(0, 40))} is not one of ${allowed.join(', ')}`)
  return given
}

function time(value: unknown, what: string): string {
  const given = stringOf(value, what)
  if (!TIME.test(given)) throw new GpuSampleError(`${what} ${JSON.stringify(given.slice(0, 40))} is not a UTC time`)
  return given
}

function count(value: unknown, what: string, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) throw new GpuSampleError(`${what} is not a whole number from 0 to ${max}`)
  return value
}
