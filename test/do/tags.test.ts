import {afterEach, describe, expect, it} from 'vitest'

import {createDigitalOceanApi, type DigitalOceanApi} from '../../src/lib/do/client.js'
import {ApiError, MalformedAnswerError, NetworkError} from '../../src/lib/do/errors.js'
import {isRunTag, newRunTag} from '../../src/lib/do/run-tag.js'
import {TAG_BATCH_SIZE} from '../../src/lib/do/tags.js'
import {Secret} from '../../src/lib/base/secret.js'
import type {FaultRule} from '../../src/lib/simulator/faults.js'
import {type Simulator, startSimulator} from '../../src/lib/simulator/server.js'
import {failure} from '../support/failure.js'

const NOW = Date.UTC(2026, 11, 4, 23, 0, 0)
const TAG = newRunTag(() => new Uint8Array(16).fill(0xab))
let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

async function setup(faults: FaultRule[] = []): Promise<{sim: Simulator; api: DigitalOceanApi}> {
  sim = await startSimulator({now: () => NOW, activeAfterMs: 0, faults})
  const api = await createDigitalOceanApi({endpoint: sim.url, token: new Secret(sim.token), now: () => NOW, sleep: async () => {}, random: () => 0.5})
  return {sim, api}
}

const sent = (s: Simulator) => s.requests().map((r) => `${r.method} ${r.path}${r.query}`)
const left = (s: Simulator) => s.core.dropletList().map((d) => d.id as number)

describe('run tags', () => {
  it.each([
    ['a run tag', TAG, true],
    ['the shared velda tag', 'velda', false],
    ['a pool tag', 'velda-pool:cpu', false],
    ['a lease tag', 'velda-expires:1796000000', false],
    ['a user tag', 'env:prod', false],
    ['the prefix alone', 'velda-do-bulk-delete:', false],
    ['31 hex digits', `velda-do-bulk-delete:${'a'.repeat(31)}`, false],
    ['33 hex digits', `velda-do-bulk-delete:${'a'.repeat(33)}`, false],
    ['upper-case hex', `velda-do-bulk-delete:${'A'.repeat(32)}`, false],
    ['a run tag with more after it', `${TAG}:x`, false],
    ['a run tag after something else', `x${TAG}`, false],
    ['not a string', 42, false],
  ])('%s: %s', (_name, name, expected) => {
    expect(isRunTag(name)).toBe(expected)
  })

  it('are DigitalOcean tag names (letters, digits, : - _, at most 255) made of 32 hex digits of the random bytes', () => {
    expect(TAG).toBe(`velda-do-bulk-delete:${'ab'.repeat(16)}`)
    expect(TAG).toMatch(/^[a-zA-Z0-9_:-]{1,255}$/)
    expect(newRunTag(() => Uint8Array.from({length: 16}, (_, i) => i))).toBe('velda-do-bulk-delete:000102030405060708090a0b0c0d0e0f')
    expect(() => newRunTag(() => new Uint8Array(8))).toThrow(/needs 16 random bytes, got 8/)
  })
})

describe('tags through the API layer', () => {
  it(`makes a tag, tags droplets ${TAG_BATCH_SIZE} a request, counts them, deletes them by the tag, then the tag`, async () => {
    const {sim, api} = await setup()
    const chosen = sim.seedDroplets({count: 450, tags: ['velda']}).map((d) => d.id)
    const others = sim.seedDroplets({count: 3, tags: ['velda']}).map((d) => d.id)
    await api.createTag(TAG)
    await api.tagDroplets(TAG, chosen)
    expect(await api.tagCounts(TAG)).toEqual({resources: 450, droplets: 450})
    await api.deleteDropletsByTag(TAG)
    expect(left(sim)).toEqual(others)
    expect(await api.deleteTag(TAG)).toBe('deleted')
    expect(await api.tagCounts(TAG)).toBeNull()
    expect(await api.deleteTag(TAG)).toBe('already-gone')
    const path = `/v2/tags/${TAG}`
    expect(sent(sim)).toEqual([
      'POST /v2/tags',
      ...Array(3).fill(`POST ${path}/resources`),
      `GET ${path}`,
      `DELETE /v2/droplets?tag_name=${TAG}`,
      `DELETE ${path}`,
      `GET ${path}`,
      `DELETE ${path}`,
    ])
    const bodies = sim.requests().filter((r) => r.path.endsWith('/resources')).map((r) => (JSON.parse(r.body) as {resources: unknown[]}).resources)
    expect(bodies.map((b) => b.length)).toEqual([200, 200, 50])
    expect(bodies[0]?.[0]).toEqual({resource_id: String(chosen[0]), resource_type: 'droplet'})
  })

  it.each(['velda', 'velda-pool:cpu', 'env:prod', `velda-do-bulk-delete:${'A'.repeat(32)}`, ''])('refuses to delete droplets by %j: no request is sent, no droplet goes', async (tag) => {
    const {sim, api} = await setup()
    const ids = sim.seedDroplets({count: 3, tags: ['velda', 'velda-pool:cpu', 'env:prod']}).map((d) => d.id)
    const error = await failure(api.deleteDropletsByTag(tag))
    expect(error).toBeInstanceOf(RangeError)
    expect(error.message).toMatch(/refusing to send DELETE \/v2\/droplets\?tag_name=.*only a tag made for one bulk delete/)
    expect(sent(sim)).toEqual([])
    expect(left(sim)).toEqual(ids)
  })

  it('does not send a delete by tag again after a lost answer: the droplets are gone, one request went', async () => {
    const {sim, api} = await setup([{method: 'DELETE', path: '/v2/droplets', action: {type: 'ambiguous', then: 'drop'}}])
    const ids = sim.seedDroplets({count: 30}).map((d) => d.id)
    await api.createTag(TAG)
    await api.tagDroplets(TAG, ids)
    const error = await failure(api.deleteDropletsByTag(TAG))
    expect(error).toBeInstanceOf(NetworkError)
    expect(sent(sim).filter((r) => r.startsWith('DELETE'))).toEqual([`DELETE /v2/droplets?tag_name=${TAG}`])
    expect(left(sim)).toEqual([])
  })

  it('does not send a delete by tag again after a 500, and waits out a 429 (nothing was done) to send it again', async () => {
    const {sim, api} = await setup([
      {method: 'DELETE', path: '/v2/droplets', nth: 1, action: {type: 'rate-limit', retryAfterSeconds: 1}},
      {method: 'DELETE', path: '/v2/droplets', nth: 2, action: {type: 'status', status: 500}},
    ])
    const ids = sim.seedDroplets({count: 25}).map((d) => d.id)
    await api.createTag(TAG)
    await api.tagDroplets(TAG, ids)
    const error = await failure(api.deleteDropletsByTag(TAG))
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).status).toBe(500)
    expect(sent(sim).filter((r) => r.startsWith('DELETE'))).toHaveLength(2)
    expect(left(sim)).toEqual(ids)
  })

  it('asks again after a lost answer to a tag or a tagging (each is idempotent), and the count is right', async () => {
    const {sim, api} = await setup([
      {method: 'POST', path: '/v2/tags', action: {type: 'ambiguous', then: 'drop'}},
      {method: 'POST', path: `/v2/tags/${TAG}/resources`, action: {type: 'ambiguous', then: 'status', status: 502}},
    ])
    const ids = sim.seedDroplets({count: 21}).map((d) => d.id)
    await api.createTag(TAG)
    await api.tagDroplets(TAG, ids)
    expect(await api.tagCounts(TAG)).toEqual({resources: 21, droplets: 21})
    expect(sent(sim).filter((r) => r.startsWith('POST'))).toEqual(['POST /v2/tags', 'POST /v2/tags', `POST /v2/tags/${TAG}/resources`, `POST /v2/tags/${TAG}/resources`])
  })

  it.each([
    ['a missing droplet count', {remove: ['tag.resources.droplets.count']}, /tag\.resources\.droplets\.count is undefined, not a count/],
    ['a count that is text', {set: {'tag.resources.count': '5'}}, /tag\.resources\.count is "5", not a count/],
    ['a negative count', {set: {'tag.resources.droplets.count': -1}}, /not a count/],
    ['another tag', {set: {'tag.name': 'velda'}}, /names the tag "velda", not velda-do-bulk-delete:/],
  ])('refuses a tag answer with %s: never read as "nothing else carries it"', async (_name, patch, message) => {
    const {sim, api} = await setup([{method: 'GET', path: `/v2/tags/${TAG}`, action: {type: 'patch-json', ...patch}}])
    sim.seedDroplets({count: 2})
    await api.createTag(TAG)
    const error = await failure(api.tagCounts(TAG))
    expect(error).toBeInstanceOf(MalformedAnswerError)
    expect(error.message).toMatch(message)
  })

  it('refuses to tag an id that is not a droplet id, before any request', async () => {
    const {sim, api} = await setup()
    await expect(api.tagDroplets(TAG, [1, 0])).rejects.toThrow(/refusing to tag 0/)
    expect(sent(sim)).toEqual([])
  })
})
