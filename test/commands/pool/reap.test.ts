import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import PoolReap from '../../../src/commands/pool/reap.js'
import {fakeFactory, runCommand, sshAnswer} from '../../support/command.js'
import {CPU_DROPLET} from '../../support/configs.js'
import {probeAnswer} from '../../support/member-answers.js'
import {cpuPoolWith, gpuPoolWith} from '../../support/pool-fixture.js'

const NOW = Date.parse('2026-12-04T12:00:00Z')

describe('pool reap (the command, with a fake API and clock)', () => {
  it('deletes a member still `new` past --stuck-after and leaves the active ones', async () => {
    const {config, api} = await cpuPoolWith(3, 'reap')
    const [stuck] = api.droplets
    if (!stuck) throw new Error('the fixture made no member')
    // Created an hour before the test's clock, and never became active.
    Object.assign(stuck, {status: 'new', public_ipv4: null, created_at: new Date(NOW - 60 * 60_000).toISOString()})
    const run = await runCommand(PoolReap, ['cpu', '--yes', '--stuck-after', '30m', '-c', config, '--json'], {api, now: () => NOW})
    expect(run.status).toBe(0)
    expect(api.callsOf('deleteDroplet')).toEqual([[stuck.id]])
    expect(api.droplets.map((d) => d.id)).not.toContain(stuck.id)
  })

  it('a member younger than --stuck-after is left alone', async () => {
    const {config, api} = await cpuPoolWith(1, 'reap-young')
    const [member] = api.droplets
    if (!member) throw new Error('the fixture made no member')
    Object.assign(member, {status: 'new', created_at: new Date(NOW - 5 * 60_000).toISOString()})
    const run = await runCommand(PoolReap, ['cpu', '--yes', '--stuck-after', '30m', '-c', config], {api, now: () => NOW})
    expect(run.status).toBe(0)
    expect(api.callsOf('deleteDroplet')).toEqual([])
  })

  it('without --yes and without a terminal: exit 2 when there is something to delete, after looking; nothing deleted', async () => {
    const {config, api} = await cpuPoolWith(2, 'reap-refused')
    const [stuck] = api.droplets
    if (!stuck) throw new Error('the fixture made no member')
    Object.assign(stuck, {status: 'new', public_ipv4: null, created_at: new Date(NOW - 60 * 60_000).toISOString()})
    const run = await runCommand(PoolReap, ['cpu', '-c', config], {api, now: () => NOW})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('Error: pool reap deletes droplets: without a terminal to confirm on, pass --yes (it would delete 1 droplet; nothing was deleted)')
    expect(api.callsOf('deleteDroplet')).toEqual([])
    expect(api.droplets).toHaveLength(2)
  })

  it('nothing to reap needs no --yes, even without a terminal: exit 0, `nothing to reap`', async () => {
    const {config, api} = await cpuPoolWith(2, 'reap-nothing')
    const run = await runCommand(PoolReap, ['cpu', '-c', config], {api, now: () => NOW})
    expect(run.status).toBe(0)
    expect(run.stderr).toContain('nothing to reap')
    expect(run.stderr).not.toContain('--yes')
    expect(api.callsOf('deleteDroplet')).toEqual([])
    const json = await runCommand(PoolReap, ['--all', '-c', config, '--json'], {api, now: () => NOW})
    expect([json.status, JSON.parse(json.stdout)]).toEqual([0, {reaped: [], failed: [], kept: []}])
  })
})

const gpuOutput = (profile: string) => readFileSync(new URL(`../../../assets/sim-gpu/${profile}.json`, import.meta.url), 'utf8')
/** A member's GPU sample, taken a minute before the test's clock (12:00), on 8 promised GPUs. */
const sample = (profile: string, fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    version: 1, sampled_at: '2026-12-04T11:59:00Z', tool: 'amd-smi', tool_exit: 0, promised: 8, busy_thresholds: {utilization_pct: 5, vram_pct: 5},
    busy: false, last_busy_at: null, idle_since: null, output_cut: false, output: gpuOutput(profile), ...fields,
  })
/** Idle since 09:49 by its own clock: 2h10m at its last sample. */
const IDLE = sample('idle', {idle_since: '2026-12-04T09:49:00Z', last_busy_at: '2026-12-04T09:48:00Z'})
const IDLE_20M = sample('idle', {idle_since: '2026-12-04T11:39:00Z'})
const BUSY = sample('busy', {busy: true, last_busy_at: '2026-12-04T11:59:00Z'})
const MISSING = sample('gpu-missing', {busy: true, last_busy_at: '2026-12-04T11:59:00Z'})
const NA = sample('smi-na', {busy: null})
const STALE = sample('idle', {sampled_at: '2026-12-04T11:48:00Z', idle_since: '2026-12-04T06:00:00Z'})

/** Fake ssh: each member's answer by its address (203.0.113.10 onwards, in the order pool up made them). */
function membersAnswer(answers: (string | 'refused')[]) {
  const calls: string[] = []
  const run = async (args: readonly string[]) => {
    const index = args.findIndex((arg) => /^203\.0\.113\.\d+$/.test(arg))
    const address = args[index] ?? ''
    calls.push(address)
    const answer = answers[Number(address.split('.')[3]) - 10]
    if (answer === undefined) throw new Error(`no answer for ${address}`)
    return answer === 'refused' ? sshAnswer({status: 255, stderr: `ssh: connect to host ${address} port 22: Connection refused\n`}) : sshAnswer({stdout: probeAnswer({gpu: answer})})
  }
  return {ssh: {run}, calls}
}

describe('pool reap --idle and --unhealthy (the command, with a fake API, fake ssh and clock)', () => {
  it('--dry-run: the idle and the unhealthy members with how long and what is wrong; a busy one left; an unreachable, an N/A and a stale one kept as unknown, with why', async () => {
    const {config, api} = await gpuPoolWith(6, 'reap-idle-dry')
    const {ssh, calls} = membersAnswer([IDLE, BUSY, 'refused', MISSING, NA, STALE])
    const run = await runCommand(PoolReap, ['gpu', '--idle', '1h', '--unhealthy', '--dry-run', '-c', config], {api, ssh, now: () => NOW})
    expect(run.status, run.stderr).toBe(0)
    const [idle, , refused, missing, na, stale] = api.droplets
    const lines = run.stdout.split('\n')
    expect(lines[0]).toBe('would reap 2 droplets (nothing deleted):')
    expect(lines[1]).toMatch(/^POOL +NAME +ID +STATUS +AGE +EXPIRES +REASON$/)
    expect(lines[2]).toMatch(new RegExp(`^gpu +${missing?.name} +${missing?.id} .* unhealthy: 1 of 8 GPUs missing$`))
    expect(lines[3]).toMatch(new RegExp(`^gpu +${idle?.name} +${idle?.id} .* idle: GPUs idle for 2h10m$`))
    expect(lines.slice(4)).toEqual([
      `kept ${refused?.name} (${refused?.id}), unknown: unreachable: refused: ssh: connect to host 203.0.113.12 port 22: Connection refused`,
      `kept ${na?.name} (${na?.id}), unknown: unknown sample: a GPU figure the tool reports as N/A (an unknown sample never counts as idle)`,
      `kept ${stale?.name} (${stale?.id}), unknown: stale sample: the last was taken 12m ago (its sampler has stopped, or its clock is off)`,
      '',
    ])
    // One probe a member, and nothing deleted.
    expect(calls).toHaveLength(6)
    expect(api.callsOf('deleteDroplet')).toEqual([])
  })

  it('at a terminal the prompt shows the same reasons; "n" deletes nothing (exit 130)', async () => {
    const {config, api} = await gpuPoolWith(3, 'reap-idle-ask')
    const {ssh} = membersAnswer([IDLE, BUSY, MISSING])
    const run = await runCommand(PoolReap, ['gpu', '--idle', '2h', '--unhealthy', '-c', config], {api, ssh, now: () => NOW, tty: true, columns: 200, stdin: 'n\n'})
    expect(run.status).toBe(130)
    expect(run.stderr).toMatch(/ unhealthy: 1 of 8 GPUs missing\n.* idle: GPUs idle for 2h10m\n/)
    expect(run.stderr).toContain('Delete these 2 droplets? [y/N]')
    expect(api.callsOf('deleteDroplet')).toEqual([])
  })

  it('from cron (--yes --json, no terminal): deletes exactly the idle ones past --idle; the reasons and the kept unknown in the document', async () => {
    const {config, api} = await gpuPoolWith(4, 'reap-idle-cron')
    const {ssh} = membersAnswer([IDLE, IDLE_20M, BUSY, 'refused'])
    const [idle, young, , refused] = api.droplets
    const run = await runCommand(PoolReap, ['--all', '--idle', '1h', '--yes', '--json', '-c', config], {api, ssh, now: () => NOW})
    expect(run.status, run.stderr).toBe(0)
    expect(api.callsOf('deleteDroplet')).toEqual([[idle?.id]])
    expect(JSON.parse(run.stdout)).toEqual({
      reaped: [{id: idle?.id, name: idle?.name, pool: 'gpu', reason: 'idle', detail: 'GPUs idle for 2h10m'}],
      failed: [],
      kept: [{id: refused?.id, name: refused?.name, pool: 'gpu', reason: 'unknown', detail: 'unreachable', why: 'refused: ssh: connect to host 203.0.113.13 port 22: Connection refused'}],
    })
    expect(api.droplets.map((d) => d.id)).toContain(young?.id)
  })

  it('keeps min_agents: only the longest idle goes when one more would go below; the other is kept with the reason', async () => {
    const {config, api} = await gpuPoolWith(3, 'reap-idle-min', {scaler: {min_agents: 2}})
    const {ssh} = membersAnswer([IDLE_20M, IDLE, BUSY])
    const [shorter, longest] = api.droplets
    const run = await runCommand(PoolReap, ['gpu', '--idle', '10m', '--yes', '--json', '-c', config], {api, ssh, now: () => NOW})
    expect(run.status, run.stderr).toBe(0)
    const json = JSON.parse(run.stdout) as {reaped: {id: number}[]; kept: {id: number; reason: string; why: string}[]}
    expect(json.reaped.map((d) => d.id)).toEqual([longest?.id])
    expect(json.kept).toEqual([expect.objectContaining({id: shorter?.id, reason: 'idle', why: 'pool gpu would go below its min_agents of 2'})])
  })

  it('nothing idle long enough: exit 0, `nothing to reap`, without --yes or a terminal', async () => {
    const {config, api} = await gpuPoolWith(2, 'reap-idle-none')
    const {ssh} = membersAnswer([IDLE_20M, BUSY])
    const run = await runCommand(PoolReap, ['gpu', '--idle', '1h', '-c', config], {api, ssh, now: () => NOW})
    expect([run.status, run.stderr]).toEqual([0, expect.stringContaining('nothing to reap')])
    expect(api.callsOf('deleteDroplet')).toEqual([])
  })

  it('a CPU pool named: --idle and --unhealthy are refused, exit 2, naming the flag, before anything is sent', async () => {
    const {config, api} = await cpuPoolWith(2, 'reap-idle-cpu')
    for (const [flags, named] of [[['--idle', '1h'], '--idle'], [['--unhealthy'], '--unhealthy'], [['--unhealthy', '--idle', '2h'], '--idle and --unhealthy']] as const) {
      const run = await runCommand(PoolReap, ['cpu', ...flags, '--yes', '-c', config], {api, now: () => NOW})
      expect(run.status).toBe(2)
      expect(run.stderr).toContain(`Error: ${named}: pool cpu has no GPUs (size s-1vcpu-1gb): idle and unhealthy members are judged by their GPU sample, which only GPU sizes keep`)
      expect(api.calls).toEqual([])
    }
  })

  it('--all over a GPU pool and a CPU pool: the CPU pool is left out of --idle with a note, the rest of reap still covers it', async () => {
    const {config, api} = await gpuPoolWith(1, 'reap-idle-mixed', {others: [{name: 'cpu', droplet: CPU_DROPLET}]})
    const {ssh, calls} = membersAnswer([IDLE])
    const run = await runCommand(PoolReap, ['--all', '--idle', '1h', '--yes', '--json', '-c', config], {api, ssh, now: () => NOW})
    expect(run.status, run.stderr).toBe(0)
    expect(run.stderr).toContain('note: --idle leaves out pool cpu: its size s-1vcpu-1gb has no GPUs')
    const both = await runCommand(PoolReap, ['--all', '--idle', '1h', '--unhealthy', '--dry-run', '-c', config], {api, ssh, now: () => NOW})
    expect(both.stderr).toContain('note: --idle and --unhealthy leave out pool cpu: its size s-1vcpu-1gb has no GPUs')
    expect(calls).toHaveLength(1)
    expect((JSON.parse(run.stdout) as {reaped: {reason: string}[]}).reaped.map((d) => d.reason)).toEqual(['idle'])
  })

  it('--idle under a minute, or not a duration: exit 2 naming the flag', async () => {
    const {config, api} = await gpuPoolWith(1, 'reap-idle-flag')
    for (const value of ['30s', 'soon']) {
      const run = await runCommand(PoolReap, ['gpu', '--idle', value, '-c', config], {api, now: () => NOW})
      expect(run.status).toBe(2)
      expect(run.stderr).toContain('--idle')
    }
    expect(api.calls).toEqual([])
  })
})

describe('pool reap --idle stopped while it probes', () => {
  it('Ctrl-C during the probes: nothing deleted, exit 130, even with --yes and idle members found', async () => {
    const {config, api} = await gpuPoolWith(3, 'reap-idle-stop')
    const factory = fakeFactory({api, now: () => NOW})
    const {ssh} = membersAnswer([IDLE, IDLE, IDLE])
    let probes = 0
    factory.ssh.run = async (args) => {
      probes++
      if (probes === 2) factory.signals.emit('SIGINT')
      return ssh.run(args)
    }
    const run = await runCommand(PoolReap, ['gpu', '--idle', '1h', '--yes', '--parallel', '1', '-c', config], factory)
    expect(run.status).toBe(130)
    expect(run.stderr).toContain('stopped before deleting: nothing was deleted')
    expect(api.callsOf('deleteDroplet')).toEqual([])
    expect(api.droplets).toHaveLength(3)
  })
})
