import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {type Simulator, startSimulator} from '../../src/lib/simulator/server.js'
import {canRunHosts, hostSshFlags, sshWorkspace} from '../support/hosts.js'
import {runInProcess} from '../support/in-process-cli.js'

const canHost = canRunHosts('host keys of the simulator\'s hosts')

type Member = {id: number; name: string; state: string}

/** velda-do against one simulator with hosts, its host keys under `state`. */
function against(sim: Simulator, workspace: {configFile: string; key: string}, state: string) {
  const velda = (args: string[]) => runInProcess([...args, '-c', workspace.configFile], {env: {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, XDG_STATE_HOME: state}})
  return {
    velda,
    up: async () => {
      const result = await velda(['pool', 'up', 'gpu', '--json'])
      expect(result.status, result.stderr).toBe(0)
      await sim.hostsReady()
      return (JSON.parse(result.stdout) as {created: {id: number; name: string}[]}).created[0]!
    },
    states: async () => {
      const result = await velda(['pool', 'status', 'gpu', '--json', ...hostSshFlags(sim, workspace.key)])
      return (JSON.parse(result.stdout) as {members: Member[]}).members.map((m) => m.state)
    },
  }
}

function hostsSimulator(key: string, options: {seed: number; now: () => number; port?: number}): Promise<Simulator> {
  return startSimulator({seed: options.seed, activeAfterMs: 0, now: options.now, port: options.port, hosts: {authorizedKeys: readFileSync(`${key}.pub`, 'utf8'), bootMs: 0}})
}

describe.runIf(canHost)('the host keys of pool members, through the real ssh client', () => {
  it('stay pinned under a state folder whose path has a space and a %: a changed key is host-key-changed, not healthy', async () => {
    const workspace = sshWorkspace('velda-keys-quoted-')
    const state = join(workspace.dir, 'my state 100%')
    const sim = await hostsSimulator(workspace.key, {seed: 11, now: () => Date.UTC(2026, 11, 4, 9, 0, 0)})
    try {
      const {up, states} = against(sim, workspace, state)
      const member = await up()
      expect(await states()).toEqual(['healthy'])
      // Recorded in the file velda-do named, under the member's name (ssh may hash names: -F finds it either way).
      const alias = `velda-sim-127.0.0.1-${new URL(sim.url).port}-droplet-${member.id}-20261204090000`
      expect(spawnSync('ssh-keygen', ['-F', alias, '-f', join(state, 'velda-do', 'known_hosts.simulator')]).status).toBe(0)
      await sim.hosts!.changeHostKey(member.id)
      expect(await states()).toEqual(['host-key-changed'])
    } finally {
      await sim.close()
    }
  })

  it('of a simulator started again (same port and seed: the same droplet ids) are new hosts, not changed keys, and stay out of the real droplets\' known_hosts', async () => {
    const workspace = sshWorkspace('velda-keys-sim-')
    let clock = Date.UTC(2026, 11, 4, 9, 0, 0)
    const first = await hostsSimulator(workspace.key, {seed: 12, now: () => clock})
    const port = Number(new URL(first.url).port)
    let id: number
    try {
      const session = against(first, workspace, workspace.state)
      id = (await session.up()).id
      expect(await session.states()).toEqual(['healthy'])
    } finally {
      await first.close()
    }
    clock += 3_600_000
    const second = await hostsSimulator(workspace.key, {seed: 12, now: () => clock, port})
    try {
      const session = against(second, workspace, workspace.state)
      expect((await session.up()).id).toBe(id)
      expect(await session.states()).toEqual(['healthy'])
      expect(existsSync(join(workspace.state, 'velda-do', 'known_hosts'))).toBe(false)

      // A key that does change names the real file and entry to forget it by.
      await second.hosts!.changeHostKey(id)
      const logs = await session.velda(['pool', 'logs', 'gpu', '1', '--json', ...hostSshFlags(second, workspace.key)])
      expect(logs.status).toBe(3)
      const error = (JSON.parse(logs.stdout) as {error: {state: string; suggestions: string[]}}).error
      expect(error.state).toBe('host-key-changed')
      expect(error.suggestions[0]).toMatch(/forget the old one: ssh-keygen -R velda-sim-127\.0\.0\.1-\d+-droplet-\d+-20261204100000 -f '.*\/state\/velda-do\/known_hosts\.simulator'$/)
      expect(error.suggestions[0]).toContain(`-droplet-${id}-`)
      expect(error.suggestions[0]).toContain(`-f '${join(workspace.state, 'velda-do', 'known_hosts.simulator')}'`)
    } finally {
      await second.close()
    }
  })
})
