import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import type {Simulator} from '../../src/lib/simulator/server.js'
import {runCliAsync, startCli} from '../support/cli.js'
import {canRunHosts, sshWorkspace, startHostsSimulator} from '../support/hosts.js'
import {simAdminFetch} from '../support/sim-admin.js'

const canHost = canRunHosts('suggestions the user can paste, against simulated hosts')

/** The words of a suggested command line, from `velda-do` to the first word of prose (the values here need no quotes). */
function commandIn(line: string, prose: string): string[] {
  const words = line.trim().split(' ')
  return words.slice(words.indexOf('velda-do') + 1, words.indexOf(prose))
}

describe.runIf(canHost)('the binary: what it suggests, pasted as printed, works', () => {
  const {dir, configFile, key} = sshWorkspace('velda-paste-')
  const env = (sim: Simulator) => ({DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, XDG_STATE_HOME: join(dir, 'state')})
  const sims: Simulator[] = []
  afterAll(async () => {
    await Promise.all(sims.map((sim) => sim.close()))
  })

  it('pool up --ssh-port P -i KEY whose agent fails: its pool status and pool logs lines carry -c, --ssh-user, --ssh-port and -i, and run as printed', async () => {
    const sim = await startHostsSimulator(key, {bootMs: 0})
    sims.push(sim)
    await simAdminFetch(sim, 'POST', 'hosts', {profile: 'agent-404'})
    const user = process.env.USER || 'root'
    const port = String(sim.hosts?.port)
    const up = await runCliAsync(['pool', 'up', 'gpu', '-n', '1', '--wait-for', 'agent', '--poll-interval', '1s', '-c', configFile, '--ssh-user', user, '--ssh-port', port, '-i', key], {env: env(sim)})
    expect(up.status, up.stderr).toBe(4)
    const flags = `-c ${configFile} --ssh-user ${user} --ssh-port ${port} -i ${key}`
    const tryThis = up.stderr.split('Try this:\n')[1]?.split('\n').filter(Boolean) ?? []
    expect(tryThis[0]?.trim()).toBe(`velda-do pool status gpu ${flags} shows each member`)
    const logsLine = tryThis.find((line) => line.includes('velda-do pool logs')) ?? ''
    expect(logsLine).toMatch(new RegExp(`velda-do pool logs gpu velda-\\S+ ${flags.replaceAll('/', '\\/')} shows its boot log`))
    // Pasted as printed, in a shell with no ssh settings of its own: it reaches the member on the simulator's port.
    const logs = await runCliAsync(commandIn(logsLine, 'shows'), {env: env(sim)})
    expect(logs.status, logs.stderr).toBe(0)
    expect(logs.stdout).toContain('curl: (22) The requested URL returned error: 404')
  })

  it('velda-do simulator --ssh-hosts prints VELDA_DO_SSH_PORT, VELDA_DO_SSH_USER and VELDA_DO_IDENTITY_FILE: with them alone, pool up --wait-for agent reaches the hosts', async () => {
    const simulator = startCli(['simulator', '--ssh-hosts', '--authorized-keys', `${key}.pub`, '--boot-time', '0s', '--active-after', '0s', '--quiet'], {})
    try {
      await simulator.stdoutShows(/export VELDA_DO_IDENTITY_FILE=.*\n/)
      const exported = Object.fromEntries([...simulator.stdoutSoFar().matchAll(/^export (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]))
      expect(Object.keys(exported)).toEqual(['DIGITALOCEAN_API_ENDPOINT', 'DIGITALOCEAN_API_TOKEN', 'VELDA_DO_SSH_PORT', 'VELDA_DO_SSH_USER', 'VELDA_DO_IDENTITY_FILE'])
      expect(exported.VELDA_DO_IDENTITY_FILE).toBe(key)
      const up = await runCliAsync(['pool', 'up', 'gpu', '-n', '1', '--wait-for', 'agent', '--poll-interval', '1s', '-c', configFile], {env: {...exported, XDG_STATE_HOME: join(dir, 'state')}})
      expect(up.status, up.stderr).toBe(0)
      expect(up.stdout).toContain('1 of 1 member healthy (agent active)')
    } finally {
      simulator.kill('SIGTERM')
      await simulator.exited
    }
  })
})
