import {describe, expect, it} from 'vitest'

import {parseBootStatus} from '../../src/lib/boot/status.js'
import {type BootProfile, simulateBoot} from '../../src/lib/simulator/hosts/boot-timeline.js'

const ACTIVE = Date.UTC(2026, 10, 28, 21, 0, 0)
const at = (profile: BootProfile, seconds: number, gpuVendor: 'amd' | 'none' = 'amd') =>
  simulateBoot({profile, gpuVendor, agentVersion: '1.0.0', activeAt: ACTIVE, now: ACTIVE + seconds * 1000, bootMs: 10_000})
const status = (machine: ReturnType<typeof simulateBoot>) => (machine.statusFile === null ? null : parseBootStatus(machine.statusFile))

describe('a simulated droplet boots as the boot script would, over time', () => {
  it('ok: cloud-init first, then each step, then done with the agent active', () => {
    expect(at('ok', 0.5)).toMatchObject({statusFile: null, cloudInit: 'running', agent: 'inactive'})
    expect(status(at('ok', 1))).toMatchObject({phase: 'running', step: 'packages'})
    expect(status(at('ok', 5))).toMatchObject({phase: 'running', step: 'gpu'})
    expect(status(at('ok', 8.5))).toMatchObject({phase: 'running', step: 'service'})
    const done = at('ok', 10)
    expect(status(done)).toMatchObject({phase: 'done', step: 'done', finished_at: '2026-11-28T21:00:10Z', gpu: {vendor: 'amd', check: 'ok'}})
    expect(done).toMatchObject({agent: 'active', cloudInit: 'done'})
    expect(done.log.at(-1)).toBe('2026-11-28T21:00:10Z velda-bootstrap: done: the Velda agent is starting')
  })

  it.each([
    ['apt-fails', 'packages', 1, /Could not get lock/],
    ['agent-404', 'agent', 22, /curl: \(22\) The requested URL returned error: 404/],
  ] as const)('%s: fails in step %s with exit %d and the log tail, and stays failed', (profile, step, code, line) => {
    for (const seconds of [9, 60]) {
      const machine = at(profile, seconds)
      const failed = status(machine)
      expect(failed).toMatchObject({phase: 'failed', step, exit_code: code})
      expect(failed?.log_tail.join('\n')).toMatch(line)
      expect(machine).toMatchObject({agent: 'inactive', cloudInit: 'error'})
    }
  })

  it('no-gpu: boots, with the GPU check missing; on a CPU size the check is skipped', () => {
    expect(status(at('no-gpu', 10))).toMatchObject({phase: 'done', gpu: {vendor: 'amd', check: 'missing'}})
    expect(status(at('ok', 10, 'none'))).toMatchObject({gpu: {vendor: 'none', check: 'skipped'}})
  })

  it('agent-crash-loop: boots, but the agent never gets past activating', () => {
    expect(at('agent-crash-loop', 60)).toMatchObject({agent: 'activating', cloudInit: 'done'})
  })

  it('an instant boot (bootMs 0) is done the moment the droplet is active', () => {
    const machine = simulateBoot({profile: 'ok', gpuVendor: 'none', agentVersion: '1.0.0', activeAt: ACTIVE, now: ACTIVE, bootMs: 0})
    expect(status(machine)).toMatchObject({phase: 'done'})
    expect(machine.agent).toBe('active')
  })
})
