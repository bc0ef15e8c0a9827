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

  it('-o json is --json; -o text is the table; -o yaml is exit 2 naming the formats, before any request', async () => {
    const api = new FakeApi()
    expect((await runCommand(Regions, ['-o', 'json'], {api})).stdout).toBe((await runCommand(Regions, ['--json'], {api})).stdout)
    expect((await runCommand(Regions, ['-o', 'text'], {api})).stdout).toBe((await runCommand(Regions, [], {api})).stdout)
    api.calls.length = 0
    const yaml = await runCommand(Regions, ['--output', 'yaml'], {api})
    expect(yaml.status).toBe(2)
    expect(yaml.stderr).toMatch(/^Error: -o\/--output yaml: not an output format; -o takes json, text or wide\nTry this:\n {2}-o json for the JSON document, -o text \(the default\), -o wide for every column of a table\n$/)
    expect(api.calls).toEqual([])
  })
})
