import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import PoolTop from '../../../src/commands/pool/top.js'
import {fakeFactory, runCommand, sshAnswer} from '../../support/command.js'
import {probeAnswer} from '../../support/member-answers.js'
import {cpuPoolWith} from '../../support/pool-fixture.js'

const output = (profile: string) => readFileSync(new URL(`../../../assets/sim-gpu/${profile}.json`, import.meta.url), 'utf8')
const sample = (profile: string, fields: Record<string, unknown>) =>
  JSON.stringify({
    version: 1, sampled_at: '2026-12-04T11:59:00Z', tool: 'amd-smi', tool_exit: 0, promised: 8, busy_thresholds: {utilization_pct: 5, vram_pct: 5},
    busy: false, last_busy_at: null, idle_since: null, output_cut: false, output: output(profile), ...fields,
  })
/** The fake clock's now is 12:00:00: the idle member has been idle since 09:50. */
const IDLE = sample('idle', {busy: false, idle_since: '2026-12-04T09:50:00Z', last_busy_at: '2026-12-04T09:49:00Z'})
const BUSY = sample('busy', {busy: true, last_busy_at: '2026-12-04T11:59:00Z'})

const answers = new Map([
  ['203.0.113.10', probeAnswer({gpu: BUSY})],
  ['203.0.113.11', probeAnswer({gpu: IDLE})],
])
const ssh = {run: async (args: readonly string[]) => sshAnswer({stdout: answers.get(args.find((arg) => answers.has(arg)) ?? '') ?? ''})}

describe('pool top (the command, with a fake API and fake ssh)', () => {
  it('on a pipe: one sample, one line a member (its GPUs summed, the hottest, how long idle), exit 0', async () => {
    const {config, api} = await cpuPoolWith(2, 'top-pipe')
    const run = await runCommand(PoolTop, ['cpu', '-c', config], {api, ssh})
    expect(run.status, run.stderr).toBe(0)
    const lines = run.stdout.split('\n')
    expect(lines[0]).toMatch(/^NAME +STATE +GPUS +UTIL +VRAM +TEMP +POWER +ECC +IDLE +DETAIL$/)
    expect(lines[1]).toMatch(/ healthy +8\/8 +97% +1328\/1536G +71C +4896W +0 +busy +agent active$/)
    expect(lines[2]).toMatch(/ healthy +8\/8 +0% +2\/1536G +38C +1104W +0 +idle 2h10m +agent active$/)
    expect(run.stdout).toContain('2 of 2 members healthy; GPUs busy on 1, idle on 1\n')
    expect(run.stdout).not.toContain('\u001b')
  })

  it('a member whose last sample is over 3 minutes old: IDLE says how stale, not how idle', async () => {
    const {config, api} = await cpuPoolWith(1, 'top-stale')
    const stale = sample('idle', {sampled_at: '2026-12-04T11:48:00Z', busy: false, idle_since: '2026-12-04T09:50:00Z'})
    const run = await runCommand(PoolTop, ['cpu', '-c', config], {api, ssh: {run: async () => sshAnswer({stdout: probeAnswer({gpu: stale})})}})
    expect(run.stdout.split('\n')[1]).toMatch(/ 0 +stale 12m +agent active$/)
  })

  it('--gpus: a line for each GPU under its member', async () => {
    const {config, api} = await cpuPoolWith(2, 'top-gpus')
    const run = await runCommand(PoolTop, ['cpu', '-c', config, '--gpus'], {api, ssh})
    const gpuLines = run.stdout.split('\n').filter((line) => line.startsWith('  gpu '))
    expect(gpuLines).toHaveLength(16)
    expect(gpuLines[0]).toMatch(/^ {2}gpu 0 +100% +166\/192G +71C +612W +0 *$/)
    expect(gpuLines[8]).toMatch(/^ {2}gpu 0 +0% +0\/192G +38C +138W +0 *$/)
  })

  it('--json: one sample, the members with their GPU figures', async () => {
    const {config, api} = await cpuPoolWith(2, 'top-json')
    const run = await runCommand(PoolTop, ['cpu', '-c', config, '--json'], {api, ssh, tty: true})
    expect(run.status).toBe(0)
    const {members} = JSON.parse(run.stdout)
    expect(members.map((m: {gpu: {busy: boolean; idle_since: string | null}}) => [m.gpu.busy, m.gpu.idle_since])).toEqual([[true, null], [false, '2026-12-04T09:50:00Z']])
    expect(members[0].gpu.gpus).toHaveLength(8)
  })

  it('on a terminal: a sample redrawn every --interval until Ctrl-C, which ends it with exit 0', async () => {
    const {config, api} = await cpuPoolWith(2, 'top-live')
    const factory = fakeFactory({api, tty: true, columns: 200})
    let probes = 0
    factory.ssh.run = async (args) => {
      probes++
      // The third sample is under way when Ctrl-C comes: its probes are ended, and it is not drawn.
      if (probes === 5) factory.signals.emit('SIGINT')
      return ssh.run(args)
    }
    const run = await runCommand(PoolTop, ['cpu', '-c', config, '--interval', '2s'], factory)
    expect(run.status, run.stderr).toBe(0)
    const frames = run.stdout.split('\u001b[H\u001b[2J').slice(1)
    expect(frames).toHaveLength(2)
    for (const frame of frames) {
      expect(frame).toMatch(/^pool cpu at 2026-12-04T12:00:00Z: every 2s, Ctrl-C ends\n\nNAME +STATE /)
      expect(frame).toContain('2 of 2 members healthy; GPUs busy on 1, idle on 1\n')
    }
    expect(factory.sleeps).toEqual([2000, 2000])
    expect(run.stderr).not.toMatch(/SIGINT|finishing/)
  })

  it('on a pipe, SIGTERM while the probes run ends them and exits 143, every member listed (only the live view ends with 0)', async () => {
    const {config, api} = await cpuPoolWith(2, 'top-pipe-stopped')
    const stopped = () => {
      const factory = fakeFactory({api})
      factory.ssh.run = (_args, options) =>
        new Promise((resolve) => {
          options.signal?.addEventListener('abort', () => resolve(sshAnswer({status: null, aborted: true})))
          factory.signals.emit('SIGTERM')
        })
      return factory
    }
    const run = await runCommand(PoolTop, ['cpu', '-c', config, '--json'], stopped())
    expect(run.status).toBe(143)
    const output = JSON.parse(run.stdout)
    expect(output.members.map((m: {state: string}) => m.state)).toEqual(['not-probed', 'not-probed'])
    expect(output.error.signal).toBe('SIGTERM')
    const table = await runCommand(PoolTop, ['cpu', '-c', config], stopped())
    expect(table.status).toBe(143)
    expect(table.stdout).toMatch(/^NAME +STATE .*\n.* not-probed /)
  })

  it('refuses an --interval under a second, naming the flag', async () => {
    const {config, api} = await cpuPoolWith(1, 'top-interval')
    const run = await runCommand(PoolTop, ['cpu', '-c', config, '--interval', '100ms'], {api, ssh})
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(/--interval/)
  })
})
