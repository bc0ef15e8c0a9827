import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Simulator} from '../../src/lib/simulator/server.js'
import {runCliAsync} from '../support/cli.js'
import {canRunHosts, hostSshFlags, sshWorkspace, startHostsSimulator} from '../support/hosts.js'
import {runInProcess} from '../support/in-process-cli.js'
import {simAdminFetch} from '../support/sim-admin.js'

const canHost = canRunHosts('pool ssh and pool logs against simulated hosts')

describe.runIf(canHost)('velda-do pool ssh and pool logs, through the real ssh client', () => {
  const {configFile, key, state} = sshWorkspace('velda-ssh-')
  let sim: Simulator
  let created: {id: number; name: string}[] = []

  beforeAll(async () => {
    sim = await startHostsSimulator(key, {seed: 7, bootMs: 0})
    const up = await velda(['pool', 'up', 'gpu', '-n', '3', '--json'])
    created = (JSON.parse(up.stdout) as {created: {id: number; name: string}[]}).created
    await sim.hostsReady()
  })
  afterAll(async () => {
    await sim?.close()
  })

  const env = () => ({DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, XDG_STATE_HOME: state})
  const ssh = () => hostSshFlags(sim, key)
  /** `-c` goes before the `--` that starts a remote command. */
  function velda(args: string[]) {
    const split = args.indexOf('--')
    const withConfig = split < 0 ? [...args, '-c', configFile] : [...args.slice(0, split), '-c', configFile, ...args.slice(split)]
    return runInProcess(withConfig, {env: env()})
  }

  it('pool ssh --all -- CMD: runs on every member, each line prefixed with its name; exit 0', async () => {
    const result = await velda(['pool', 'ssh', 'gpu', '--all', ...ssh(), '--', 'hostname'])
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout.split('\n').filter(Boolean).sort()).toEqual(created.map((d) => `${d.name}: ${d.name}`).sort())
    const json = JSON.parse((await velda(['pool', 'ssh', 'gpu', '--all', '--json', ...ssh(), '--', 'systemctl', 'is-active', 'velda-agent'])).stdout) as {results: {exit_code: number; stdout: string}[]}
    expect(json.results.map((r) => [r.exit_code, r.stdout])).toEqual(created.map(() => [0, 'active\n']))
  })

  it('pool ssh --all: a command that fails somewhere is exit 4, naming where; a refused host is exit 255 for that member', async () => {
    await simAdminFetch(sim, 'POST', `hosts/${created[1]!.id}`, {refuse: true})
    try {
      const result = await velda(['pool', 'ssh', 'gpu', '--all', ...ssh(), '--', 'hostname'])
      expect(result.status).toBe(4)
      expect(result.stdout).toContain(`${created[1]!.name}: exit 255`)
      expect(result.stderr).toContain(`the command failed on 1 of 3 members: ${created[1]!.name} (255)`)
    } finally {
      await simAdminFetch(sim, 'POST', `hosts/${created[1]!.id}`, {refuse: false})
    }
  })

  // Three runs, each listing the pool and opening an ssh session: more than the usual 30 s on a busy machine.
  it('pool ssh MEMBER -- CMD (by name, id or number): the command\'s own output and exit code', {timeout: 120_000}, async () => {
    for (const member of [created[0]!.name, String(created[0]!.id), '1']) {
      const result = await runCliAsync(['pool', 'ssh', 'gpu', member, '-c', configFile, ...ssh(), '--', 'hostname; exit 3'], {env: env()})
      expect([result.status, result.stdout], member).toEqual([3, `${created[0]!.name}\n`])
    }
    const unknown = await velda(['pool', 'ssh', 'gpu', 'nope', ...ssh(), '--', 'true'])
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toContain('no member nope in pool gpu')
  })

  it('pool logs: the boot log\'s last lines, or the agent\'s journal', async () => {
    const boot = await velda(['pool', 'logs', 'gpu', '2', '-n', '2', ...ssh()])
    expect(boot.status, boot.stderr).toBe(0)
    expect(boot.stdout).toMatch(/^.* velda-bootstrap: step: service\n.* velda-bootstrap: done: the Velda agent is starting\n$/)
    const agent = JSON.parse((await velda(['pool', 'logs', 'gpu', created[2]!.name, '--agent', '--json', ...ssh()])).stdout) as {source: string; lines: string[]; member: {name: string}}
    expect(agent).toEqual({pool: 'gpu', member: {id: created[2]!.id, name: created[2]!.name}, source: 'agent', lines: ['velda-agent[812]: connected to the broker'], cut_bytes: 0})
  })

  it('pool logs of a member whose host key changed: exit 3, saying so and how to trust the new key', async () => {
    await velda(['pool', 'logs', 'gpu', '3', ...ssh()])
    await simAdminFetch(sim, 'POST', `hosts/${created[2]!.id}`, {changeHostKey: true})
    const result = await velda(['pool', 'logs', 'gpu', '3', '--json', ...ssh()])
    expect(result.status).toBe(3)
    const error = (JSON.parse(result.stdout) as {error: {code: string; state: string; message: string}}).error
    expect(error).toMatchObject({code: 'ssh_failed', state: 'host-key-changed'})
  })
})
