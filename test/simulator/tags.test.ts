import {describe, expect, it} from 'vitest'

import {parseCapacitySpecs} from '../../src/lib/simulator/capacity.js'
import {SimulatorCore} from '../../src/lib/simulator/core.js'
import type {RateLimits} from '../../src/lib/simulator/rate-limit.js'

const TOKEN = 'dop_v1_tags'
const START = Date.UTC(2026, 11, 4, 22, 0, 0)

/** The simulator's tag endpoints, on its own (no network): what velda-do's bulk deletes will stand on. */
let batches = 0

function simulator(options: {capacity?: string[]; rateLimits?: RateLimits} = {}) {
  const sim = new SimulatorCore({token: TOKEN, now: () => START, capacity: parseCapacitySpecs(options.capacity ?? []), rateLimits: options.rateLimits})
  const ask = (method: string, url: string, body?: unknown, token = TOKEN) => {
    const {answer} = sim.handle({method, url, authorization: `Bearer ${token}`, body: body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)})
    if (answer.kind !== 'answer') throw new Error(`${method} ${url}: no answer`)
    return {status: answer.status, json: answer.body === null ? null : (JSON.parse(answer.body) as Record<string, unknown>)}
  }
  const seed = (count: number, extra: Record<string, unknown> = {}) =>
    (ask('POST', '/__sim/droplets', {count, namePrefix: `batch${++batches}`, ...extra}).json as {droplets: {id: number}[]}).droplets.map((d) => d.id)
  const resources = (ids: (number | string)[]) => ({resources: ids.map((id) => ({resource_id: String(id), resource_type: 'droplet'}))})
  const tagsOf = (id: number) => sim.allDroplets().find((d) => d.id === id)?.tags
  return {sim, ask, seed, resources, tagsOf}
}

/** A tag's `resources`: `lastTagged`, the droplet its `last_tagged_uri` names (on the simulator's origin). */
const counts = (droplets: number, lastTagged?: number) => {
  const uri = lastTagged === undefined ? {} : {last_tagged_uri: `http://127.0.0.1/v2/droplets/${lastTagged}`}
  return {
  count: droplets,
  ...uri,
  droplets: {count: droplets, ...uri},
  images: {count: 0},
  volumes: {count: 0},
  volume_snapshots: {count: 0},
  databases: {count: 0},
  }
}

describe('POST /v2/tags, GET /v2/tags/{tag}, DELETE /v2/tags/{tag}', () => {
  it('creates a tag (201, count 0), reads it back, deletes it (204), then it is unknown (404)', () => {
    const {ask} = simulator()
    expect(ask('POST', '/v2/tags', {name: 'velda-bulk-1a2b'})).toEqual({status: 201, json: {tag: {name: 'velda-bulk-1a2b', resources: counts(0)}}})
    expect(ask('GET', '/v2/tags/velda-bulk-1a2b')).toEqual({status: 200, json: {tag: {name: 'velda-bulk-1a2b', resources: counts(0)}}})
    expect(ask('DELETE', '/v2/tags/velda-bulk-1a2b')).toEqual({status: 204, json: null})
    expect(ask('GET', '/v2/tags/velda-bulk-1a2b')).toMatchObject({status: 404, json: {id: 'not_found'}})
    expect(ask('DELETE', '/v2/tags/velda-bulk-1a2b')).toMatchObject({status: 404, json: {id: 'not_found'}})
  })

  it('a tag that droplets carry exists without a create, with their count; names are case stable', () => {
    const {ask, seed} = simulator()
    const ids = seed(3, {tags: ['velda', 'velda-pool:cpu']})
    // The newest carrier is the last tagged: a create with tags tags it.
    expect(ask('GET', '/v2/tags/velda-pool:cpu')).toEqual({status: 200, json: {tag: {name: 'velda-pool:cpu', resources: counts(3, ids[2])}}})
    expect(ask('GET', '/v2/tags/VELDA')).toMatchObject({status: 404})
  })

  it('creating a tag that exists answers it as it is', () => {
    const {ask, seed} = simulator()
    const ids = seed(2, {tags: ['run-x']})
    expect(ask('POST', '/v2/tags', {name: 'run-x'})).toEqual({status: 201, json: {tag: {name: 'run-x', resources: counts(2, ids[1])}}})
  })

  it('deleting a tag untags its droplets and deletes none of them', () => {
    const {ask, seed, sim, tagsOf} = simulator()
    const [id] = seed(2, {tags: ['velda', 'run-x']})
    expect(ask('DELETE', '/v2/tags/run-x').status).toBe(204)
    expect(sim.allDroplets()).toHaveLength(2)
    expect(tagsOf(id ?? 0)).toEqual(['velda'])
  })

  it.each([
    [{name: 'bad tag'}, 'Error validating resource tag: "tag-name \\"bad tag\\" contains invalid characters"'],
    [{name: 'x'.repeat(256)}, /is longer than 255 characters/],
    [{}, 'a tag needs a "name" of letters, numbers, colons, dashes and underscores'],
    [{name: 7}, 'a tag needs a "name" of letters, numbers, colons, dashes and underscores'],
  ])('a bad create %j is a 400 in tags_create\'s error shape', (body, message) => {
    const {ask} = simulator()
    const {status, json} = ask('POST', '/v2/tags', body)
    expect(status).toBe(400)
    expect(Object.keys(json ?? {}).sort()).toEqual(['error', 'messages', 'root_causes'])
    expect(json?.error).toEqual(typeof message === 'string' ? message : expect.stringMatching(message))
    expect(json?.root_causes).toEqual([`rpc error: code = InvalidArgument desc = ${String(json?.error)}`])
  })

  it('a body that is not JSON is a 400', () => {
    const {ask} = simulator()
    expect(ask('POST', '/v2/tags', '{"name":')).toMatchObject({status: 400, json: {id: 'bad_request'}})
  })

  it('a tag name the description refuses is an unknown tag (404)', () => {
    const {ask} = simulator()
    expect(ask('GET', '/v2/tags/bad%20tag')).toMatchObject({status: 404, json: {id: 'not_found'}})
  })
})

describe('POST and DELETE /v2/tags/{tag}/resources', () => {
  it('tags droplets in one request (204), the tag counts them, untagging takes them out again', () => {
    const {ask, seed, resources, tagsOf} = simulator()
    const ids = seed(5, {tags: ['velda']})
    ask('POST', '/v2/tags', {name: 'run-x'})
    expect(ask('POST', '/v2/tags/run-x/resources', resources(ids.slice(0, 4)))).toEqual({status: 204, json: null})
    expect((ask('GET', '/v2/tags/run-x').json as {tag: {resources: unknown}}).tag.resources).toEqual(counts(4, ids[3]))
    expect(tagsOf(ids[0] ?? 0)).toEqual(['velda', 'run-x'])
    expect(tagsOf(ids[4] ?? 0)).toEqual(['velda'])
    // Tagging twice changes nothing.
    expect(ask('POST', '/v2/tags/run-x/resources', resources(ids.slice(0, 1))).status).toBe(204)
    expect(tagsOf(ids[0] ?? 0)).toEqual(['velda', 'run-x'])
    expect(ask('DELETE', '/v2/tags/run-x/resources', resources(ids.slice(0, 3)))).toEqual({status: 204, json: null})
    // The one last tagged was ids[0], untagged since: the newest carrier stands in.
    expect((ask('GET', '/v2/tags/run-x').json as {tag: {resources: unknown}}).tag.resources).toEqual(counts(1, ids[3]))
    expect(tagsOf(ids[0] ?? 0)).toEqual(['velda'])
    // GET /v2/droplets?tag_name= sees the same.
    expect((ask('GET', '/v2/droplets?tag_name=run-x').json as {droplets: {id: number}[]}).droplets.map((d) => d.id)).toEqual([ids[3]])
  })

  it('an unknown tag is a 404 and tags nothing', () => {
    const {ask, seed, resources, tagsOf} = simulator()
    const [id = 0] = seed(1)
    expect(ask('POST', '/v2/tags/never-made/resources', resources([id]))).toMatchObject({status: 404, json: {id: 'not_found'}})
    expect(ask('DELETE', '/v2/tags/never-made/resources', resources([id]))).toMatchObject({status: 404, json: {id: 'not_found'}})
    expect(tagsOf(id)).toEqual([])
  })

  it('a droplet id that does not exist is a 404 naming it, and the others in the request are not tagged', () => {
    const {ask, seed, resources, tagsOf} = simulator()
    const [id = 0] = seed(1)
    ask('POST', '/v2/tags', {name: 'run-x'})
    expect(ask('POST', '/v2/tags/run-x/resources', resources([id, 999]))).toEqual({
      status: 404,
      json: {id: 'not_found', message: 'resources.1: droplet 999 could not be found.', request_id: expect.any(String)},
    })
    expect(tagsOf(id)).toEqual([])
    expect((ask('GET', '/v2/tags/run-x').json as {tag: {resources: unknown}}).tag.resources).toEqual(counts(0))
    // Untagging too: the droplet that exists keeps the tag.
    ask('POST', '/v2/tags/run-x/resources', resources([id]))
    expect(ask('DELETE', '/v2/tags/run-x/resources', resources([id, 999]))).toMatchObject({status: 404, json: {message: 'resources.1: droplet 999 could not be found.'}})
    expect(tagsOf(id)).toEqual(['run-x'])
  })

  it.each([
    ['no body', undefined, /body a JSON request body is required/],
    ['no resources', {}, /^resources must have required property 'resources'$/],
    ['resources not a list', {resources: 'droplet:1'}, /^resources must be array$/],
    ['an empty list', {resources: []}, 'resources must name at least one resource'],
    ['a number as id', {resources: [{resource_id: 1, resource_type: 'droplet'}]}, 'resources.0.resource_id must be a droplet id as a string, e.g. "3164444"'],
    ['an id that is not a number', {resources: [{resource_id: 'abc', resource_type: 'droplet'}]}, 'resources.0.resource_id must be a droplet id as a string, e.g. "3164444"'],
    ['no type', {resources: [{resource_id: '1'}]}, 'resources.0.resource_type must be "droplet" (the simulator keeps no other resources)'],
    ['a type it does not know', {resources: [{resource_id: '1', resource_type: 'server'}]}, /^resources\.0\.resource_type must be equal to one of the allowed values$/],
    ['a type it does not simulate', {resources: [{resource_id: '1', resource_type: 'volume'}]}, /must be "droplet"/],
    ['null as a resource', {resources: [null]}, /resources\.0\.resource_type must be "droplet"/],
  ])('%s: a 400 in DigitalOcean\'s error shape', (_what, body, message) => {
    const {ask} = simulator()
    ask('POST', '/v2/tags', {name: 'run-x'})
    for (const method of ['POST', 'DELETE']) {
      const {status, json} = ask(method, '/v2/tags/run-x/resources', body)
      expect(status, method).toBe(400)
      expect(json).toEqual({id: 'bad_request', message: typeof message === 'string' ? message : expect.stringMatching(message), request_id: expect.any(String)})
    }
  })
})

describe('DELETE /v2/droplets?tag_name= with the tag endpoints', () => {
  it('deletes every droplet of the tag and no other (204), and frees their capacity', () => {
    const {ask, seed, resources, sim} = simulator({capacity: ['s-1vcpu-1gb@nyc3=30']})
    const ids = seed(25, {tags: ['velda'], size: 's-1vcpu-1gb', region: 'nyc3'})
    ask('POST', '/v2/tags', {name: 'run-x'})
    ask('POST', '/v2/tags/run-x/resources', resources(ids.slice(0, 20)))
    const before = (ask('GET', '/__sim/state').json as {capacity: Record<string, {free: number}>}).capacity['s-1vcpu-1gb@nyc3']?.free
    expect(ask('DELETE', '/v2/droplets?tag_name=run-x')).toEqual({status: 204, json: null})
    expect(sim.allDroplets().map((d) => d.id)).toEqual(ids.slice(20))
    expect((ask('GET', '/__sim/state').json as {capacity: Record<string, {free: number}>}).capacity['s-1vcpu-1gb@nyc3']?.free).toBe((before ?? 0) + 20)
    // The tag stays, empty, until deleted.
    expect((ask('GET', '/v2/tags/run-x').json as {tag: {resources: unknown}}).tag.resources).toEqual(counts(0))
    expect(ask('DELETE', '/v2/tags/run-x').status).toBe(204)
  })

  it('without tag_name, or with a name the description refuses, deletes nothing', () => {
    const {ask, seed, sim} = simulator()
    seed(2, {tags: ['run-x']})
    expect(ask('DELETE', '/v2/droplets')).toMatchObject({status: 422, json: {id: 'unprocessable_entity'}})
    // A tag no droplet carries deletes nothing, and is no error.
    expect(ask('DELETE', '/v2/droplets?tag_name=run-y')).toEqual({status: 204, json: null})
    expect(ask('DELETE', '/v2/droplets?tag_name=bad%20tag')).toMatchObject({status: 422})
    expect(sim.allDroplets()).toHaveLength(2)
  })
})

describe('the tag endpoints are API paths like the others', () => {
  const calls: [string, string, unknown][] = [
    ['POST', '/v2/tags', {name: 'run-x'}],
    ['GET', '/v2/tags/run-x', undefined],
    ['POST', '/v2/tags/run-x/resources', {resources: []}],
    ['DELETE', '/v2/tags/run-x/resources', {resources: []}],
    ['DELETE', '/v2/tags/run-x', undefined],
    ['DELETE', '/v2/droplets?tag_name=run-x', undefined],
  ]

  it.each(calls)('%s %s without the token is a 401 and changes nothing', (method, url, body) => {
    const {ask} = simulator()
    expect(ask(method, url, body, 'dop_v1_wrong')).toMatchObject({status: 401, json: {id: 'unauthorized'}})
    expect(ask('GET', '/v2/tags/run-x').status).toBe(404)
  })

  it('each counts against the rate limit: past it, a 429', () => {
    const {ask} = simulator({rateLimits: {perMinute: calls.length, perHour: 5_000, sshKeysPerMinute: 10}})
    const statuses = calls.map(([method, url, body]) => ask(method, url, body).status)
    expect(statuses).toEqual([201, 200, 400, 400, 204, 204])
    expect(ask('GET', '/v2/tags/run-x')).toMatchObject({status: 429, json: {id: 'too_many_requests'}})
  })

  it('faults target them: a 500 on tagging tags nothing; an ambiguous delete by tag deletes and loses the answer', () => {
    const {ask, seed, resources, sim, tagsOf} = simulator()
    const ids = seed(3)
    ask('POST', '/v2/tags', {name: 'run-x'})
    ask('POST', '/__sim/faults', {method: 'POST', path: '/v2/tags/*', action: {type: 'status', status: 500}})
    expect(ask('POST', '/v2/tags/run-x/resources', resources(ids))).toMatchObject({status: 500})
    expect(tagsOf(ids[0] ?? 0)).toEqual([])
    expect(ask('POST', '/v2/tags/run-x/resources', resources(ids)).status).toBe(204)
    ask('POST', '/__sim/faults', {method: 'DELETE', path: '/v2/droplets', action: {type: 'ambiguous', then: 'drop'}})
    const {answer} = sim.handle({method: 'DELETE', url: '/v2/droplets?tag_name=run-x', authorization: `Bearer ${TOKEN}`, body: ''})
    expect(answer.kind).toBe('drop')
    expect(sim.allDroplets()).toEqual([])
    expect(sim.log.map((e) => [e.method, e.path, e.fault])).toEqual([
      ['POST', '/v2/tags', null],
      ['POST', '/v2/tags/run-x/resources', 'status'],
      ['POST', '/v2/tags/run-x/resources', null],
      ['DELETE', '/v2/droplets', 'ambiguous'],
    ])
  })
})
