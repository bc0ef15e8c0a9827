import {afterEach, describe, expect, it} from 'vitest'

import {type Simulator, type SimulatorOptions, startSimulator} from '../../src/lib/simulator/server.js'

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

async function start(options: SimulatorOptions = {}): Promise<Simulator> {
  sim = await startSimulator({activeAfterMs: null, ...options})
  return sim
}

async function call(method: string, path: string, body?: unknown, token = sim?.token) {
  const response = await fetch(`${sim?.url}${path}`, {
    method,
    headers: {...(token ? {authorization: `Bearer ${token}`} : {}), ...(body === undefined && method !== 'POST' ? {} : {'content-type': 'application/json'})},
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    redirect: 'manual',
  })
  const text = await response.text()
  let json: Record<string, unknown> = {}
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {}
  } catch {
    // Non-JSON answers (HTML, malformed) are checked through `text`.
  }
  return {status: response.status, headers: response.headers, text, json}
}

const create = (names: string[], extra: Record<string, unknown> = {}) =>
  call('POST', '/v2/droplets', {names, size: 's-1vcpu-1gb', region: 'nyc3', image: 'ubuntu-24-04-x64', tags: ['velda'], ...extra})

describe('the simulator', () => {
  it('listens on 127.0.0.1 on a free port and wants the bearer token', async () => {
    await start()
    expect(sim?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const anonymous = await call('GET', '/v2/sizes', undefined, '')
    expect(anonymous.status).toBe(401)
    expect(anonymous.json).toMatchObject({id: 'unauthorized'})
    expect((await call('GET', '/v2/sizes', undefined, 'wrong')).status).toBe(401)
    expect((await call('GET', '/v2/sizes')).status).toBe(200)
  })

  it('pages catalog lists like the API: links on its own origin and meta.total', async () => {
    await start()
    const first = await call('GET', '/v2/sizes?per_page=5')
    const total = (first.json.meta as {total: number}).total
    expect(total).toBeGreaterThan(10)
    const pages = (first.json.links as {pages: Record<string, string>}).pages
    expect(pages.next).toBe(`${sim?.url}/v2/sizes?per_page=5&page=2`)
    expect(pages.last).toBe(`${sim?.url}/v2/sizes?per_page=5&page=${Math.ceil(total / 5)}`)
    const all: string[] = []
    for (let page = 1; page <= Math.ceil(total / 5); page++) {
      const answer = await call('GET', `/v2/sizes?per_page=5&page=${page}`)
      all.push(...(answer.json.sizes as {slug: string}[]).map((s) => s.slug))
    }
    expect(all).toHaveLength(total)
    expect(all).toContain('gpu-mi300x1-192gb-devcloud')
    const single = await call('GET', '/v2/regions?per_page=200')
    expect(single.json.links).toEqual({})
    expect((await call('GET', '/v2/account')).json.account).toMatchObject({droplet_limit: 1000, status: 'active'})
  })

  it('validates requests against DigitalOcean\'s schema, naming the field', async () => {
    await start()
    for (const [path, field] of [['/v2/sizes?per_page=201', 'per_page'], ['/v2/droplets?page=0', 'page'], ['/v2/droplets?tag_name=a%2Fb', 'tag_name'], ['/v2/droplets?type=vms', 'type']]) {
      const answer = await call('GET', path as string)
      expect(answer.status, path).toBe(422)
      expect(answer.json).toMatchObject({id: 'unprocessable_entity', message: expect.stringContaining(field as string)})
    }
    const eleven = await create(Array.from({length: 11}, (_v, i) => `n${i}`))
    expect(eleven.status).toBe(422)
    expect(eleven.json.message).toMatch(/names/)
    const badTag = await create(['a'], {tags: ['velda/pool:x']})
    // DigitalOcean's answer to a tag it refuses (a 400, as reported: docs/do-api.md), not the schema's 422.
    expect(badTag).toMatchObject({status: 400, json: {id: 'bad_request', message: 'Error validating resource tag: "tag-name \\"velda/pool:x\\" contains invalid characters"'}})
    const long = await create(['a'], {tags: ['velda', 'x'.repeat(256)]})
    expect(long).toMatchObject({status: 400, json: {message: `Error validating resource tag: "tag-name \\"${'x'.repeat(40)}...\\" is longer than 255 characters"`}})
    // DigitalOcean's rule: letters, numbers, colons, dashes, underscores, up to 255 (a lease tag is one).
    expect((await create(['lease-1'], {tags: ['velda-expires:1764370800', 'Team_A', 'y'.repeat(255)]})).status).toBe(202)
    expect((await call('POST', '/v2/droplets', {names: ['a'], size: 's-1vcpu-1gb'})).json.message).toMatch(/image/)
    expect((await call('POST', '/v2/droplets', '{"names": [')).status).toBe(400)
  })

  it('answers creates with the live API\'s 422 messages, word for word as reported (docs/do-api.md)', async () => {
    await start({dropletLimit: 3})
    expect((await create(['a'], {region: 'tor1', size: 'gpu-mi300x1-192gb-devcloud'})).json.message).toBe('Size is not available in this region.')
    // Listed as available, sold in no region: DigitalOcean's other words for a size it will not make.
    expect((await create(['a'], {size: 's-8vcpu-16gb-amd'})).json).toMatchObject({id: 'unprocessable_entity', message: 'size is unavailable'})
    expect((await create(['a'], {region: 'sfo1'})).json).toMatchObject({id: 'unprocessable_entity', message: 'Region is not available'})
    expect((await create(['a'], {region: 'xyz9'})).json.message).toBe('You specified an invalid region for Droplet creation.')
    expect((await create(['a'], {image: 'windows-95'})).json.message).toBe('You specified an invalid image for Droplet creation.')
    expect((await create(['a'], {ssh_keys: [1]})).json.message).toMatch(/SSH key 1 could not be found/)
    expect((await create(['bad_name'])).json).toMatchObject({id: 'unprocessable_entity', message: expect.stringMatching(/^names\.0 must match pattern/)})
    expect((await create(['a'], {user_data: 'é'.repeat(40_000)})).status).toBe(422)
    const overLimit = await create(['a', 'b', 'c', 'd'])
    expect(overLimit).toMatchObject({status: 422, json: {id: 'unprocessable_entity', message: 'creating this/these droplet(s) will exceed your droplet limit'}})
    expect((await create(['a'], {ssh_keys: [52896465]})).status).toBe(202)
  })

  it('creates droplets as new with no addresses; they turn active with addresses later', async () => {
    let now = Date.UTC(2026, 10, 27, 10, 0, 0)
    await start({now: () => now, activeAfterMs: (index) => (index + 1) * 10_000})
    const created = await create(['a', 'b'])
    expect(created.status).toBe(202)
    const droplets = created.json.droplets as {id: number; status: string; networks: {v4: unknown[]}; created_at: string}[]
    expect(droplets.map((d) => [d.status, d.networks.v4.length])).toEqual([['new', 0], ['new', 0]])
    expect(droplets[0]?.created_at).toBe('2026-11-27T10:00:00Z')
    now += 15_000
    const listed = (await call('GET', '/v2/droplets?tag_name=velda')).json.droplets as {status: string; networks: {v4: {type: string; ip_address: string}[]}}[]
    expect(listed.map((d) => d.status)).toEqual(['active', 'new'])
    expect(listed[0]?.networks.v4.map((n) => n.type)).toEqual(['public', 'private'])
    const one = await call('GET', `/v2/droplets/${droplets[1]?.id}`)
    expect((one.json.droplet as {status: string}).status).toBe('new')
  })

  it('leaves GPU droplets out of listings unless type=gpus, and refuses type or name with tag_name', async () => {
    await start()
    await create(['cpu-1'])
    await create(['gpu-1'], {size: 'gpu-mi300x1-192gb-devcloud', region: 'atl1', image: 'amd-rocm71software'})
    const names = async (query: string) => ((await call('GET', `/v2/droplets${query}`)).json.droplets as {name: string}[]).map((d) => d.name)
    expect(await names('')).toEqual(['cpu-1'])
    expect(await names('?tag_name=velda')).toEqual(['cpu-1'])
    expect(await names('?type=gpus')).toEqual(['gpu-1'])
    expect(await names('?name=gpu-1')).toEqual([])
    expect((await call('GET', '/v2/droplets?tag_name=velda&type=gpus')).status).toBe(422)
    expect((await call('GET', '/v2/droplets?tag_name=velda&name=cpu-1')).status).toBe(422)
  })

  it('deletes by id (204, then 404) and by tag', async () => {
    await start()
    const [a] = (await create(['a', 'b'])).json.droplets as {id: number}[]
    expect((await call('DELETE', `/v2/droplets/${a?.id}`)).status).toBe(204)
    expect((await call('DELETE', `/v2/droplets/${a?.id}`)).status).toBe(404)
    expect((await call('DELETE', '/v2/droplets?tag_name=velda')).status).toBe(204)
    expect((await call('GET', '/v2/droplets')).json.meta).toEqual({total: 0})
  })

  it('rate limits like DigitalOcean: headers on every answer, 429 with retry-after past the minute budget', async () => {
    const now = Date.UTC(2026, 10, 27, 10, 0, 0)
    await start({now: () => now, rateLimits: {perMinute: 3, perHour: 100, sshKeysPerMinute: 2}})
    const first = await call('GET', '/v2/regions')
    expect(first.headers.get('ratelimit-limit')).toBe('100')
    expect(first.headers.get('ratelimit-remaining')).toBe('99')
    expect(first.headers.get('ratelimit-reset')).toBe(String(now / 1000 + 3600))
    await call('GET', '/v2/regions')
    await call('GET', '/v2/regions')
    const limited = await call('GET', '/v2/regions')
    expect(limited.status).toBe(429)
    expect(limited.json).toMatchObject({id: 'too_many_requests'})
    expect(limited.headers.get('retry-after')).toBe('60')
  })

  it('allows 10 ssh-key listings a minute', async () => {
    await start({now: () => 0})
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) statuses.push((await call('GET', '/v2/account/keys')).status)
    expect(statuses).toEqual([...Array(10).fill(200), 429])
  })

  it('fails the k-th matching request on demand, in every way a network can', async () => {
    await start()
    sim?.addFault({method: 'GET', path: '/v2/sizes', nth: 2, action: {type: 'status', status: 503}})
    expect((await call('GET', '/v2/sizes')).status).toBe(200)
    expect((await call('GET', '/v2/sizes')).status).toBe(503)
    expect((await call('GET', '/v2/sizes')).status).toBe(200)

    sim?.addFault({path: '/v2/regions', count: 4, action: {type: 'html', status: 502}})
    const html = await call('GET', '/v2/regions')
    expect([html.status, html.headers.get('content-type')]).toEqual([502, 'text/html'])
    expect(html.text).toMatch(/<title>502 Bad Gateway<\/title>/)

    sim?.addFault({path: '/v2/account', action: {type: 'drop'}})
    await expect(call('GET', '/v2/account')).rejects.toThrow(/fetch failed/)

    sim?.addFault({path: '/v2/account/keys', action: {type: 'malformed-json'}})
    const malformed = await call('GET', '/v2/account/keys')
    expect(() => JSON.parse(malformed.text)).toThrow()

    sim?.addFault({path: '/v2/droplets', method: 'GET', action: {type: 'redirect', location: 'https://api.devcloud.amd.com/v2/droplets'}})
    const redirect = await call('GET', '/v2/droplets')
    expect([redirect.status, redirect.headers.get('location')]).toEqual([301, 'https://api.devcloud.amd.com/v2/droplets'])

    sim?.addFault({path: '/v2/droplets/*', action: {type: 'rate-limit', resetInSeconds: 7}})
    const limited = await call('GET', '/v2/droplets/1')
    expect([limited.status, limited.headers.get('retry-after'), limited.headers.get('ratelimit-remaining')]).toEqual([429, null, '0'])
    expect(sim?.requests().map((r) => r.fault).filter(Boolean)).toEqual(['status', 'html', 'drop', 'malformed-json', 'redirect', 'rate-limit'])
  })

  it('answers late on demand', async () => {
    await start()
    sim?.addFault({path: '/v2/regions', action: {type: 'delay', ms: 300}})
    const started = performance.now()
    expect((await call('GET', '/v2/regions')).status).toBe(200)
    expect(performance.now() - started).toBeGreaterThanOrEqual(290)
  })

  it('performs an ambiguous create and loses the answer, so blind retries make duplicates', async () => {
    await start()
    sim?.addFault({method: 'POST', path: '/v2/droplets', action: {type: 'ambiguous', then: 'status', status: 500}})
    sim?.addFault({method: 'POST', path: '/v2/droplets', nth: 2, action: {type: 'ambiguous', then: 'drop'}})
    expect((await create(['a', 'b'])).status).toBe(500)
    await expect(create(['c'])).rejects.toThrow(/fetch failed/)
    const listed = (await call('GET', '/v2/droplets')).json.droplets as {name: string}[]
    expect(listed.map((d) => d.name)).toEqual(['a', 'b', 'c'])
  })

  it('keeps every raw request body, and counts requests per method and path', async () => {
    await start()
    const raw = '{"names":["a"],"size":"s-1vcpu-1gb","names":["a"],"image":"ubuntu-24-04-x64","region":"nyc3"}'
    await call('POST', '/v2/droplets', raw)
    await call('GET', '/v2/droplets')
    await call('GET', '/v2/droplets?page=1')
    expect(sim?.requests()[0]?.body).toBe(raw)
    expect(sim?.counts()).toEqual({'POST /v2/droplets': 1, 'GET /v2/droplets': 2})
  })

  it('is driven over HTTP by its admin API', async () => {
    await start()
    const admin = async (method: string, path: string, body?: unknown) => (await call(method, `/__sim/${path}`, body)).json
    const seeded = await admin('POST', 'droplets', {count: 3, namePrefix: 'velda-930b7ad6', tags: ['velda'], status: 'new'})
    expect((seeded.droplets as unknown[]).length).toBe(3)
    await admin('POST', 'faults', {faults: [{path: '/v2/droplets', method: 'GET', action: {type: 'status', status: 500}}]})
    expect((await call('GET', '/v2/droplets')).status).toBe(500)
    expect((await call('GET', '/v2/droplets')).json.meta).toEqual({total: 3})
    expect(await admin('POST', 'activate', {})).toEqual({activated: 3})
    const state = await admin('GET', 'state')
    expect((state.droplets as {status: string}[]).map((d) => d.status)).toEqual(['active', 'active', 'active'])
    expect(((await admin('GET', 'requests')).counts as Record<string, number>)['GET /v2/droplets']).toBe(2)
    await admin('POST', 'reset')
    expect(await admin('GET', 'state')).toMatchObject({droplets: [], faults: []})
    expect(await admin('POST', 'faults', {action: {type: 'explode'}})).toMatchObject({error: expect.stringMatching(/needs an action/)})
  })

  it('is deterministic when seeded', async () => {
    const run = async () => {
      const s = await startSimulator({seed: 42, activeAfterMs: 0, now: () => 0})
      sim = s
      await create(['a', 'b'])
      const listed = (await call('GET', '/v2/droplets')).json.droplets
      await s.close()
      sim = undefined
      return {listed, token: s.token}
    }
    expect(await run()).toEqual(await run())
  })
})
