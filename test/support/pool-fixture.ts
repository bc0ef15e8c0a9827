import PoolUp from '../../src/commands/pool/up.js'
import type {Droplet} from '../../src/lib/do/types.js'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {runCommand} from './command.js'
import {type DropletPool, MI300X_DROPLET, veldaYaml} from './configs.js'
import {FakeApi} from './fake-api.js'
import {writeCpuPoolConfig} from './pools.js'

/**
 * A config with the CPU pool `cpu` and a fake account holding `members` of it, created the way `pool up` creates
 * them (names, tags), then active with the addresses given (203.0.113.0/24: documentation addresses, never dialled:
 * a test's ssh is fake).
 */
export async function cpuPoolWith(members: number, purpose: string): Promise<{config: string; api: FakeApi}> {
  return poolWith(writeCpuPoolConfig(purpose), 'cpu', members)
}

/**
 * As cpuPoolWith, for the MI300X pool `gpu` (one GPU a member) with these auto_scaler settings, beside the others
 * given (a CPU pool for `--all`, whose members are made by `more`).
 */
export async function gpuPoolWith(members: number, purpose: string, options: {scaler?: DropletPool['scaler']; others?: DropletPool[]} = {}): Promise<{config: string; api: FakeApi}> {
  const config = join(mkdtempSync(join(tmpdir(), `velda-${purpose}-`)), 'velda.yaml')
  writeFileSync(config, veldaYaml([{name: 'gpu', droplet: MI300X_DROPLET, scaler: options.scaler}, ...(options.others ?? [])]))
  return poolWith(config, 'gpu', members)
}

async function poolWith(config: string, pool: string, members: number): Promise<{config: string; api: FakeApi}> {
  const api = new FakeApi()
  if (members > 0) {
    const up = await runCommand(PoolUp, [pool, '-n', String(members), '-c', config, '--json'], {api})
    if (up.status !== 0) throw new Error(`the pool's members could not be made: ${up.stderr}`)
  }
  api.droplets = api.droplets.map((d, i): Droplet => ({...d, status: 'active', public_ipv4: `203.0.113.${i + 10}`}))
  api.calls.length = 0
  return {config, api}
}
