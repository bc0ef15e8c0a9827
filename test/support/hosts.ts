import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {findSshd} from '../../src/lib/simulator/hosts/sshd.js'
import {type Simulator, startSimulator} from '../../src/lib/simulator/server.js'
import {MI300X_DROPLET, veldaYaml} from './configs.js'
import {haveTool} from './tools.js'

/** Whether the simulator's hosts can run here: ssh, sshd (in /usr/sbin, not on every PATH) and bwrap. */
export function canRunHosts(purpose: string): boolean {
  return haveTool('ssh', 'openssh-client', purpose) && haveTool('bwrap', 'bubblewrap', purpose) && (findSshd() !== null || haveTool('sshd', 'openssh-server', purpose))
}

/** One MI300X pool, as the SSH tests use it. */
export const GPU_POOL_CONFIG = veldaYaml([{name: 'gpu', droplet: MI300X_DROPLET}])

/** A directory with the config, an ssh key made for the run, and a place for velda-do's known_hosts. */
export function sshWorkspace(prefix: string): {dir: string; configFile: string; key: string; state: string} {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const configFile = join(dir, 'velda.yaml')
  writeFileSync(configFile, GPU_POOL_CONFIG)
  const key = join(dir, 'id_ed25519')
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key])
  return {dir, configFile, key, state: join(dir, 'state')}
}

/** The simulator with hosts that let the workspace's key in. */
export function startHostsSimulator(key: string, options: {seed?: number; bootMs: number; latencyMs?: number; now?: () => number}): Promise<Simulator> {
  return startSimulator({
    seed: options.seed ?? 1,
    activeAfterMs: 0,
    ...(options.now ? {now: options.now} : {}),
    hosts: {authorizedKeys: readFileSync(`${key}.pub`, 'utf8'), bootMs: options.bootMs, latencyMs: options.latencyMs},
  })
}

/** How velda-do reaches the hosts: as this user, on their port, with the workspace's key. */
export function hostSshFlags(sim: Simulator, key: string): string[] {
  return ['--ssh-user', process.env.USER || 'root', '--ssh-port', String(sim.hosts?.port), '-i', key]
}
