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

  describe('on a terminal', () => {
    const HEADERS = ['POOL', 'NAME', 'ID', 'STATUS', 'REGION', 'SIZE', 'PUBLIC IPV4', 'PRIVATE IPV4', 'AGE', '$/HOUR', 'EXPIRES']

    it('80 columns wide, the table leaves out its least needed columns, one line a droplet, and says which once on stderr', async () => {
      const {config, api} = await cpuPoolWith(3, 'list-80')
      const run = await runCommand(PoolList, ['cpu', '-c', config], {api, tty: true, columns: 80})
      expect(run.status).toBe(0)
      const [header, ...rows] = run.stdout.split('\n\n')[0]!.split('\n')
      const shown = header!.split(/ {2,}/)
      expect(shown.slice(0, 2)).toEqual(['POOL', 'NAME'])
      expect(shown).toContain('STATUS')
      expect(shown).not.toContain('PRIVATE IPV4')
      expect(rows).toHaveLength(3)
      for (const line of [header!, ...rows]) expect(line.length).toBeLessThanOrEqual(80)
      for (const row of rows) expect(row.split(/ {2,}/)).toHaveLength(shown.length)
      const leftOut = HEADERS.filter((h) => !shown.includes(h))
      expect(run.stderr.replaceAll('\n', ' ')).toBe(`to fit 80 columns: left out ${leftOut.join(', ')}. -o wide prints the whole table; --format picks columns `)
      for (const line of run.stderr.split('\n')) expect(line.length).toBeLessThanOrEqual(80)
    })

    it.each([
      ['-o wide', ['-o', 'wide'], {tty: true, columns: 80}],
      ['--output wide', ['--output', 'wide'], {tty: true, columns: 80}],
      ['a pipe', [], {}],
      ['a terminal that reports no width', [], {tty: true, columns: 0}],
    ])('%s: the whole table, no note', async (_what, flags, io) => {
      const {config, api} = await cpuPoolWith(2, 'list-wide')
      const run = await runCommand(PoolList, ['cpu', '-c', config, ...flags], {api, ...io})
      expect(run.status).toBe(0)
      expect(run.stdout.split('\n')[0]).toMatch(/^POOL +NAME +ID +STATUS +REGION +SIZE +PUBLIC IPV4 +PRIVATE IPV4 +AGE +\$\/HOUR +EXPIRES$/)
      expect(run.stderr).toBe('')
    })

    it('--format on a terminal is the columns picked, whole: --format brings back a column left out', async () => {
      const {config, api} = await cpuPoolWith(1, 'list-format')
      const run = await runCommand(PoolList, ['cpu', '-c', config, '--format', 'name,size,private_ipv4,region'], {api, tty: true, columns: 40})
      expect(run.stdout).toMatch(/^NAME +SIZE +PRIVATE IPV4 +REGION\nvelda-\S+ +s-1vcpu-1gb +\S+ +\w+\n$/)
      expect(run.stderr).toBe('')
    })
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
