import {describe, expect, it} from 'vitest'

import PoolDown from '../../../src/commands/pool/down.js'
import PoolReap from '../../../src/commands/pool/reap.js'
import PoolScale from '../../../src/commands/pool/scale.js'
import {ApiError} from '../../../src/lib/do/errors.js'
import type {Droplet} from '../../../src/lib/do/types.js'
import {fakeFactory, runCommand} from '../../support/command.js'
import {type FakeApi, unprocessable} from '../../support/fake-api.js'
import {cpuPoolWith} from '../../support/pool-fixture.js'

const NOW = Date.parse('2026-12-04T12:00:00Z')

/** The CPU pool with `count` members, made as pool up makes them (one through pool up, the rest its copies). */
async function cpuPoolOf(count: number, purpose: string): Promise<{config: string; api: FakeApi}> {
  const {config, api} = await cpuPoolWith(1, purpose)
  const [first] = api.droplets
  if (!first) throw new Error('the fixture made no member')
  const prefix = first.name.slice(0, first.name.lastIndexOf('-'))
  api.droplets = Array.from({length: count}, (_, i): Droplet => ({...first, id: 5000 + i, name: `${prefix}-m${String(i).padStart(4, '0')}`}))
  return {config, api}
}

const asListed = (droplets: readonly Droplet[]) => droplets.map(({id, name}) => ({id, name}))
const tagRequests = (api: FakeApi) => api.calls.filter((c) => /tag/i.test(c.method)).map((c) => c.method)

describe('bulk deletes through the commands (a fake API)', () => {
  it('pool down --all of 60: the --json a user saw before (pool, deleted, failed), with one delete by a tag instead of 60 deletes', async () => {
    const {config, api} = await cpuPoolOf(60, 'bulk-all')
    const members = asListed(api.droplets)
    const run = await runCommand(PoolDown, ['cpu', '--all', '--yes', '-c', config, '--json'], {api})
    expect(run.status).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({pool: 'cpu', deleted: members, failed: []})
    expect(api.callsOf('deleteDroplet')).toEqual([])
    expect(tagRequests(api)).toEqual(['createTag', 'tagDroplets', 'tagCounts', 'deleteDropletsByTag', 'deleteTag'])
    expect(api.droplets).toEqual([])
  })

  it('pool down --all of 60 without --json: the same lines, one per droplet deleted, and the same last word', async () => {
    const {config, api} = await cpuPoolOf(60, 'bulk-all-text')
    const members = asListed(api.droplets)
    const run = await runCommand(PoolDown, ['cpu', '--all', '--yes', '-c', config], {api})
    expect(run.status).toBe(0)
    expect(run.stdout).toBe(members.map((d) => `deleted ${d.name} (${d.id})\n`).join(''))
    expect(run.stderr).toContain('tagging 60 droplets to delete them in one request')
    expect(run.stderr).toContain('deleted 60 droplets of pool cpu')
  })

  it('pool down --count 25 deletes the 25 chosen by tag, and leaves the rest untouched and untagged', async () => {
    const {config, api} = await cpuPoolOf(30, 'bulk-count')
    const run = await runCommand(PoolDown, ['cpu', '--count', '25', '--yes', '-c', config, '--json'], {api})
    expect(run.status).toBe(0)
    const deleted = JSON.parse(run.stdout).deleted as {id: number}[]
    expect(deleted).toHaveLength(25)
    expect(api.droplets).toHaveLength(5)
    expect(api.droplets.every((d) => d.tags.join(',') === 'velda,velda-pool:cpu')).toBe(true)
    expect(new Set([...deleted.map((d) => d.id), ...api.droplets.map((d) => d.id)]).size).toBe(30)
    expect(api.callsOf('deleteDropletsByTag')).toHaveLength(1)
  })

  it('pool down --name, 22 times: by tag too', async () => {
    const {config, api} = await cpuPoolOf(24, 'bulk-names')
    const named = api.droplets.slice(0, 22)
    const others = api.droplets.slice(22).map((d) => d.id)
    const run = await runCommand(PoolDown, ['cpu', ...named.flatMap((d) => ['--name', d.name]), '--yes', '-c', config, '--json'], {api})
    expect(run.status).toBe(0)
    expect(JSON.parse(run.stdout).deleted).toEqual(asListed(named))
    expect(api.droplets.map((d) => d.id)).toEqual(others)
    expect(api.callsOf('deleteDropletsByTag')).toHaveLength(1)
  })

  it('pool scale --to 5 from 40: deleted lists the 35, by tag', async () => {
    const {config, api} = await cpuPoolOf(40, 'bulk-scale')
    const run = await runCommand(PoolScale, ['cpu', '--to', '5', '--yes', '-c', config, '--json'], {api})
    expect(run.status).toBe(0)
    const result = JSON.parse(run.stdout)
    expect(result.deleted).toHaveLength(35)
    expect(result.failed).toEqual([])
    expect(result.created).toEqual([])
    expect(api.droplets).toHaveLength(5)
    expect(api.callsOf('deleteDroplet')).toEqual([])
    expect(api.callsOf('deleteDropletsByTag')).toHaveLength(1)
  })

  it('pool reap of 30 stuck members: reaped lists each with its reason, by tag', async () => {
    const {config, api} = await cpuPoolOf(30, 'bulk-reap')
    api.droplets = api.droplets.map((d) => ({...d, status: 'new', public_ipv4: null, created_at: new Date(NOW - 60 * 60_000).toISOString()}))
    const members = asListed(api.droplets)
    const run = await runCommand(PoolReap, ['cpu', '--yes', '--stuck-after', '30m', '--ignore-limits', '-c', config, '--json'], {api, now: () => NOW})
    expect(run.status, run.stderr).toBe(0)
    const result = JSON.parse(run.stdout)
    expect(result.reaped.map((d: {id: number; name: string}) => ({id: d.id, name: d.name}))).toEqual(members)
    expect(result.reaped[0]).toMatchObject({pool: 'cpu', reason: 'stuck'})
    expect(api.droplets).toEqual([])
    expect(api.callsOf('deleteDroplet')).toEqual([])
    expect(api.callsOf('deleteDropletsByTag')).toHaveLength(1)
  })

  it('SIGTERM between tagging and deleting: exit 143, nothing deleted, every droplet named as not deleted, untagged', async () => {
    const {config, api} = await cpuPoolOf(30, 'bulk-stop')
    const factory = fakeFactory({api})
    const tagCounts = api.tagCounts.bind(api)
    api.tagCounts = async (name) => {
      factory.signals.emit('SIGTERM')
      return tagCounts(name)
    }
    const run = await runCommand(PoolDown, ['cpu', '--all', '--yes', '-c', config, '--json'], factory)
    expect(run.status).toBe(143)
    const result = JSON.parse(run.stdout)
    expect(result.deleted).toEqual([])
    expect(result.failed).toHaveLength(30)
    expect(result.failed[0].error).toBe('not attempted: interrupted')
    expect(result.error.code).toBe('interrupted')
    expect(api.droplets).toHaveLength(30)
    expect(api.droplets.every((d) => d.tags.join(',') === 'velda,velda-pool:cpu')).toBe(true)
    expect(api.callsOf('deleteDropletsByTag')).toEqual([])
  })

  it('stopped, and the tag could not be deleted: the error names the tag and how to delete it', async () => {
    const {config, api} = await cpuPoolOf(30, 'bulk-stop-tag')
    const factory = fakeFactory({api})
    const tagCounts = api.tagCounts.bind(api)
    api.tagCounts = async (name) => {
      factory.signals.emit('SIGINT')
      return tagCounts(name)
    }
    api.deleteTag = async (name) => {
      throw new ApiError(500, 'server_error', 'Server Error', null, {method: 'DELETE', path: `/v2/tags/${name}`, attempts: 5})
    }
    const run = await runCommand(PoolDown, ['cpu', '--all', '--yes', '-c', config], factory)
    expect(run.status).toBe(130)
    const tag = (api.callsOf('createTag')[0] as string[])[0] ?? ''
    expect(tag).toMatch(/^velda-do-bulk-delete:[0-9a-f]{32}$/)
    expect(run.stderr).toContain(`the tag ${tag} of this delete could not be deleted; delete it with: doctl compute tag delete ${tag} --force`)
    expect(api.droplets).toHaveLength(30)
  })

  it('the delete by tag fails (500, nothing done) and 2 of the one-by-one deletes are refused: exit 4, what went and what did not, each named', async () => {
    const {config, api} = await cpuPoolOf(30, 'bulk-partial')
    const [first, second] = api.droplets
    api.deleteDropletsByTag = async (tag) => {
      api.calls.push({method: 'deleteDropletsByTag', args: [tag]})
      throw new ApiError(500, 'server_error', 'Server Error', null, {method: 'DELETE', path: `/v2/droplets?tag_name=${tag}`, attempts: 1})
    }
    const deleteDroplet = api.deleteDroplet.bind(api)
    api.deleteDroplet = async (id) => {
      if (id === first?.id || id === second?.id) {
        api.calls.push({method: 'deleteDroplet', args: [id]})
        throw unprocessable('droplet is locked')
      }
      return deleteDroplet(id)
    }
    const run = await runCommand(PoolDown, ['cpu', '--all', '--yes', '-c', config, '--json'], {api})
    expect(run.status).toBe(4)
    const result = JSON.parse(run.stdout)
    expect(result.deleted).toHaveLength(28)
    expect(result.failed.map((f: {id: number}) => f.id)).toEqual([first?.id, second?.id])
    expect(result.failed[0].error).toMatch(/droplet is locked/)
    expect(result.error.code).toBe('partial')
    expect(result.error.suggestions[0]).toContain(`velda-do pool down cpu --id ${first?.id} --id ${second?.id}`)
    expect(api.droplets.map((d) => d.id)).toEqual([first?.id, second?.id])
    expect(api.callsOf('deleteDropletsByTag')).toHaveLength(1)
  })
})
