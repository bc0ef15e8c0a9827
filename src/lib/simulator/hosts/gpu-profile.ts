import {readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'

import {assetPath} from '../../system/assets.js'
import {utcSeconds} from '../../text/wire-formats.js'

/**
 * The GPUs of a simulated droplet: what its stand-in `amd-smi` (assets/sim-shims/amd-smi) prints, one of the
 * outputs of assets/sim-gpu/, and the GPU sampler (assets/gpu-sampler.sh, as a real GPU member runs it) takes a
 * sample before each command on the host, as its timer would have. Without a profile the host has no GPU sample.
 * - `busy`: eight GPUs at work; `idle`: eight at rest; `gpu-missing`: seven of eight listed;
 * - `gpu-errors`: one GPU counting uncorrectable ECC errors; `smi-na`: every figure `N/A` (unknown, never idle).
 */
export type GpuProfile = 'busy' | 'idle' | 'gpu-missing' | 'gpu-errors' | 'smi-na'
export const GPU_PROFILES: readonly GpuProfile[] = ['busy', 'idle', 'gpu-missing', 'gpu-errors', 'smi-na']

export interface GpuSetting {
  profile: GpuProfile
  /** Set with `idle_since`: the member's last sample said idle since then, and the next continues it (once). */
  idleSince: number | null
}

/** The `gpu_profile` and `idle_since` of an admin request: a message says what is wrong with them. */
export function parseGpuSetting(given: {gpu_profile?: unknown; idle_since?: unknown}, now: number, current: GpuSetting | undefined): GpuSetting | null | string | undefined {
  if (given.gpu_profile === undefined && given.idle_since === undefined) return undefined
  if (given.gpu_profile === null) return null
  const profile = given.gpu_profile === undefined ? current?.profile : given.gpu_profile
  if (profile === undefined) return 'idle_since needs a gpu_profile (give both, or set the profile first)'
  if (!GPU_PROFILES.includes(profile as GpuProfile)) return `gpu_profile is null or one of ${GPU_PROFILES.join(', ')}`
  let idleSince: number | null = null
  if (given.idle_since !== undefined) {
    if (typeof given.idle_since !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(given.idle_since) || Number.isNaN(Date.parse(given.idle_since))) {
      return 'idle_since is an RFC 3339 time, e.g. "2026-12-04T08:00:00Z"'
    }
    idleSince = Date.parse(given.idle_since)
    if (idleSince > now) return 'idle_since is in the future'
    if (profile !== 'idle') return 'idle_since goes with gpu_profile "idle"'
  }
  return {profile: profile as GpuProfile, idleSince}
}

/**
 * The stand-in amd-smi's output for a profile on a droplet promised `promised` GPUs: assets/sim-gpu/<profile>.json
 * (eight GPUs; `gpu-missing` seven) with as many GPUs as the droplet has (one fewer for `gpu-missing`), printed as
 * amd-smi prints it (Python's json.dumps with an indent of 4, which JSON.stringify matches for these values).
 */
export function gpuOutput(profile: GpuProfile, promised: string): string {
  const text = readFileSync(assetPath(join('sim-gpu', `${profile}.json`)), 'utf8')
  const count = Number(promised)
  if (promised === '' || !Number.isInteger(count) || count < 1 || count === 8) return text
  const document = JSON.parse(text) as {gpu_data: unknown[]}
  const wanted = profile === 'gpu-missing' ? count - 1 : count
  const gpus = Array.from({length: wanted}, (_, index) => ({...(document.gpu_data[index % document.gpu_data.length] as object), gpu: index}))
  // gpu-errors: the GPU that counts errors is kept, whatever the count.
  if (profile === 'gpu-errors' && wanted < 4) gpus[0] = {...(document.gpu_data[3] as object), gpu: 0}
  return `${JSON.stringify({...document, gpu_data: gpus}, null, 4)}\n`
}

/** The GPUs the droplet's boot script says its size promises (its `VELDA_GPU_COUNT`), else the size's own count. */
export function promisedGpus(userData: string | null | undefined, sizeCount: number | undefined): string {
  const rendered = /^\s*VELDA_GPU_COUNT='(\d*)'/m.exec(userData ?? '')
  return rendered ? (rendered[1] ?? '') : String(sizeCount ?? '')
}

/** The sampler's settings, as the boot script writes them to /etc/velda/gpu-sampler.env. */
export function samplerEnv(promised: string): string {
  return `VELDA_GPU_PROMISED=${promised}\nVELDA_GPU_BUSY_UTIL_PCT=5\nVELDA_GPU_BUSY_VRAM_PCT=5\n`
}

/**
 * The sample a member idle since `idleSince` would have left a minute ago, which the sampler's next sample goes
 * on from. `wallNow`: the sampler reads the machine's clock, not the simulator's.
 */
export function idleSample(idleSince: number, promised: string, wallNow: number): string {
  return `${JSON.stringify({
    version: 1, sampled_at: utcSeconds(wallNow - 60_000), tool: 'amd-smi', tool_exit: 0, promised: promised === '' ? null : Number(promised),
    busy_thresholds: {utilization_pct: 5, vram_pct: 5}, busy: false, last_busy_at: utcSeconds(idleSince), idle_since: utcSeconds(idleSince),
    output: gpuOutput('idle', promised), output_cut: false,
  })}\n`
}

/**
 * A host without GPUs (no profile, or one cleared): no stand-in output, no sampler run. A sample file already
 * there stays, as it would on a member whose sampler stopped (and as a member's own process may write one).
 */
export function removeGpu(machineDir: string): void {
  for (const file of ['amd-smi.json', 'gpu.env']) rmSync(join(machineDir, file), {force: true})
}
