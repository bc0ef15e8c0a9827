import {STALE_SAMPLE_MS} from '../boot/gpu-sample.js'
import {formatSpan} from '../text/duration.js'
import type {MemberStatus} from './pool-status.js'

/**
 * What `pool reap --idle` / `--unhealthy` make of one member's probe (pure): reap it as `idle` or `unhealthy`,
 * leave it (`fine`: read, and neither), or `unknown`: its GPU state could not be read, and a member nobody can see
 * is never deleted on a guess. The decision is the member's own sample's (`idle_since`, which its sampler keeps
 * whether or not velda-do runs), never velda-do's memory of earlier runs.
 */
export type GpuVerdict =
  | {kind: 'idle'; idleMs: number; detail: string}
  | {kind: 'unhealthy'; detail: string}
  | {kind: 'unknown'; detail: UnknownGpuState; why: string}
  | {kind: 'fine'}

/** Why a member's GPU state could not be read: the words of `kept: unknown` in the output. */
export type UnknownGpuState = 'unreachable' | 'unreadable' | 'no sample' | 'stale sample' | 'unknown sample'

export interface GpuReapOptions {
  now: number
  /** `--idle`: how long the GPUs must have been idle; null without the flag. */
  idleMs: number | null
  /** `--unhealthy`: take members pool status calls gpu-missing or gpu-errors. */
  unhealthy: boolean
}

/** States in which the probe never ran, or ran and got no answer to read. */
const NOT_ANSWERED = new Set<MemberStatus['state']>(['refused', 'timeout', 'unreachable', 'host-key-changed', 'auth-failed', 'ssh-error', 'no-address', 'bad-address', 'not-probed'])

export function gpuVerdict(member: MemberStatus, options: GpuReapOptions): GpuVerdict {
  if (NOT_ANSWERED.has(member.state)) return {kind: 'unknown', detail: 'unreachable', why: `${member.state}: ${member.detail}`}
  // An answer too large to read, or a status or sample that is not one: nothing of it is believed.
  if (member.state === 'output-too-large' || member.state === 'unknown') return {kind: 'unknown', detail: 'unreadable', why: `${member.state}: ${member.detail}`}
  const sample = member.gpu
  if (sample === null) return {kind: 'unknown', detail: 'no sample', why: `no GPU sample on the member (${member.state}: ${member.detail})`}
  const age = options.now - Date.parse(sample.sampled_at)
  if (age > STALE_SAMPLE_MS) return {kind: 'unknown', detail: 'stale sample', why: `the last was taken ${formatSpan(age)} ago (its sampler has stopped, or its clock is off)`}
  if (-age > STALE_SAMPLE_MS) return {kind: 'unknown', detail: 'stale sample', why: `it was taken ${formatSpan(-age)} ahead of this machine's clock (the member's clock is off)`}
  // pool status's judgement, which only a booted member with its agent active gets: a GPU whose driver is still
  // loading at boot is not a missing one.
  if (options.unhealthy && (member.state === 'gpu-missing' || member.state === 'gpu-errors')) return {kind: 'unhealthy', detail: member.detail}
  if (options.idleMs === null || sample.busy === true) return {kind: 'fine'}
  if (sample.busy === null || sample.idle_since === null) {
    return {kind: 'unknown', detail: 'unknown sample', why: sample.problem ?? 'a GPU figure the tool reports as N/A (an unknown sample never counts as idle)'}
  }
  // Both times are the member's own clock: how long it has been idle does not lean on this machine's clock agreeing.
  const idleMs = Math.max(0, Date.parse(sample.sampled_at) - Date.parse(sample.idle_since))
  return idleMs >= options.idleMs ? {kind: 'idle', idleMs, detail: `GPUs idle for ${formatSpan(idleMs)}`} : {kind: 'fine'}
}
