import {readFileSync} from 'node:fs'

import {assetPath} from '../../system/assets.js'
import type {BootStatus, BootStep, GpuCheck} from '../../boot/status.js'
import {utcSeconds} from '../../text/wire-formats.js'

/**
 * The boot of a simulated droplet, as its status file, log and agent would show it at a moment: the same steps
 * as assets/bootstrap.sh, spread over `bootMs` from the moment the droplet turns active, ending as the droplet's
 * boot profile says. Pure: the hosts write what this returns into the droplet's files when asked.
 */
export type BootProfile = 'ok' | 'apt-fails' | 'agent-404' | 'no-gpu' | 'agent-crash-loop'
export const BOOT_PROFILES: readonly BootProfile[] = ['ok', 'apt-fails', 'agent-404', 'no-gpu', 'agent-crash-loop']

export interface SimulatedMachine {
  /** The status file's text; null before the boot script starts. */
  statusFile: string | null
  log: string[]
  /** What `systemctl is-active velda-agent` prints. */
  agent: 'active' | 'activating' | 'inactive'
  /** What `cloud-init status` prints after `status: `. */
  cloudInit: 'running' | 'done' | 'error'
}

export interface BootInput {
  profile: BootProfile
  gpuVendor: 'amd' | 'nvidia' | 'none'
  agentVersion: string
  /** When the droplet turned active (ms since the epoch). */
  activeAt: number
  now: number
  /** From active to agent running; the steps share it evenly. */
  bootMs: number
  /**
   * The boot script it runs (its user data): a failure names the line of it where the failing command is, as
   * bash's ERR trap does. Absent, or a script that is not velda-do's: the line in assets/bootstrap.sh.
   */
  script?: string | null
}

const STEPS: readonly BootStep[] = ['packages', 'agent-config', 'gpu', 'agent', 'service']
/** cloud-init's own start, before it runs the user data: the first tenth of the boot. */
const CLOUD_INIT_SHARE = 0.1

/**
 * How each failing profile fails: in which step, with which exit code and output, and the command of that step that
 * fails (found by what it does, not by its line number, so that edits to the boot script move the line along).
 */
const FAILURE: Partial<Record<BootProfile, {step: BootStep; command: RegExp; code: number; lines: string[]}>> = {
  'apt-fails': {
    step: 'packages',
    // The call of apt_install, not its definition (`apt_install() {`).
    command: /^\s*apt_install\s/,
    code: 1,
    lines: [
      'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 1187 (unattended-upgr)',
      'velda-bootstrap: could not install curl nfs-common',
    ],
  },
  'agent-404': {step: 'agent', command: /\bcurl\b.*"\$VELDA_AGENT_URL"/, code: 22, lines: ['curl: (22) The requested URL returned error: 404']},
}


export function simulateBoot(input: BootInput): SimulatedMachine {
  const elapsed = input.now - input.activeAt
  const started = input.activeAt + CLOUD_INIT_SHARE * input.bootMs
  if (elapsed < CLOUD_INIT_SHARE * input.bootMs) return {statusFile: null, log: [], agent: 'inactive', cloudInit: 'running'}
  const stepMs = ((1 - CLOUD_INIT_SHARE) * input.bootMs) / STEPS.length
  const reached = stepMs === 0 ? STEPS.length : Math.min(STEPS.length, Math.floor((input.now - started) / stepMs))
  const failure = FAILURE[input.profile]
  const failedAt = failure ? STEPS.indexOf(failure.step) : -1
  const log = [`${utcSeconds(started)} velda-bootstrap: bootstrapping Velda agent ${input.agentVersion}`]
  const gpuCheck: GpuCheck = input.gpuVendor === 'none' ? 'skipped' : input.profile === 'no-gpu' ? 'missing' : 'ok'
  for (let i = 0; i <= Math.min(reached, STEPS.length - 1); i++) {
    const at = started + i * stepMs
    log.push(`${utcSeconds(at)} velda-bootstrap: step: ${STEPS[i]}`)
    if (i === failedAt && failure) {
      const end = at + stepMs / 2
      if (input.now < end) break
      const line = failingLine(input.script ?? '', failure.step, failure.command) ?? stockFailingLine(failure.step, failure.command)
      log.push(...failure.lines, `${utcSeconds(end)} velda-bootstrap: FAILED in step ${failure.step} at line ${line} (exit code ${failure.code})`)
      const status = document(input, {phase: 'failed', step: failure.step, startedAt: started, updatedAt: end, finishedAt: end, exitCode: failure.code, gpuCheck, logTail: log.slice(-20)})
      return {statusFile: status, log, agent: 'inactive', cloudInit: 'error'}
    }
  }
  if (reached < STEPS.length) {
    const step = STEPS[reached] ?? 'service'
    return {statusFile: document(input, {phase: 'running', step, startedAt: started, updatedAt: started + reached * stepMs, finishedAt: null, exitCode: null, gpuCheck, logTail: []}), log, agent: 'inactive', cloudInit: 'running'}
  }
  const end = started + STEPS.length * stepMs
  log.push(`${utcSeconds(end)} velda-bootstrap: done: the Velda agent is starting`)
  const agent = input.profile === 'agent-crash-loop' ? 'activating' : 'active'
  return {statusFile: document(input, {phase: 'done', step: 'done', startedAt: started, updatedAt: end, finishedAt: end, exitCode: null, gpuCheck, logTail: []}), log, agent, cloudInit: 'done'}
}

/** The line (from 1) of the first command matching `command` after the script's `step <step>`; null when there is none. */
export function failingLine(script: string, step: BootStep, command: RegExp): number | null {
  const lines = script.split('\n')
  const stepAt = lines.findIndex((line) => line.trim() === `step ${step}`)
  if (stepAt < 0) return null
  const after = lines.slice(stepAt + 1).findIndex((line) => command.test(line))
  return after < 0 ? null : stepAt + 2 + after
}

let stockScript: string | undefined

/** The line in assets/bootstrap.sh itself: a droplet whose user data is not velda-do's boot script (seeded, say). */
function stockFailingLine(step: BootStep, command: RegExp): number {
  stockScript ??= readFileSync(assetPath('bootstrap.sh'), 'utf8')
  const line = failingLine(stockScript, step, command)
  if (line === null) throw new Error(`assets/bootstrap.sh has no step ${step} with a command matching ${command}: the simulated boot cannot say where it fails`)
  return line
}

function document(
  input: BootInput,
  state: {phase: BootStatus['phase']; step: BootStep; startedAt: number; updatedAt: number; finishedAt: number | null; exitCode: number | null; gpuCheck: GpuCheck; logTail: string[]},
): string {
  return `${JSON.stringify({
    version: 1,
    phase: state.phase,
    step: state.step,
    started_at: utcSeconds(state.startedAt),
    updated_at: utcSeconds(state.updatedAt),
    finished_at: state.finishedAt === null ? null : utcSeconds(state.finishedAt),
    exit_code: state.exitCode,
    gpu: {vendor: input.gpuVendor, check: state.gpuCheck},
    agent_version: input.agentVersion,
    log_tail: state.logTail,
  })}\n`
}
