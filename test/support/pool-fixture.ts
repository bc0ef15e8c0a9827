import PoolUp from '../../src/commands/pool/up.js'
import type {Droplet} from '../../src/lib/do/types.js'
import {runCommand} from './command.js'
import {FakeApi} from './fake-api.js'
import {writeCpuPoolConfig} from './pools.js'

/**
 * A config with the CPU pool `cpu` and a fake account holding `members` of it, created the way `pool up` creates
 * them (names, tags), then active with the addresses given (203.0.113.0/24: documentation addresses, never dialled:
 * a test's ssh is fake).
 */
export async function cpuPoolWith(members: number, purpose: string): Promise<{config: string; api: FakeApi}> {
  const config = writeCpuPoolConfig(purpose)
  const api = new FakeApi()
  if (members > 0) {
    const up = await runCommand(PoolUp, ['cpu', '-n', String(members), '-c', config, '--json'], {api})
    if (up.status !== 0) throw new Error(`the pool's members could not be made: ${up.stderr}`)
  }
  api.droplets = api.droplets.map((d, i): Droplet => ({...d, status: 'active', public_ipv4: `203.0.113.${i + 10}`}))
  api.calls.length = 0
  return {config, api}
}
