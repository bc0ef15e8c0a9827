import {describe, expect, it} from 'vitest'

import RenderUserdata from '../../src/commands/render-userdata.js'
import PoolDown from '../../src/commands/pool/down.js'
import PoolLogs from '../../src/commands/pool/logs.js'
import PoolReap from '../../src/commands/pool/reap.js'
import PoolScale from '../../src/commands/pool/scale.js'
import PoolSsh from '../../src/commands/pool/ssh.js'
import PoolStatus from '../../src/commands/pool/status.js'
import PoolTop from '../../src/commands/pool/top.js'
import PoolUp from '../../src/commands/pool/up.js'
import {runCommand} from '../support/command.js'
import {EXAMPLE_CONFIG} from '../support/cli.js'
import {writeCpuPoolConfig} from '../support/pools.js'

/** Every command whose POOL is required, with what else it needs to get as far as its arguments. */
const COMMANDS = [
  ['render-userdata', RenderUserdata, []],
  ['pool up', PoolUp, []],
  ['pool down', PoolDown, ['--all']],
  ['pool scale', PoolScale, ['--to', '1']],
  ['pool status', PoolStatus, []],
  ['pool top', PoolTop, []],
  ['pool logs', PoolLogs, []],
  ['pool ssh', PoolSsh, []],
] as const

describe('a missing POOL argument lists the configured pools, as a misspelt one does', () => {
  it.each(COMMANDS)('%s without POOL: exit 2, the pools of the config it would read', async (_name, Command, extra) => {
    const run = await runCommand(Command, ['-c', EXAMPLE_CONFIG, ...extra])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(`Error: missing POOL, the name of a DigitalOcean pool in ${EXAMPLE_CONFIG}`)
    expect(run.stderr).toContain('Try this:\n  the pools are: cpu-small, amd-mi300x, amd-mi300x-8\n')
    expect(run.stderr).not.toContain('Missing 1 required arg')
  })

  it('the config of $VELDA_DO_CONFIG, as the command would read it; --json says the same', async () => {
    const config = writeCpuPoolConfig('missing-pool')
    const run = await runCommand(PoolStatus, ['--json'], {env: {VELDA_DO_CONFIG: config}})
    expect(run.status).toBe(2)
    expect(JSON.parse(run.stdout).error).toEqual({code: 'usage', message: `missing POOL, the name of a DigitalOcean pool in ${config}`, suggestions: ['the pools are: cpu']})
  })

  it('no config to read: the missing POOL, and how to get a config', async () => {
    const run = await runCommand(PoolUp, [])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(/^Error: missing POOL, the name of a pool in the config; and the config cannot be read: /)
    expect(run.stderr).toContain('velda-do config init')
  })
})

describe('pool reap, whose POOL may be --all instead', () => {
  it('neither POOL nor --all: exit 2, the pools of the config, and --all', async () => {
    const run = await runCommand(PoolReap, ['-c', EXAMPLE_CONFIG])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(`Error: say which pools: a POOL, or --all\nTry this:\n  the pools are: cpu-small, amd-mi300x, amd-mi300x-8\n  velda-do pool reap --all -c ${EXAMPLE_CONFIG}\n`)
  })
})
