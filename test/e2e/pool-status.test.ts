import {spawnSync} from 'node:child_process'
import {join} from 'node:path'

import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import type {Simulator} from '../../src/lib/simulator/server.js'
import {hostKeyAlias} from '../../src/lib/ssh/known-hosts.js'
import {startCli} from '../support/cli.js'
import {canRunHosts, hostSshFlags, sshWorkspace, startHostsSimulator} from '../support/hosts.js'
import {runInProcess} from '../support/in-process-cli.js'
import {CTRL_C, runOnPty} from '../support/pty.js'
import {haveTool} from '../support/tools.js'
import {simAdminFetch} from '../support/sim-admin.js'

const canHost = canRunHosts('pool status against simulated hosts')

describe.runIf(canHost)('velda-do pool status, through the real ssh client to the simulator\'s hosts', () => {
  const {configFile, key, state} = sshWorkspace('velda-status-')
  let sim: Simulator
  let clock = Date.UTC(2026, 10, 28, 21, 0, 0)

  beforeAll(async () => {
    sim = await startHostsSimulator(key, {bootMs: 10_000, now: () => clock})
  })
  afterAll(async () => {
    await sim?.close()
  })
  beforeEach(() => {
    sim.core.reset()
  })

  const env = () => ({DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, XDG_STATE_HOME: state})
  const sshFlags = () => hostSshFlags(sim, key)
  const velda = (args: string[]) => runInProcess([...args, '-c', configFile], {env: env()})
  const up = async (count: number) => {
    const result = await velda(['pool', 'up', 'gpu', '-n', String(count), '--json'])
    expect(result.status, result.stderr).toBe(0)
    await sim.hostsReady()
    return (JSON.parse(result.stdout) as {created: {id: number; name: string; created_at: string}[]}).created
  }
  type Member = {name: string; state: string; detail: string; boot: {step: string; log_tail: string[]; gpu: {vendor: string; check: string}} | null; agent: string | null}
  const status = async () => {
    const result = await velda(['pool', 'status', 'gpu', '--json', ...sshFlags()])
    return {...result, members: (JSON.parse(result.stdout) as {members: Member[]}).members}
  }

  it('booting, then healthy: exit 4 while any agent is not up, exit 0 once all are, with a table for people', async () => {
    const created = await up(3)
    const booting = await status()
    expect(booting.status).toBe(4)
    expect(booting.members.map((m) => m.state)).toEqual(['booting', 'booting', 'booting'])
    clock += 10_000
    const healthy = await status()
    expect(healthy.status, healthy.stderr).toBe(0)
    expect(healthy.members.map((m) => [m.name, m.state, m.agent])).toEqual(created.map((d) => [d.name, 'healthy', 'active']))
    const table = await velda(['pool', 'status', 'gpu', ...sshFlags()])
    expect(table.stdout).toMatch(/^NAME +ID +DROPLET +ADDRESS +STATE +BOOT +AGENT +GPU +GPUS +UTIL +VRAM +TEMP +ECC +DETAIL$/m)
    // No GPU sample on these hosts (no GPU profile): its figures are "-" (test/e2e/pool-status-gpu.test.ts has them).
    expect(table.stdout).toMatch(/ 127\.1\.\d+\.\d+ +healthy +done +active +amd ok +- +- +- +- +- +agent active$/m)
    expect(table.stdout).toContain('3 of 3 members healthy (agent active)')
    // Keys are remembered by droplet, in velda-do's own file (a simulator's hosts in one of their own, by simulator).
    const simulator = `127.0.0.1-${new URL(sim.url).port}`
    for (const droplet of created) expect(spawnSync('ssh-keygen', ['-F', hostKeyAlias(droplet, simulator), '-f', join(state, 'velda-do', 'known_hosts.simulator')]).status).toBe(0)
  })

  it('shows each kind of trouble as a state of its member, the failed boot with its step and log tail', async () => {
    const [failed, looping, refused, rekeyed, aptFailed, noGpu] = await up(6)
    const admin = (id: number, body: unknown) => simAdminFetch(sim, 'POST', `hosts/${id}`, body)
    await admin(failed!.id, {profile: 'agent-404'})
    await admin(looping!.id, {profile: 'agent-crash-loop'})
    await admin(aptFailed!.id, {profile: 'apt-fails'})
    await admin(noGpu!.id, {profile: 'no-gpu'})
    clock += 10_000
    expect((await status()).status).toBe(4)
    await admin(refused!.id, {refuse: true})
    await admin(rekeyed!.id, {changeHostKey: true})
    const result = await status()
    expect(result.status).toBe(4)
    expect(result.members.map((m) => m.state)).toEqual(['boot-failed', 'agent-down', 'refused', 'host-key-changed', 'boot-failed', 'healthy'])
    expect(result.members[0]?.boot?.log_tail).toContain('curl: (22) The requested URL returned error: 404')
    expect(result.members[4]).toMatchObject({detail: 'step packages failed (exit 1)'})
    expect(result.members[4]?.boot?.log_tail.join('\n')).toMatch(/Could not get lock/)
    // No GPU tool on the image: the agent runs, and the GPU column says what the check found.
    expect(result.members[5]?.boot?.gpu).toEqual({vendor: 'amd', check: 'missing'})
    const table = await velda(['pool', 'status', 'gpu', ...sshFlags()])
    expect(table.status).toBe(4)
    expect(table.stdout).toMatch(new RegExp(`${failed!.name}: the boot failed in step agent; its log ends:\\n(  .*\\n)*  curl: \\(22\\) The requested URL returned error: 404\\n`))
    expect(table.stdout).toContain(`${aptFailed!.name}: the boot failed in step packages; its log ends:`)
    expect(table.stdout).toContain('1 of 6 members healthy')
    expect(table.stdout).toMatch(/ healthy +done +active +amd missing +- +- +- +- +- +agent active$/m)
    expect(table.stderr).toMatch(/Error: 5 of 6 members of pool gpu are not healthy/)
  })
})

describe.runIf(canHost)('velda-do pool status stopped by a signal', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s while the probes wait: exit %d at once, every member listed, none probed', async (signal, code) => {
    const {configFile, key, state} = sshWorkspace('velda-status-stop-')
    // Every command on the hosts answers after 60 s: the probes are in flight when the signal comes.
    const sim = await startHostsSimulator(key, {seed: 3, bootMs: 0, latencyMs: 60_000})
    try {
      sim.seedDroplets({count: 3, namePrefix: 'velda-b2f06752-', tags: ['velda', 'velda-pool:gpu'], size: 'gpu-mi300x1-192gb-devcloud'})
      await sim.hostsReady()
      const child = startCli(['pool', 'status', 'gpu', '--json', '-c', configFile, ...hostSshFlags(sim, key)], {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, XDG_STATE_HOME: state})
      // The probes are in flight once every host has begun to answer (each has its droplet's files laid out first);
      // a CLI that died before it probed fails the test at once instead of leaving it waiting.
      let gone = false
      void child.exited.then(() => (gone = true))
      while ((sim.hosts?.commandsStarted ?? 0) < 3 && !gone) await new Promise((resolve) => setImmediate(resolve))
      const started = Date.now()
      child.kill(signal)
      const {status, stdout} = await child.exited
      expect(status).toBe(code)
      expect(Date.now() - started).toBeLessThan(10_000)
      const json = JSON.parse(stdout) as {members: {state: string}[]; error: {signal: string}}
      expect(json.members.map((m) => m.state)).toEqual(['not-probed', 'not-probed', 'not-probed'])
      expect(json.error.signal).toBe(signal)
    } finally {
      await sim.close()
    }
  })
})

describe.runIf(canHost && haveTool('script', 'bsdutils', 'Ctrl-C typed at a terminal'))('velda-do pool status at a terminal', () => {
  it('Ctrl-C typed while the spinner probes: exit 130, every member listed as not probed', async () => {
    const {configFile, key, state} = sshWorkspace('velda-status-pty-')
    const sim = await startHostsSimulator(key, {seed: 4, bootMs: 0, latencyMs: 60_000})
    try {
      sim.seedDroplets({count: 2, namePrefix: 'velda-b2f06752-', tags: ['velda', 'velda-pool:gpu'], size: 'gpu-mi300x1-192gb-devcloud'})
      await sim.hostsReady()
      const args = ['pool', 'status', 'gpu', '-c', configFile, ...hostSshFlags(sim, key)]
      const session = runOnPty(args, {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, XDG_STATE_HOME: state}, {unset: ['CI']})
      await session.waitFor(/probing the members of pool gpu/)
      while ((sim.hosts?.commandsStarted ?? 0) < 2) await new Promise((resolve) => setImmediate(resolve))
      session.type(CTRL_C)
      const {status, stdout} = await session.exited
      expect(status).toBe(130)
      expect(stdout.match(/ not-probed /g)).toHaveLength(2)
    } finally {
      await sim.close()
    }
  })
})
