import {describe, expect, it} from 'vitest'

import Regions from '../../src/commands/regions.js'
import {runCommand} from '../support/command.js'
import {FakeApi} from '../support/fake-api.js'

describe('regions (the command, with a fake API)', () => {
  it('lists the regions with the sizes each offers', async () => {
    const run = await runCommand(Regions, [], {api: new FakeApi()})
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/atl1\s+Atlanta 1/)
    expect(run.stdout).toContain('nyc3')
  })

  it('--json is the regions document; an API that fails is exit 3 with its message', async () => {
    const ok = await runCommand(Regions, ['--json'], {api: new FakeApi()})
    expect(JSON.parse(ok.stdout).regions.map((r: {slug: string}) => r.slug)).toEqual(['nyc3', 'atl1'])
    const {ApiError} = await import('../../src/lib/do/errors.js')
    const refused = new ApiError(401, 'unauthorized', 'Unable to authenticate you', null, {method: 'GET', path: '/v2/regions', attempts: 1})
    const failed = await runCommand(Regions, ['--json'], {api: new FakeApi({fail: {listRegions: () => refused}})})
    expect(failed.status).toBe(3)
    expect(JSON.parse(failed.stdout).error.message).toContain('Unable to authenticate you')
  })
})
