import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Simulator} from '../../src/lib/simulator/server.js'
import {canRunHosts, hostSshFlags, sshWorkspace, startHostsSimulator} from '../support/hosts.js'
import {runInProcess} from '../support/in-process-cli.js'
import {CTRL_C, runOnPty} from '../support/pty.js'
import {haveTool} from '../support/tools.js'

const canRun = canRunHosts('pool logs --follow against a simulated host') && haveTool('script', 'bsdutils', 'pool logs --follow on a real terminal')

describe.runIf(canRun)('velda-do pool logs --follow, on a real terminal', () => {
  const {configFile, key, state} = sshWorkspace('velda-follow-')
  const BOOT_MS = 10_000
  let clock = Date.UTC(2026, 10, 28, 22, 0, 0)
  let sim: Simulator
  let member: {id: number; name: string}

  beforeAll(async () => {
    sim = await startHostsSimulator(key, {bootMs: BOOT_MS, now: () => clock})
    ;[member] = sim.seedDroplets({count: 1, namePrefix: 'velda-b2f06752-', tags: ['velda', 'velda-pool:gpu'], size: 'gpu-mi300x1-192gb-devcloud'}) as [{id: number; name: string}]
    await sim.hostsReady()
  })
  afterAll(async () => {
    await sim?.close()
  })

  const env = () => ({DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, XDG_STATE_HOME: state})

  it('prints the boot log, then its new lines as the boot goes on, once each; Ctrl-C ends it: exit 130', async () => {
    clock += BOOT_MS / 2
    const follow = runOnPty(['pool', 'logs', 'gpu', '1', '--follow', '-c', configFile, ...hostSshFlags(sim, key)], env(), {stdout: 'terminal'})
    await follow.waitFor(/velda-bootstrap: step: gpu\r?\n/)
    expect(follow.screen()).not.toMatch(/step: agent\r?\n/)
    // The boot goes on; the host writes the log out when a command begins there (here a second one, beside the first).
    clock += BOOT_MS
    const other = await runInProcess(['pool', 'ssh', 'gpu', member.name, '-c', configFile, ...hostSshFlags(sim, key), '--', 'true'], {env: env()})
    expect(other.status, other.stderr).toBe(0)
    await follow.waitFor(/done: the Velda agent is starting\r?\n/)
    follow.type(CTRL_C)
    const {status} = await follow.exited
    expect(status).toBe(130)
    expect(follow.screen()).not.toMatch(/error|failed|try this/i)
    const lines = follow.screen().split(/\r?\n/).filter((line) => line.includes('velda-bootstrap:'))
    expect(lines.map((line) => line.replace(/^.*velda-bootstrap: /, ''))).toEqual([
      'bootstrapping Velda agent unknown',
      'step: packages',
      'step: agent-config',
      'step: gpu',
      'step: agent',
      'step: service',
      'done: the Velda agent is starting',
    ])
  })
})
