import {describe, expect, it} from 'vitest'

import PoolDown from '../../../src/commands/pool/down.js'
import {runCommand} from '../../support/command.js'
import {FakeApi, unprocessable} from '../../support/fake-api.js'
import {cpuPoolWith} from '../../support/pool-fixture.js'

describe('pool down (the command, with a fake API)', () => {
  it('--count 2 --yes deletes two members and lists them', async () => {
    const {config, api} = await cpuPoolWith(3, 'down')
    const run = await runCommand(PoolDown, ['cpu', '-n', '2', '--yes', '-c', config, '--json'], {api})
    expect(run.status).toBe(0)
    expect(JSON.parse(run.stdout).deleted).toHaveLength(2)
    expect(api.callsOf('deleteDroplet')).toHaveLength(2)
    expect(api.droplets).toHaveLength(1)
  })

  it('without --yes and without a terminal: exit 2 before any request', async () => {
    const {config, api} = await cpuPoolWith(2, 'down-no')
    const run = await runCommand(PoolDown, ['cpu', '--all', '-c', config], {api})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('--yes')
    expect(api.calls).toEqual([])
  })

  it('at a terminal it shows the droplets and asks; "n" deletes nothing (exit 130)', async () => {
    const {config, api} = await cpuPoolWith(2, 'down-ask')
    const run = await runCommand(PoolDown, ['cpu', '--all', '-c', config], {api, tty: true, stdin: 'n\n'})
    expect(run.stderr).toContain('Delete these 2 droplets of pool cpu? [y/N]')
    for (const droplet of api.droplets) expect(run.stderr).toContain(droplet.name)
    expect(run.status).toBe(130)
    expect(api.callsOf('deleteDroplet')).toEqual([])
  })

  it('the table the prompt shows fits the terminal it asks on, and says what it left out; -o wide shows it whole', async () => {
    const {config, api} = await cpuPoolWith(2, 'down-ask-narrow')
    const run = await runCommand(PoolDown, ['cpu', '--all', '-c', config], {api, tty: true, columns: 60, stdin: 'n\n'})
    const table = run.stderr.split('\n').slice(0, 3)
    expect(table[0]).toMatch(/^POOL +NAME +.*STATUS/)
    expect(table[0]).not.toContain('PRIVATE IPV4')
    for (const line of table) expect(line.length).toBeLessThanOrEqual(60)
    expect(run.stderr.replaceAll('\n', ' ')).toMatch(/to fit 60 columns: left out [^.]*PRIVATE IPV4[^.]*\. -o wide prints the whole table; --format picks columns .*Delete these 2 droplets/)
    const wide = await runCommand(PoolDown, ['cpu', '--all', '-c', config, '-o', 'wide'], {api, tty: true, columns: 60, stdin: 'n\n'})
    expect(wide.stderr.split('\n')[0]).toMatch(/^POOL +NAME +ID +STATUS +REGION +SIZE +PUBLIC IPV4 +PRIVATE IPV4 +AGE +\$\/HOUR +EXPIRES$/)
    expect(wide.stderr).not.toContain('to fit')
  })

  it('at a terminal, "y" deletes them', async () => {
    const {config, api} = await cpuPoolWith(2, 'down-yes')
    const run = await runCommand(PoolDown, ['cpu', '--all', '-c', config], {api, tty: true, stdin: 'y\n'})
    expect(run.status).toBe(0)
    expect(api.droplets).toEqual([])
  })

  it('--dry-run names what would go and deletes nothing', async () => {
    const {config, api} = await cpuPoolWith(2, 'down-dry')
    const run = await runCommand(PoolDown, ['cpu', '--all', '--dry-run', '-c', config, '--json'], {api})
    expect(run.status).toBe(0)
    expect(JSON.parse(run.stdout).would_delete).toHaveLength(2)
    expect(api.callsOf('deleteDroplet')).toEqual([])
  })

  it('deletes that fail: the retry it suggests carries the -c and --api-endpoint typed, after its --id flags', async () => {
    const {config, api} = await cpuPoolWith(2, 'down-retry')
    const failing = api.droplets[1]
    const failingApi = new FakeApi({droplets: api.droplets, fail: {deleteDroplet: (id) => (id === failing?.id ? unprocessable('droplet is locked') : null)}})
    const run = await runCommand(PoolDown, ['cpu', '--all', '--yes', '-c', config, '--api-endpoint', 'http://127.0.0.1:4010'], {api: failingApi})
    expect(run.status).toBe(4)
    expect(run.stderr).toContain(`velda-do pool down cpu --id ${failing?.id} -c ${config} --api-endpoint http://127.0.0.1:4010\n`)
  })
})
