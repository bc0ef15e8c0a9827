import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Simulator} from '../../src/lib/simulator/server.js'
import {canRunHosts, hostSshFlags, sshWorkspace, startHostsSimulator} from '../support/hosts.js'
import {runInProcess} from '../support/in-process-cli.js'
import {CTRL_C, runOnPty} from '../support/pty.js'
import {simAdminFetch} from '../support/sim-admin.js'
import {haveTool} from '../support/tools.js'

// The simulated hosts run the droplet's own GPU sampler, which reads the figures with python3.
const canHost = canRunHosts('pool top against simulated hosts') && haveTool('python3', 'python3', 'the simulated hosts\' GPU sampler')

const escapeRegExp = (text: string) => text.replace(/[[\]\\^$.*+?(){}|]/g, '\\$&')

describe.runIf(canHost)('velda-do pool top, over real SSH to simulated hosts with GPUs', () => {
  const {configFile, key, state} = sshWorkspace('velda-top-')
  let sim: Simulator
  let members: {id: number; name: string}[] = []

  beforeAll(async () => {
    sim = await startHostsSimulator(key, {bootMs: 0})
    const env = {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, XDG_STATE_HOME: state}
    const up = await runInProcess(['pool', 'up', 'gpu', '-n', '2', '--json', '-c', configFile], {env})
    expect(up.status, up.stderr).toBe(0)
    await sim.hostsReady()
    members = (JSON.parse(up.stdout) as {created: {id: number; name: string}[]}).created
    for (const [member, gpu_profile] of [[members[0], 'busy'], [members[1], 'idle']] as const) {
      expect((await simAdminFetch(sim, 'POST', `hosts/${member!.id}`, {gpu_profile})).status).toBe(200)
    }
  })
  afterAll(async () => {
    await sim?.close()
  })

  const env = () => ({DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, XDG_STATE_HOME: state})

  it('on a pipe: one sample of each member\'s GPUs, and --gpus a line a GPU; exit 0', async () => {
    const result = await runInProcess(['pool', 'top', 'gpu', '--gpus', '-c', configFile, ...hostSshFlags(sim, key)], {env: env()})
    expect(result.status, result.stderr).toBe(0)
    const row = (start: string) => result.stdout.split('\n').find((line) => line.startsWith(start)) ?? ''
    expect(row(members[0]!.name)).toMatch(/ healthy +1\/1 +100% +166\/192G +71C +612W +0 +busy +agent active$/)
    expect(row(members[1]!.name)).toMatch(/ healthy +1\/1 +0% +0\/192G +38C +138W +0 +idle \d+s +agent active$/)
    expect(result.stdout.split('\n').filter((line) => line.startsWith('  gpu 0'))).toHaveLength(2)
    expect(result.stdout).toContain('2 of 2 members healthy; GPUs busy on 1, idle on 1')
  })

  it.runIf(haveTool('script', 'bsdutils', 'pool top on a real terminal'))('on a terminal: redrawn every --interval until Ctrl-C, exit 0', {timeout: 60_000}, async () => {
    const session = runOnPty(['pool', 'top', 'gpu', '--interval', '1s', '-c', configFile, ...hostSshFlags(sim, key)], env(), {stdout: 'terminal', unset: ['CI']})
    const redraw = '\u001b[H\u001b[2J'
    const frames = () => session.screen().split(redraw).length - 1
    // A second sample, a second after the first: the view is redrawn (cursor home, clear), not printed below.
    const sample = 'GPUs busy on 1, idle on 1'
    await session.waitFor(new RegExp(`${sample}[\\s\\S]*${escapeRegExp(redraw)}[\\s\\S]*${sample}`), 30_000)
    expect(session.screen()).toMatch(/pool gpu at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: every 1s, Ctrl-C ends/)
    session.type(CTRL_C)
    const {status} = await session.exited
    expect(status).toBe(0)
    expect(frames()).toBeGreaterThanOrEqual(2)
  })
})
