import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Simulator} from '../../src/lib/simulator/server.js'
import {canRunHosts, hostSshFlags, sshWorkspace, startHostsSimulator} from '../support/hosts.js'
import {runInProcess} from '../support/in-process-cli.js'
import {simAdmin, simAdminFetch} from '../support/sim-admin.js'
import {haveTool} from '../support/tools.js'

// The simulated hosts run the droplet's own GPU sampler, which reads the figures with python3.
const canHost = canRunHosts('pool reap --idle/--unhealthy against simulated hosts') && haveTool('python3', 'python3', 'the simulated hosts\' GPU sampler')

type Listed = {id: number; name: string; reason: string; detail: string; why?: string}

describe.runIf(canHost)('velda-do pool reap --idle and --unhealthy: each member\'s own GPU sample, over real SSH', () => {
  const {configFile, key, state} = sshWorkspace('velda-reap-gpu-')
  let sim: Simulator
  let clock = Date.now() - 3600_000

  beforeAll(async () => {
    sim = await startHostsSimulator(key, {bootMs: 10_000, now: () => clock})
  })
  afterAll(async () => {
    await sim?.close()
  })

  const env = () => ({DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, XDG_STATE_HOME: state})
  const velda = (args: string[]) => runInProcess([...args, '-c', configFile, ...hostSshFlags(sim, key)], {env: env()})
  const left = async () => ((await simAdmin(sim, 'GET', 'state')).droplets as {id: number}[]).map((d) => d.id).sort((a, b) => a - b)

  it('--idle 1h deletes exactly the member idle for 2h; busy, N/A and unreachable ones stay (the last two kept as unknown); then --unhealthy the one with ECC errors', async () => {
    sim.core.reset()
    const up = await velda(['pool', 'up', 'gpu', '-n', '5', '--json'])
    expect(up.status, up.stderr).toBe(0)
    await sim.hostsReady()
    const [idle, busy, na, unreachable, erring] = (JSON.parse(up.stdout) as {created: {id: number; name: string}[]}).created
    if (!idle || !busy || !na || !unreachable || !erring) throw new Error('pool up made fewer than 5 members')
    // Two hours before now; the run's own minutes (a slow machine) may add to it.
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z')
    const settings: [number, object][] = [
      [idle.id, {gpu_profile: 'idle', idle_since: twoHoursAgo}],
      [busy.id, {gpu_profile: 'busy'}],
      [na.id, {gpu_profile: 'smi-na'}],
      // Idle as long as the first, but its sshd refuses: nothing can be read of it, so it must stay.
      [unreachable.id, {gpu_profile: 'idle', idle_since: twoHoursAgo}],
      [unreachable.id, {refuse: true}],
      [erring.id, {gpu_profile: 'gpu-errors'}],
    ]
    for (const [id, body] of settings) expect((await simAdminFetch(sim, 'POST', `hosts/${id}`, body)).status).toBe(200)
    // The boots are done: the agents run, so pool status's GPU states apply.
    clock += 10_000
    const before = await left()

    const dry = await velda(['pool', 'reap', 'gpu', '--idle', '1h', '--dry-run'])
    expect(dry.status, dry.stderr).toBe(0)
    expect(dry.stdout).toMatch(new RegExp(`^would reap 1 droplet \\(nothing deleted\\):\\n.*\\ngpu +${idle.name} +${idle.id} .* idle: GPUs idle for 2h(\\dm)?\\n`))
    expect(await left()).toEqual(before)

    const idleRun = await velda(['pool', 'reap', 'gpu', '--idle', '1h', '--yes', '--json'])
    expect(idleRun.status, idleRun.stderr).toBe(0)
    const idleJson = JSON.parse(idleRun.stdout) as {reaped: Listed[]; failed: Listed[]; kept: Listed[]}
    expect(idleJson.reaped).toEqual([{id: idle.id, name: idle.name, pool: 'gpu', reason: 'idle', detail: expect.stringMatching(/^GPUs idle for 2h(\dm)?$/)}])
    expect(idleJson.failed).toEqual([])
    expect(idleJson.kept.map((k) => [k.id, k.reason, k.detail])).toEqual([[na.id, 'unknown', 'unknown sample'], [unreachable.id, 'unknown', 'unreachable']])
    expect(idleJson.kept[1]?.why).toMatch(/^refused: .*Connection refused/)
    expect(await left()).toEqual(before.filter((id) => id !== idle.id))

    const unhealthyRun = await velda(['pool', 'reap', 'gpu', '--unhealthy', '--yes', '--json'])
    expect(unhealthyRun.status, unhealthyRun.stderr).toBe(0)
    const unhealthyJson = JSON.parse(unhealthyRun.stdout) as {reaped: Listed[]; kept: Listed[]}
    expect(unhealthyJson.reaped).toEqual([{id: erring.id, name: erring.name, pool: 'gpu', reason: 'unhealthy', detail: '2 uncorrectable ECC errors on GPU 0'}])
    expect(unhealthyJson.kept.map((k) => [k.id, k.detail])).toEqual([[unreachable.id, 'unreachable']])
    expect(await left()).toEqual([busy.id, na.id, unreachable.id].sort((a, b) => a - b))
  })
})
