import {describe, expect, it} from 'vitest'

import PoolScale from '../../../src/commands/pool/scale.js'
import {runCommand} from '../../support/command.js'
import {cpuPoolWith} from '../../support/pool-fixture.js'

describe('pool scale (the command, with a fake API)', () => {
  it('--to 5 from 2 creates the 3 missing, and says so', async () => {
    const {config, api} = await cpuPoolWith(2, 'scale-up')
    const run = await runCommand(PoolScale, ['cpu', '--to', '5', '-c', config, '--json'], {api})
    expect(run.status).toBe(0)
    const output = JSON.parse(run.stdout)
    expect(output.created).toHaveLength(3)
    expect(api.droplets).toHaveLength(5)
  })

  it('--to 1 from 3 with --yes deletes 2', async () => {
    const {config, api} = await cpuPoolWith(3, 'scale-down')
    const run = await runCommand(PoolScale, ['cpu', '--to', '1', '--yes', '-c', config, '--json'], {api})
    expect(run.status).toBe(0)
    expect(JSON.parse(run.stdout).deleted).toHaveLength(2)
    expect(api.droplets).toHaveLength(1)
  })

  it('--to the size it has changes nothing and sends no create or delete', async () => {
    const {config, api} = await cpuPoolWith(2, 'scale-same')
    const run = await runCommand(PoolScale, ['cpu', '--to', '2', '-c', config], {api})
    expect(run.status).toBe(0)
    expect(api.callsOf('createDroplets')).toEqual([])
    expect(api.callsOf('deleteDroplet')).toEqual([])
  })

  it('shrinking without --yes and without a terminal: exit 2, nothing deleted', async () => {
    const {config, api} = await cpuPoolWith(2, 'scale-refused')
    const run = await runCommand(PoolScale, ['cpu', '--to', '0', '-c', config], {api})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('--yes')
    expect(api.callsOf('deleteDroplet')).toEqual([])
  })

  it('--dry-run --to 4 from 1 says it would create 3 and creates none', async () => {
    const {config, api} = await cpuPoolWith(1, 'scale-dry')
    const run = await runCommand(PoolScale, ['cpu', '--to', '4', '--dry-run', '-c', config], {api})
    expect(run.status).toBe(0)
    expect(run.stdout + run.stderr).toMatch(/would create 3/)
    expect(api.callsOf('createDroplets')).toEqual([])
  })
})
