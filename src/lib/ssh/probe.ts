import {BOOT_STATUS_PATH, type BootStatus, BootStatusError, parseBootStatus} from '../boot/status.js'

/**
 * The one command `pool status` runs on a member: fixed, read-only, POSIX sh, one round trip. Each part is
 * marked so that a missing tool (no cloud-init on a custom image) leaves its part empty instead of shifting the
 * others.
 */
const LOG = '/var/log/velda-bootstrap.log'
const MARK = '--- velda-probe:'
export const PROBE_SCRIPT = [
  `echo '${MARK}status'`,
  `cat ${BOOT_STATUS_PATH} 2>/dev/null`,
  `echo; echo '${MARK}cloud-init'`,
  'cloud-init status 2>/dev/null',
  `echo '${MARK}agent'`,
  'systemctl is-active velda-agent 2>/dev/null',
  `echo '${MARK}log'`,
  `tail -n 5 ${LOG} 2>/dev/null`,
  `echo '${MARK}end'`,
].join('; ')

export interface Probe {
  /** The status file; null when there is none yet (the boot script has not started) or it is unreadable. */
  boot: BootStatus | null
  /** Why the status file could not be read, when it exists but is not one. */
  bootError: string | null
  /** `cloud-init status`: `running`, `done`, `error`, ...; null without cloud-init. */
  cloudInit: string | null
  /** `systemctl is-active velda-agent`: `active`, `activating`, `failed`, `inactive`; null without an answer. */
  agent: string | null
  /** The boot log's last lines. */
  logTail: string[]
}

export class ProbeOutputError extends Error {}

export function parseProbe(stdout: string): Probe {
  const parts = new Map<string, string[]>()
  let current: string[] | null = null
  for (const line of stdout.split('\n')) {
    if (line.startsWith(MARK)) {
      current = []
      parts.set(line.slice(MARK.length).trim(), current)
    } else current?.push(line)
  }
  if (!parts.has('end')) throw new ProbeOutputError('the answer ends early: not every part of the probe came back')
  const text = (name: string) => (parts.get(name) ?? []).join('\n').trim()
  let boot: BootStatus | null = null
  let bootError: string | null = null
  if (text('status')) {
    try {
      boot = parseBootStatus(text('status'))
    } catch (error) {
      if (!(error instanceof BootStatusError)) throw error
      bootError = error.message
    }
  }
  const cloudInit = /status:\s*(\S+)/.exec(text('cloud-init'))?.[1] ?? null
  return {boot, bootError, cloudInit, agent: text('agent').split('\n')[0] || null, logTail: (parts.get('log') ?? []).filter((line) => line !== '')}
}

export type Health = 'healthy' | 'booting' | 'boot-failed' | 'agent-down' | 'unknown'

/** What the operator wants to know of a member: is its agent running, and if not, why. */
export function healthOf(probe: Probe): {health: Health; detail: string} {
  const {boot} = probe
  if (boot?.phase === 'failed') return {health: 'boot-failed', detail: `step ${boot.step} failed (exit ${boot.exit_code})`}
  if (boot?.phase === 'running') return {health: 'booting', detail: `step ${boot.step}`}
  if (boot?.phase === 'done') {
    if (probe.agent === 'active') return {health: 'healthy', detail: 'agent active'}
    return {health: 'agent-down', detail: `booted, but the agent is ${probe.agent ?? 'not known to systemd'}`}
  }
  if (probe.bootError) return {health: 'unknown', detail: `status file: ${probe.bootError}`}
  if (probe.cloudInit === 'error') return {health: 'boot-failed', detail: 'cloud-init failed before the boot script ran'}
  if (probe.cloudInit === 'done') return {health: 'unknown', detail: 'cloud-init is done but the boot script left no status (not a velda-do droplet?)'}
  return {health: 'booting', detail: 'the boot script has not started'}
}
