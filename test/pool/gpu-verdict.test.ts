import {describe, expect, it} from 'vitest'

import type {GpuSample} from '../../src/lib/boot/gpu-sample.js'
import {type GpuVerdict, gpuVerdict} from '../../src/lib/pool/gpu-verdict.js'
import type {MemberStatus} from '../../src/lib/pool/pool-status.js'

const NOW = Date.parse('2026-12-04T12:00:00Z')
const at = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString().replace('.000Z', 'Z')

function sample(fields: Partial<GpuSample>): GpuSample {
  return {
    sampled_at: at(1), tool: 'amd-smi', promised: 8, seen: 8, thresholds: {utilization_pct: 5, vram_pct: 5},
    busy: false, last_busy_at: null, idle_since: null, gpus: [], problem: null, ...fields,
  }
}

function member(fields: Partial<MemberStatus>): MemberStatus {
  return {id: 1, name: 'velda-1', status: 'active', address: '203.0.113.10', state: 'healthy', detail: 'agent active', boot: null, gpu: null, agent: 'active', last_line: null, ...fields}
}

const IDLE_1H = {now: NOW, idleMs: 60 * 60_000, unhealthy: false}
const UNHEALTHY = {now: NOW, idleMs: null, unhealthy: true}
const BOTH = {now: NOW, idleMs: 60 * 60_000, unhealthy: true}

describe('what --idle and --unhealthy make of a member\'s probe', () => {
  // The member as probed, the flags, and the verdict.
  it.each<[string, Partial<MemberStatus>, typeof BOTH | typeof IDLE_1H | typeof UNHEALTHY, GpuVerdict]>([
    ['idle for 2h10m by its own sample, --idle 1h: idle, for the time its own clock says',
      {gpu: sample({sampled_at: at(1), idle_since: at(131)})}, IDLE_1H, {kind: 'idle', idleMs: 130 * 60_000, detail: 'GPUs idle for 2h10m'}],
    ['idle exactly --idle long: idle', {gpu: sample({sampled_at: at(0), idle_since: at(60)})}, IDLE_1H, {kind: 'idle', idleMs: 60 * 60_000, detail: 'GPUs idle for 1h'}],
    ['idle a minute less than --idle: left', {gpu: sample({sampled_at: at(0), idle_since: at(59)})}, IDLE_1H, {kind: 'fine'}],
    ['busy: left', {gpu: sample({busy: true, last_busy_at: at(1)})}, IDLE_1H, {kind: 'fine'}],
    ['an unknown sample (N/A): kept, unknown', {gpu: sample({busy: null})}, IDLE_1H,
      {kind: 'unknown', detail: 'unknown sample', why: 'a GPU figure the tool reports as N/A (an unknown sample never counts as idle)'}],
    ['no sample could be taken (no python3): kept, unknown, the sampler\'s reason', {gpu: sample({busy: null, seen: null, problem: 'python3 not found'})}, IDLE_1H,
      {kind: 'unknown', detail: 'unknown sample', why: 'python3 not found'}],
    ['idle but no idle_since (not what a sampler writes): kept, unknown', {gpu: sample({busy: false, idle_since: null})}, IDLE_1H,
      {kind: 'unknown', detail: 'unknown sample', why: 'a GPU figure the tool reports as N/A (an unknown sample never counts as idle)'}],
    ['idle for days but the sample is 12 minutes old: kept, stale', {gpu: sample({sampled_at: at(12), idle_since: at(5000)})}, IDLE_1H,
      {kind: 'unknown', detail: 'stale sample', why: 'the last was taken 12m ago (its sampler has stopped, or its clock is off)'}],
    ['a sample 3 minutes old is not stale yet', {gpu: sample({sampled_at: at(3), idle_since: at(200)})}, IDLE_1H, {kind: 'idle', idleMs: 197 * 60_000, detail: 'GPUs idle for 3h17m'}],
    ['a sample from 10 minutes ahead: the member\'s clock is off, kept', {gpu: sample({sampled_at: at(-10), idle_since: at(300)})}, IDLE_1H,
      {kind: 'unknown', detail: 'stale sample', why: 'it was taken 10m ahead of this machine\'s clock (the member\'s clock is off)'}],
    ['no sample (booting): kept, unknown', {state: 'booting', detail: 'step packages', gpu: null}, BOTH,
      {kind: 'unknown', detail: 'no sample', why: 'no GPU sample on the member (booting: step packages)'}],
    ['unreachable: kept, with ssh\'s reason', {state: 'refused', detail: 'Connection refused'}, BOTH, {kind: 'unknown', detail: 'unreachable', why: 'refused: Connection refused'}],
    ['timed out: kept', {state: 'timeout', detail: 'no answer within 30s'}, IDLE_1H, {kind: 'unknown', detail: 'unreachable', why: 'timeout: no answer within 30s'}],
    ['no address yet: kept', {state: 'no-address', detail: 'droplet is new', address: null}, IDLE_1H, {kind: 'unknown', detail: 'unreachable', why: 'no-address: droplet is new'}],
    ['stopped before its probe: kept', {state: 'not-probed', detail: 'stopped before probing it'}, IDLE_1H, {kind: 'unknown', detail: 'unreachable', why: 'not-probed: stopped before probing it'}],
    ['a sample that is not one: kept, unreadable', {state: 'unknown', detail: 'agent active, but the GPU sample (gpu.json) is not one: not JSON', gpu: null}, BOTH,
      {kind: 'unknown', detail: 'unreadable', why: 'unknown: agent active, but the GPU sample (gpu.json) is not one: not JSON'}],
    ['an answer too large to read: kept, unreadable', {state: 'output-too-large', detail: 'answered with more than 1 MiB'}, BOTH,
      {kind: 'unknown', detail: 'unreadable', why: 'output-too-large: answered with more than 1 MiB'}],
    ['a GPU missing, --unhealthy: unhealthy, pool status\'s detail', {state: 'gpu-missing', detail: '1 of 8 GPUs missing', gpu: sample({seen: 7, busy: true})}, UNHEALTHY,
      {kind: 'unhealthy', detail: '1 of 8 GPUs missing'}],
    ['uncorrectable errors, --unhealthy: unhealthy', {state: 'gpu-errors', detail: '2 uncorrectable ECC errors on GPU 3', gpu: sample({busy: true})}, UNHEALTHY,
      {kind: 'unhealthy', detail: '2 uncorrectable ECC errors on GPU 3'}],
    ['a GPU missing, --idle alone, busy: left', {state: 'gpu-missing', detail: '1 of 8 GPUs missing', gpu: sample({seen: 7, busy: true})}, IDLE_1H, {kind: 'fine'}],
    ['unhealthy and idle, both flags: unhealthy says more', {state: 'gpu-errors', detail: '1 uncorrectable ECC error on GPU 0', gpu: sample({idle_since: at(300)})}, BOTH,
      {kind: 'unhealthy', detail: '1 uncorrectable ECC error on GPU 0'}],
    ['a GPU missing on a stale sample: kept, stale (the GPU may be back)', {state: 'gpu-missing', detail: '1 of 8 GPUs missing', gpu: sample({sampled_at: at(30), seen: 7})}, UNHEALTHY,
      {kind: 'unknown', detail: 'stale sample', why: 'the last was taken 30m ago (its sampler has stopped, or its clock is off)'}],
    ['healthy, --unhealthy alone, an N/A sample: left (read, and healthy)', {gpu: sample({busy: null})}, UNHEALTHY, {kind: 'fine'}],
    ['the agent down with a GPU sample: not --unhealthy\'s (not a GPU state)', {state: 'agent-down', detail: 'booted, but the agent is failed', gpu: sample({busy: true})}, UNHEALTHY, {kind: 'fine'}],
  ])('%s', (_name, fields, options, verdict) => {
    expect(gpuVerdict(member(fields), options)).toEqual(verdict)
  })
})
