/**
 * The boot script's status file, `/var/lib/velda/bootstrap.json` (docs/userdata.md, "The status file"): what
 * `pool status` reads from each member over SSH, and what the sandbox tests read from the script they ran. One
 * reader for both, so that the two can never disagree about the format.
 */

export const BOOT_STATUS_PATH = '/var/lib/velda/bootstrap.json'

export const BOOT_STEPS = ['start', 'packages', 'agent-config', 'gpu', 'tailscale', 'agent', 'service', 'done'] as const
export type BootStep = (typeof BOOT_STEPS)[number]
export type BootPhase = 'running' | 'done' | 'failed'
/** `skipped` on a CPU size; `missing` when no GPU tool is installed; `failed` when the tool saw no GPU. */
export type GpuCheck = 'ok' | 'missing' | 'failed' | 'skipped'

export interface BootStatus {
  phase: BootPhase
  /** The step running, the one that failed, or `done`. */
  step: BootStep
  started_at: string
  updated_at: string
  finished_at: string | null
  /** The failed command's exit code; null unless failed. */
  exit_code: number | null
  gpu: {vendor: string; check: GpuCheck}
  agent_version: string
  /** The log's last lines when it failed; empty otherwise. */
  log_tail: string[]
}

/** A status file that is not one: `reason` says what is wrong with it, for the member's row. */
export class BootStatusError extends Error {}

const PHASES: readonly string[] = ['running', 'done', 'failed']
const CHECKS: readonly string[] = ['ok', 'missing', 'failed', 'skipped']
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/

export function parseBootStatus(text: string): BootStatus {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new BootStatusError(`not JSON: ${JSON.stringify(text.slice(0, 40))}`)
  }
  const doc = record(json, 'the document')
  if (doc.version !== 1) throw new BootStatusError(`version ${JSON.stringify(doc.version)}, not 1 (a newer velda-do wrote the script?)`)
  const gpu = record(doc.gpu, 'gpu')
  const status: BootStatus = {
    phase: oneOf(doc.phase, PHASES, 'phase') as BootPhase,
    step: oneOf(doc.step, BOOT_STEPS, 'step') as BootStep,
    started_at: time(doc.started_at, 'started_at'),
    updated_at: time(doc.updated_at, 'updated_at'),
    finished_at: doc.finished_at === null ? null : time(doc.finished_at, 'finished_at'),
    exit_code: doc.exit_code === null ? null : integer(doc.exit_code, 'exit_code'),
    gpu: {vendor: stringOf(gpu.vendor, 'gpu.vendor'), check: oneOf(gpu.check, CHECKS, 'gpu.check') as GpuCheck},
    agent_version: stringOf(doc.agent_version, 'agent_version'),
    log_tail: lines(doc.log_tail),
  }
  if ((status.phase === 'failed') !== (status.exit_code !== null)) throw new BootStatusError(`phase ${status.phase} with exit_code ${status.exit_code}`)
  return status
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BootStatusError(`${what} is not an object`)
  return value as Record<string, unknown>
}

function stringOf(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new BootStatusError(`${what} is not a string`)
  return value
}

function oneOf(value: unknown, allowed: readonly string[], what: string): string {
  const given = stringOf(value, what)
  if (!allowed.includes(given)) throw new BootStatusError(`${what} ${JSON.stringify(given)} is not one of ${allowed.join(', ')}`)
  return given
}

function time(value: unknown, what: string): string {
  const given = stringOf(value, what)
  if (!TIME.test(given)) throw new BootStatusError(`${what} ${JSON.stringify(given)} is not a UTC time`)
  return given
}

function integer(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new BootStatusError(`${what} is not a whole number`)
  return value
}

function lines(value: unknown): string[] {
  if (!Array.isArray(value) || value.some((line) => typeof line !== 'string')) throw new BootStatusError('log_tail is not a list of lines')
  return value as string[]
}
