import {describe, expect, it} from 'vitest'

import PoolUp from '../../../src/commands/pool/up.js'
import {runCommand} from '../../support/command.js'
import {FakeApi} from '../../support/fake-api.js'
import {writeCpuPoolConfig} from '../../support/pools.js'

describe('pool up without -n (the default count of 1)', () => {
  const config = writeCpuPoolConfig('up-default-count')

  it('says on stderr that it creates 1, the default, and creates 1', async () => {
    const api = new FakeApi()
    const run = await runCommand(PoolUp, ['cpu', '-c', config, '--json'], {api})
    expect(run.status).toBe(0)
    expect(run.stderr).toContain('no -n/--count given: creating 1 droplet (the default; -n N for more)\n')
    expect(JSON.parse(run.stdout).created).toHaveLength(1)
  })

  it('says it in a dry run too, as a plan', async () => {
    const run = await runCommand(PoolUp, ['cpu', '-c', config, '--dry-run'], {api: new FakeApi()})
    expect(run.status).toBe(0)
    expect(run.stderr).toContain('no -n/--count given: a plan for 1 droplet (the default; -n N for more)\n')
  })

  it('says nothing of the default when -n or --count is given, even as 1, nor under -q', async () => {
    for (const argv of [['-n', '1'], ['--count=1'], ['-q']]) {
      const run = await runCommand(PoolUp, ['cpu', '-c', config, ...argv], {api: new FakeApi()})
      expect(run.status).toBe(0)
      expect(run.stderr).not.toContain('the default')
    }
  })
})
