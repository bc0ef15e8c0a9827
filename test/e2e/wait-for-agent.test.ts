import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import type {Simulator} from '../../src/lib/simulator/server.js'
import {canRunHosts, hostSshFlags, sshWorkspace, startHostsSimulator} from '../support/hosts.js'
import {runInProcess} from '../support/in-process-cli.js'
import {simAdminFetch} from '../support/sim-admin.js'

const canHost = canRunHosts('--wait-for agent against simulated hosts')

describe.runIf(canHost)('pool up and pool scale --wait-for agent, through the real ssh client', () => {
  const {dir, configFile, key} = sshWorkspace('velda-agents-')
  const sims: Simulator[] = []
  afterAll(async () => {
    await Promise.all(sims.map((sim) => sim.close()))
  })
  /** A simulator whose droplets are active at once and boot in `bootMs` (real time: the CLI waits for real). */
  const simulator = async (bootMs: number) => {
    const sim = await startHostsSimulator(key, {seed: sims.length + 1, bootMs})
    sims.push(sim)
    return sim
  }
  const velda = (sim: Simulator, args: string[]) =>
    runInProcess([...args, '-c', configFile, ...hostSshFlags(sim, key), '--poll-interval', '1s'], {
      env: {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, XDG_STATE_HOME: join(dir, 'state')},
    })
  type Agents = {agents: {name: string; state: string; detail: string}[]; created: unknown[]}

  it('pool up: exit 0 once every agent runs, with each member\'s state', async () => {
    const sim = await simulator(0)
    const result = await velda(sim, ['pool', 'up', 'gpu', '-n', '2', '--wait-for', 'agent', '--json'])
    expect(result.status, result.stderr).toBe(0)
    const json = JSON.parse(result.stdout) as Agents
    expect(json.agents.map((a) => a.state)).toEqual(['healthy', 'healthy'])
    const table = await velda(sim, ['pool', 'scale', 'gpu', '--to', '3', '--wait-for', 'agent'])
    expect(table.status, table.stderr).toBe(0)
    expect(table.stdout).toContain('1 of 1 member healthy (agent active)')
  })

  it('a failed boot ends the wait at once: exit 4, the failing step and its log tail', async () => {
    const sim = await simulator(0)
    await simAdminFetch(sim, 'POST', 'hosts', {profile: 'agent-404'})
    const result = await velda(sim, ['pool', 'up', 'gpu', '-n', '1', '--wait-for', 'agent', '--wait-timeout', '5m'])
    expect(result.status).toBe(4)
    expect(result.stderr).toMatch(/1 of 1 created droplet did not start the agent: velda-\S+: step agent failed \(exit 22\)/)
    expect(result.stdout).toMatch(/the boot failed in step agent; its log ends:\n( {2}.*\n)* {2}curl: \(22\) The requested URL returned error: 404\n/)
  })

  it('agents that do not come up in time: exit 5, the members listed as booting', async () => {
    const sim = await simulator(3_600_000)
    const result = await velda(sim, ['pool', 'up', 'gpu', '-n', '1', '--wait-for', 'agent', '--wait-timeout', '2s', '--json'])
    expect(result.status).toBe(5)
    const json = JSON.parse(result.stdout) as Agents & {error: {message: string}}
    expect(json.error.message).toBe('timed out waiting for the agents: 0 of 1 running; the others are still booting')
    expect(json.agents.map((a) => a.state)).toEqual(['booting'])
    expect(json.created).toHaveLength(1)
  })
})
