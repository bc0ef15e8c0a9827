import {BOOT_STATUS_PATH, type BootStatus, BootStatusError, parseBootStatus} from '../boot/status.js'
import {gpuHealth} from './gpu-health.js'
import {GPU_SAMPLE_PATH, GPU_SAMPLE_READ_BYTES, type GpuSample, GpuSampleError, parseGpuSample} from '../boot/gpu-sample.js'

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
  // The GPU sample (GPU sizes only): read no further than a real one can be, whatever the member left there.
  `echo; echo '${MARK}gpu'`,
  `head -c ${GPU_SAMPLE_READ_BYTES + 1} ${GPU_SAMPLE_PATH} 2>/dev/null`,
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
  /** The GPU sample; null when there is none (a CPU size, a boot script older than the sampler) or it is unreadable. */
  gpu: GpuSample | null
  /** Why the GPU sample could not be read, when there is one but it is not one. */
  gpuError: string | null
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
  let gpu: GpuSample | null = null
  let gpuError: string | null = null
  if (text('gpu')) {
    try {
      gpu = parseGpuSample(text('gpu'))
    } catch (error) {
      if (!(error instanceof GpuSampleError)) throw error
      gpuError = error.message
    }
  }
  const cloudInit = /status:\s*(\S+)/.exec(text('cloud-init'))?.[1] ?? null
  return {boot, bootError, gpu, gpuError, cloudInit, agent: text('agent').split('\n')[0] || null, logTail: (parts.get('log') ?? []).filter((line) => line !== '')}
}

export type Health = 'healthy' | 'booting' | 'boot-failed' | 'agent-down' | 'gpu-missing' | 'gpu-errors' | 'unknown'

/**
 * What the operator wants to know of a member: is its agent running, and if not, why; and once it is, are its GPUs
 * all there and without uncorrectable errors (docs/cli.md, pool status). A member without a GPU sample is judged
 * by its boot and agent alone: a CPU size, or one booted by a velda-do before the sampler.
 */
export function healthOf(probe: Probe): {health: Health; detail: string} {
  const boot = bootHealth(probe)
  if (boot.health !== 'healthy') return boot
  if (probe.gpuError) return {health: 'unknown', detail: `agent active, but the GPU sample (gpu.json) is not one: ${probe.gpuError}`}
  if (!probe.gpu) return boot
  const gpu = gpuHealth(probe.gpu)
  return gpu.health === 'ok' ? boot : {health: gpu.health, detail: gpu.detail}
}

function bootHealth(probe: Probe): {health: Health; detail: string} {
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
