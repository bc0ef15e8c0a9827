import {describe, expect, it} from 'vitest'

import PoolList from '../../../src/commands/pool/list.js'
import {runCommand} from '../../support/command.js'
import {cpuPoolWith} from '../../support/pool-fixture.js'

describe('pool list (the command, with a fake API)', () => {
  it('lists the members of the pool with their addresses, and the pool\'s count in --json', async () => {
    const {config, api} = await cpuPoolWith(3, 'list')
    const run = await runCommand(PoolList, ['cpu', '-c', config], {api})
    expect(run.status).toBe(0)
    for (const droplet of api.droplets) expect(run.stdout).toContain(droplet.name)
    expect(run.stdout).toContain('203.0.113.10')
    const json = JSON.parse((await runCommand(PoolList, ['cpu', '-c', config, '--json'], {api})).stdout)
    expect(json.droplets).toHaveLength(3)
    expect(json.pools[0]).toMatchObject({name: 'cpu', count: 3})
  })

  it('a droplet that is not the pool\'s (no velda tag) is not listed', async () => {
    const {config, api} = await cpuPoolWith(1, 'list-foreign')
    const member = api.droplets[0]
    if (!member) throw new Error('the fixture made no member')
    api.droplets.push({...member, id: 99, name: `${member.name.slice(0, -5)}zzzzz`, tags: []})
    const run = await runCommand(PoolList, ['cpu', '-c', config, '--json'], {api})
    expect(JSON.parse(run.stdout).droplets.map((d: {id: number}) => d.id)).toEqual([member.id])
  })

  it('an unknown pool is exit 2 naming the pools there are, before any request', async () => {
    const {config, api} = await cpuPoolWith(0, 'list-unknown')
    const run = await runCommand(PoolList, ['gpu', '-c', config], {api})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('cpu')
    expect(api.calls).toEqual([])
  })

  it('-o json is --json: the same document', async () => {
    const {config, api} = await cpuPoolWith(2, 'list-o-json')
    const json = await runCommand(PoolList, ['cpu', '-c', config, '--json'], {api})
    for (const spelling of [['-o', 'json'], ['-ojson'], ['--output=json']]) {
      const run = await runCommand(PoolList, ['cpu', '-c', config, ...spelling], {api, tty: true})
      expect(run.status).toBe(0)
      expect(JSON.parse(run.stdout)).toEqual(JSON.parse(json.stdout))
      expect(run.stderr).toBe('')
    }
  })

  it('-o json with --format is refused as --json is: exit 2, the error as JSON, nothing sent', async () => {
    const {config, api} = await cpuPoolWith(1, 'list-o-json-format')
    const run = await runCommand(PoolList, ['cpu', '-c', config, '-o', 'json', '--format', 'name'], {api})
    expect(run.status).toBe(2)
    expect(JSON.parse(run.stdout).error).toMatchObject({code: 'usage', message: '--format cannot also be provided when using -o json (the same as --json)'})
    expect(api.calls).toEqual([])
  })
})
