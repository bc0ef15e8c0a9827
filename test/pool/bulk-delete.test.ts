import {describe, expect, it} from 'vitest'

import {deleteChosen, type DeleteChosenOptions} from '../../src/lib/pool/bulk-delete.js'
import {ApiError, NetworkError} from '../../src/lib/do/errors.js'
import type {Droplet} from '../../src/lib/do/types.js'
import {FakeApi} from '../support/fake-api.js'

const RANDOM = () => new Uint8Array(16).fill(7)
const TAG = `velda-do-bulk-delete:${'07'.repeat(16)}`

function droplet(id: number, size = 's-1vcpu-1gb'): Droplet {
  const gpu = size.startsWith('gpu-')
  return {
    id, name: `velda-cafe-${id}`, status: 'active', region: gpu ? 'atl1' : 'nyc3', size, image: 'ubuntu-24-04-x64', public_ipv4: null, private_ipv4: null, public_ipv6: null,
    created_at: '2026-12-04T20:00:00Z', tags: ['velda', 'velda-pool:cpu'], price_hourly: 0.00893, gpu_model: gpu ? 'amd_mi300x' : null,
  }
}

const ids = (from: number, count: number) => Array.from({length: count}, (_, i) => from + i)

function run(api: FakeApi, chosen: Droplet[], overrides: Partial<DeleteChosenOptions> = {}) {
  const steps: string[] = []
  const progress: string[] = []
  const outcome = deleteChosen(api, chosen, {
    concurrency: 20,
    isInterrupted: () => false,
    onProgress: (done, total) => progress.push(`${done}/${total}`),
    onStep: (text) => steps.push(text),
    randomBytes: RANDOM,
    ...overrides,
  })
  return {outcome, steps, progress}
}

const methods = (api: FakeApi) => api.calls.map((c) => c.method)
const left = (api: FakeApi) => api.droplets.map((d) => d.id)

describe('deleting the chosen droplets', () => {
  it('20 or fewer: one DELETE each, no tag', async () => {
    const api = new FakeApi({droplets: ids(1, 20).map((id) => droplet(id))})
    const {outcome} = run(api, api.droplets.slice())
    expect((await outcome).deleted.map((d) => d.id)).toEqual(ids(1, 20))
    expect(methods(api)).toEqual(Array(20).fill('deleteDroplet'))
  })

  it('21: tags them, checks the count, deletes by the tag, deletes the tag, lists to see; every droplet named, in the order chosen', async () => {
    const api = new FakeApi({droplets: [...ids(1, 21), 99].map((id) => droplet(id))})
    const chosen = api.droplets.slice(0, 21).reverse()
    const {outcome, steps, progress} = run(api, chosen)
    const result = await outcome
    expect(result).toEqual({deleted: chosen.map(({id, name}) => ({id, name})), failed: [], interrupted: false})
    expect(methods(api)).toEqual(['createTag', 'tagDroplets', 'tagCounts', 'deleteDropletsByTag', 'deleteTag', 'listDroplets'])
    expect(api.callsOf('tagDroplets')).toEqual([[TAG, chosen.map((d) => d.id)]])
    expect(api.callsOf('deleteDropletsByTag')).toEqual([[TAG]])
    expect(api.callsOf('listDroplets')).toEqual([[{tagName: 'velda'}]])
    expect(left(api)).toEqual([99])
    expect(api.droplets[0]?.tags).toEqual(['velda', 'velda-pool:cpu'])
    expect(steps).toEqual(['tagging 21 droplets to delete them in one request', 'deleting 21 droplets by their tag'])
    expect(progress).toEqual(['21/21'])
  })

  it('lists GPU droplets where DigitalOcean lists them (type=gpus), and only there when all are GPU droplets', async () => {
    const api = new FakeApi({droplets: ids(1, 25).map((id) => droplet(id, 'gpu-mi300x1-192gb-devcloud'))})
    const result = await run(api, api.droplets.slice()).outcome
    expect(result.deleted).toHaveLength(25)
    expect(api.callsOf('listDroplets')).toEqual([[{gpus: true}]])
  })

  it('a tag count that does not match (another droplet got the tag meanwhile): untags, deletes the chosen one by one, and nothing else', async () => {
    const other = droplet(500)
    const api = new FakeApi({droplets: [...ids(1, 30).map((id) => droplet(id)), other]})
    const chosen = api.droplets.slice(0, 30)
    const tagDroplets = api.tagDroplets.bind(api)
    api.tagDroplets = async (name, dropletIds) => {
      await tagDroplets(name, dropletIds)
      // Someone else's droplet carries the tag too, by the time it is counted.
      api.droplets = api.droplets.map((d) => (d.id === 500 ? {...d, tags: [...d.tags, name]} : d))
    }
    const {outcome, steps} = run(api, chosen)
    const result = await outcome
    expect(result.deleted.map((d) => d.id)).toEqual(ids(1, 30))
    expect(result.failed).toEqual([])
    expect(api.callsOf('deleteDropletsByTag')).toEqual([])
    expect(api.callsOf('deleteTag')).toEqual([[TAG]])
    expect(api.callsOf('deleteDroplet').flat()).toEqual(ids(1, 30))
    expect(api.droplets).toEqual([other])
    expect(steps).toContain('deleting one by one instead: the tag is on 31 droplets, not the 30 chosen')
  })

  it('a tagging refused (a token without tag:create): deletes one by one', async () => {
    const refused = new ApiError(403, 'forbidden', 'You are not authorized to perform this operation', null, {method: 'POST', path: '/v2/tags', attempts: 1})
    const api = new FakeApi({droplets: ids(1, 22).map((id) => droplet(id)), fail: {createTag: () => refused}})
    const {outcome, steps} = run(api, api.droplets.slice())
    expect((await outcome).deleted).toHaveLength(22)
    expect(api.callsOf('deleteDroplet')).toHaveLength(22)
    expect(api.callsOf('deleteDropletsByTag')).toEqual([])
    expect(steps[1]).toMatch(/^deleting one by one instead: the tag could not be put on them: .*403/)
  })

  it('stopped between tagging and deleting: untags them, deletes nothing, each named as not deleted', async () => {
    const api = new FakeApi({droplets: ids(1, 25).map((id) => droplet(id))})
    let stopped = false
    const tagCounts = api.tagCounts.bind(api)
    api.tagCounts = async (name) => {
      stopped = true
      return tagCounts(name)
    }
    const result = await run(api, api.droplets.slice(), {isInterrupted: () => stopped}).outcome
    expect(result.interrupted).toBe(true)
    expect(result.deleted).toEqual([])
    expect(result.failed.map((f) => f.error)).toEqual(Array(25).fill('not attempted: interrupted'))
    expect(result.tagLeft).toBeUndefined()
    expect(left(api)).toEqual(ids(1, 25))
    expect(api.droplets.every((d) => !d.tags.includes(TAG))).toBe(true)
    expect(methods(api).at(-1)).toBe('deleteTag')
  })

  it('stopped, and the tag cannot be deleted: names the tag left on them', async () => {
    const lost = new NetworkError({method: 'DELETE', origin: 'https://api.fake.test', path: `/v2/tags/${TAG}`, attempts: 5}, 'connection reset', 'ECONNRESET')
    const api = new FakeApi({droplets: ids(1, 25).map((id) => droplet(id)), fail: {deleteTag: () => lost}})
    let stopped = false
    const tagCounts = api.tagCounts.bind(api)
    api.tagCounts = async (name) => {
      stopped = true
      return tagCounts(name)
    }
    const result = await run(api, api.droplets.slice(), {isInterrupted: () => stopped}).outcome
    expect(result.tagLeft).toBe(TAG)
    expect(result.deleted).toEqual([])
    expect(left(api)).toEqual(ids(1, 25))
  })

  it('a lost answer to the delete by tag: lists, sends it no second time, deletes what is still listed by id', async () => {
    const api = new FakeApi({droplets: ids(1, 40).map((id) => droplet(id))})
    api.deleteDropletsByTag = async (tag) => {
      api.calls.push({method: 'deleteDropletsByTag', args: [tag]})
      // Half went before the connection dropped.
      api.droplets = api.droplets.filter((d) => !d.tags.includes(tag) || d.id > 20)
      throw new NetworkError({method: 'DELETE', origin: 'https://api.fake.test', path: `/v2/droplets?tag_name=${tag}`, attempts: 1}, 'connection reset', 'ECONNRESET')
    }
    const {outcome, steps, progress} = run(api, api.droplets.slice())
    const result = await outcome
    expect(result.deleted.map((d) => d.id)).toEqual(ids(1, 40))
    expect(result.failed).toEqual([])
    expect(api.callsOf('deleteDropletsByTag')).toHaveLength(1)
    expect(api.callsOf('deleteDroplet').flat()).toEqual(ids(21, 20))
    expect(steps.at(-1)).toMatch(/^20 droplets still listed after the delete by tag failed \(.*connection reset.*\); deleting them one by one$/)
    expect(progress[0]).toBe('20/40')
    expect(progress.at(-1)).toBe('40/40')
    expect(api.droplets).toEqual([])
  })

  it('a lost answer to the delete by tag, then a stop: what went is deleted, what is still listed is named as not deleted', async () => {
    const api = new FakeApi({droplets: ids(1, 40).map((id) => droplet(id))})
    let stopped = false
    api.deleteDropletsByTag = async (tag) => {
      api.droplets = api.droplets.filter((d) => !d.tags.includes(tag) || d.id > 30)
      stopped = true
      throw new NetworkError({method: 'DELETE', origin: 'https://api.fake.test', path: `/v2/droplets?tag_name=${tag}`, attempts: 1}, 'connection reset', 'ECONNRESET')
    }
    const result = await run(api, api.droplets.slice(), {isInterrupted: () => stopped}).outcome
    expect(result.interrupted).toBe(true)
    expect(result.deleted.map((d) => d.id)).toEqual(ids(1, 30))
    expect(result.failed.map((d) => d.id)).toEqual(ids(31, 10))
    expect(result.failed[0]?.error).toBe('still there after the delete by tag; stopped before deleting it by id')
    expect(api.callsOf('deleteDroplet')).toEqual([])
    // Untagged: the tag went with the delete of the tag.
    expect(api.droplets.every((d) => !d.tags.includes(TAG))).toBe(true)
  })

  it('the listing after the delete fails: each chosen droplet is deleted by id, a 404 counting as deleted', async () => {
    const refused = new ApiError(503, 'unavailable', 'try later', null, {method: 'GET', path: '/v2/droplets', attempts: 5})
    const api = new FakeApi({droplets: ids(1, 21).map((id) => droplet(id)), fail: {listDroplets: () => refused}})
    const {outcome, steps} = run(api, api.droplets.slice())
    const result = await outcome
    expect(result.deleted).toHaveLength(21)
    expect(api.callsOf('deleteDroplet')).toHaveLength(21)
    expect(steps.at(-1)).toMatch(/^could not list the droplets to see what the delete by tag did \(.*503.*\); deleting them one by one$/)
  })
})

describe('a stop while tagging', () => {
  it('sends nothing more of the tagging: no count, no delete; the tag is deleted, every droplet named as not deleted', async () => {
    const api = new FakeApi({droplets: ids(1, 30).map((id) => droplet(id))})
    let stopped = false
    const tagDroplets = api.tagDroplets.bind(api)
    api.tagDroplets = async (name, dropletIds) => {
      await tagDroplets(name, dropletIds)
      stopped = true
    }
    const result = await run(api, api.droplets.slice(), {isInterrupted: () => stopped}).outcome
    expect(methods(api)).toEqual(['createTag', 'tagDroplets', 'deleteTag'])
    expect(result.interrupted).toBe(true)
    expect(result.failed).toHaveLength(30)
    expect(left(api)).toEqual(ids(1, 30))
  })
})
