import {describe, expect, it} from 'vitest'

import PoolReap from '../../../src/commands/pool/reap.js'
import {runCommand} from '../../support/command.js'
import {cpuPoolWith} from '../../support/pool-fixture.js'

const NOW = Date.parse('2026-12-04T12:00:00Z')

describe('pool reap (the command, with a fake API and clock)', () => {
  it('deletes a member still `new` past --stuck-after and leaves the active ones', async () => {
    const {config, api} = await cpuPoolWith(3, 'reap')
    const [stuck] = api.droplets
    if (!stuck) throw new Error('the fixture made no member')
    // Created an hour before the test's clock, and never became active.
    Object.assign(stuck, {status: 'new', public_ipv4: null, created_at: new Date(NOW - 60 * 60_000).toISOString()})
    const run = await runCommand(PoolReap, ['cpu', '--yes', '--stuck-after', '30m', '-c', config, '--json'], {api, now: () => NOW})
    expect(run.status).toBe(0)
    expect(api.callsOf('deleteDroplet')).toEqual([[stuck.id]])
    expect(api.droplets.map((d) => d.id)).not.toContain(stuck.id)
  })

  it('a member younger than --stuck-after is left alone', async () => {
    const {config, api} = await cpuPoolWith(1, 'reap-young')
    const [member] = api.droplets
    if (!member) throw new Error('the fixture made no member')
    Object.assign(member, {status: 'new', created_at: new Date(NOW - 5 * 60_000).toISOString()})
    const run = await runCommand(PoolReap, ['cpu', '--yes', '--stuck-after', '30m', '-c', config], {api, now: () => NOW})
    expect(run.status).toBe(0)
    expect(api.callsOf('deleteDroplet')).toEqual([])
  })

  it('without --yes and without a terminal: exit 2 when there is something to delete, after looking; nothing deleted', async () => {
    const {config, api} = await cpuPoolWith(2, 'reap-refused')
    const [stuck] = api.droplets
    if (!stuck) throw new Error('the fixture made no member')
    Object.assign(stuck, {status: 'new', public_ipv4: null, created_at: new Date(NOW - 60 * 60_000).toISOString()})
    const run = await runCommand(PoolReap, ['cpu', '-c', config], {api, now: () => NOW})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('Error: pool reap deletes droplets: without a terminal to confirm on, pass --yes (it would delete 1 droplet; nothing was deleted)')
    expect(api.callsOf('deleteDroplet')).toEqual([])
    expect(api.droplets).toHaveLength(2)
  })

  it('nothing to reap needs no --yes, even without a terminal: exit 0, `nothing to reap`', async () => {
    const {config, api} = await cpuPoolWith(2, 'reap-nothing')
    const run = await runCommand(PoolReap, ['cpu', '-c', config], {api, now: () => NOW})
    expect(run.status).toBe(0)
    expect(run.stderr).toContain('nothing to reap')
    expect(run.stderr).not.toContain('--yes')
    expect(api.callsOf('deleteDroplet')).toEqual([])
    const json = await runCommand(PoolReap, ['--all', '-c', config, '--json'], {api, now: () => NOW})
    expect([json.status, JSON.parse(json.stdout)]).toEqual([0, {reaped: [], failed: [], kept: []}])
  })
})
