import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Simulator} from '../../src/lib/simulator/server.js'
import {canRunHosts, hostSshFlags, sshWorkspace, startHostsSimulator} from '../support/hosts.js'
import {runInProcess} from '../support/in-process-cli.js'

const canHost = canRunHosts('commands that reach members, run without ssh on PATH')
const GPU = {tags: ['velda', 'velda-pool:gpu'], size: 'gpu-mi300x1-192gb-devcloud'}

describe.runIf(canHost)('velda-do without ssh on PATH: a setup error (exit 2) before anything is sent, not each member\'s "exit 127"', () => {
  const {configFile, key, state} = sshWorkspace('velda-no-ssh-')
  // A PATH whose only folder is empty: no ssh (the run itself is this node process, in-process).
  const noSsh = mkdtempSync(join(tmpdir(), 'velda-no-ssh-path-'))
  let sim: Simulator
  beforeAll(async () => {
    sim = await startHostsSimulator(key, {seed: 24, bootMs: 0})
    sim.seedDroplets({count: 2, namePrefix: 'velda-b2f06752-', ...GPU})
    await sim.hostsReady()
  })
  afterAll(async () => {
    await sim?.close()
  })

  it.each([
    ['pool status', ['pool', 'status', 'gpu']],
    ['pool top', ['pool', 'top', 'gpu']],
    ['pool reap --idle', ['pool', 'reap', 'gpu', '--idle', '1h', '--yes']],
    ['pool reap --unhealthy --dry-run', ['pool', 'reap', 'gpu', '--unhealthy', '--dry-run']],
    ['pool logs', ['pool', 'logs', 'gpu', '1']],
    ['pool ssh --all', ['pool', 'ssh', 'gpu', '--all', '--', 'true']],
    ['pool ssh MEMBER', ['pool', 'ssh', 'gpu', '1', '--', 'true']],
  ])('%s: exit 2, "ssh (the OpenSSH client) was not found on PATH", no member dialled', async (_name, args) => {
    const before = sim.hosts?.commandsStarted ?? 0
    const split = args.indexOf('--')
    const ours = ['-c', configFile, ...hostSshFlags(sim, key)]
    const argv = split < 0 ? [...args, ...ours] : [...args.slice(0, split), ...ours, ...args.slice(split)]
    const env = {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, XDG_STATE_HOME: state, PATH: noSsh}
    const result = await runInProcess(argv, {env})
    expect(result.status, result.stdout + result.stderr).toBe(2)
    expect(result.stderr).toContain('ssh (the OpenSSH client) was not found on PATH: install openssh-client')
    expect(result.stdout).toBe('')
    expect(sim.hosts?.commandsStarted ?? 0).toBe(before)
  })

  it('--json: the error document says it (code usage), stdout nothing else', async () => {
    const env = {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, XDG_STATE_HOME: state, PATH: noSsh}
    const result = await runInProcess(['pool', 'status', 'gpu', '--json', '-c', configFile, ...hostSshFlags(sim, key)], {env})
    expect(result.status).toBe(2)
    expect((JSON.parse(result.stdout) as {error: {code: string; message: string}}).error).toMatchObject({code: 'usage', message: expect.stringContaining('was not found on PATH') as string})
  })
})
