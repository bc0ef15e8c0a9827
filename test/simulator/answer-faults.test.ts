import {afterEach, describe, expect, it} from 'vitest'

import {parseFaultRule, patchJson} from '../../src/lib/simulator/faults.js'
import {type Simulator, startSimulator} from '../../src/lib/simulator/server.js'

/** The faults that provoke short or malformed success answers (issue 8), and the paging they distort. */

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

async function start(): Promise<Simulator> {
  sim = await startSimulator({activeAfterMs: null})
  return sim
}

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${sim?.url}${path}`, {
    method,
    headers: {authorization: `Bearer ${sim?.token}`, ...(body === undefined ? {} : {'content-type': 'application/json'})},
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return {status: response.status, headers: response.headers, text}
}

const json = (text: string) => JSON.parse(text) as Record<string, unknown> & {meta?: {total?: unknown}; links?: {pages?: Record<string, string>}}

describe('the simulator\'s answer faults', () => {
  it('answers exactly the raw body of a body fault, 200 application/json unless told', async () => {
    await start()
    sim?.addFault({path: '/v2/droplets', method: 'GET', action: {type: 'body', body: '{}'}})
    sim?.addFault({path: '/v2/sizes', action: {type: 'body', status: 203, contentType: 'text/html', body: '<p>hi</p>'}})
    sim?.addFault({path: '/v2/regions', action: {type: 'body', contentType: '', body: 'plain'}})
    const empty = await call('GET', '/v2/droplets')
    expect([empty.status, empty.headers.get('content-type'), empty.text]).toEqual([200, 'application/json', '{}'])
    const html = await call('GET', '/v2/sizes')
    expect([html.status, html.headers.get('content-type'), html.text]).toEqual([203, 'text/html', '<p>hi</p>'])
    const untyped = await call('GET', '/v2/regions')
    expect([untyped.status, untyped.headers.get('content-type'), untyped.text]).toEqual([200, null, 'plain'])
    expect(sim?.requests().map((r) => r.fault)).toEqual(['body', 'body', 'body'])
  })

  it('performs the request of a patch-json fault, then edits its JSON answer at dotted paths', async () => {
    await start()
    sim?.seedDroplets({count: 3, tags: ['velda']})
    sim?.addFault({path: '/v2/droplets', method: 'GET', action: {type: 'patch-json', remove: ['meta.total', 'links'], set: {droplets: null}}})
    sim?.addFault({path: '/v2/droplets', method: 'GET', nth: 2, action: {type: 'patch-json', remove: ['droplets.0'], set: {'meta.total': 1_000_000_000, 'droplets.0.id': 0, 'links.pages.next': 'x'}}})
    sim?.addFault({path: '/v2/droplets', method: 'POST', action: {type: 'patch-json', remove: ['droplet']}})
    expect(json((await call('GET', '/v2/droplets')).text)).toEqual({droplets: null, meta: {}})
    const second = json((await call('GET', '/v2/droplets')).text)
    expect(second.meta).toEqual({total: 1_000_000_000})
    expect(second.links).toEqual({pages: {next: 'x'}})
    expect((second.droplets as {id: number; name: string}[]).map((d) => [d.id, d.name])).toEqual([
      [0, 'seeded-2'],
      [expect.any(Number), 'seeded-3'],
    ])
    const created = await call('POST', '/v2/droplets', {name: 'made', size: 's-1vcpu-1gb', region: 'nyc3', image: 'ubuntu-24-04-x64'})
    expect([created.status, Object.keys(json(created.text))]).toEqual([202, ['links']])
    // The create happened: only its answer was edited.
    expect((json((await call('GET', '/v2/droplets')).text).droplets as {name: string}[]).map((d) => d.name)).toContain('made')
    expect(sim?.requests().map((r) => r.fault)).toEqual(['patch-json', 'patch-json', 'patch-json', null])
  })

  it('patches any JSON object or array at dotted paths, and leaves other bodies unchanged', async () => {
    expect(patchJson(null, {set: {a: 1}})).toBeNull()
    expect(patchJson('not json', {set: {a: 1}})).toBe('not json')
    expect(patchJson('[1,2]', {remove: ['0']})).toBe('[2]')
    expect(patchJson('{"a":{"b":[1,2,3]}}', {remove: ['a.b.x', 'a.c.d', 'a.b.1'], set: {'a.e.f': {g: 1}}})).toBe('{"a":{"b":[1,3],"e":{"f":{"g":1}}}}')
  })

  it('refuses body and patch-json rules without their data, over the admin API too', async () => {
    expect(() => parseFaultRule({action: {type: 'body'}})).toThrow(/needs "body"/)
    expect(() => parseFaultRule({action: {type: 'body', body: '', status: 99}})).toThrow(/"status"/)
    expect(() => parseFaultRule({action: {type: 'patch-json'}})).toThrow(/needs "remove" or "set"/)
    expect(() => parseFaultRule({action: {type: 'patch-json', remove: 'meta.total'}})).toThrow(/"remove" must be a list/)
    expect(() => parseFaultRule({action: {type: 'patch-json', set: ['meta.total']}})).toThrow(/"set" must be an object/)
    expect(parseFaultRule({action: {type: 'patch-json', set: {'meta.total': null}}}).action.type).toBe('patch-json')
    await start()
    const admin = await call('POST', '/__sim/faults', {path: '/v2/droplets', action: {type: 'patch-json', remove: ['meta.total']}})
    expect(json(admin.text)).toEqual({faults: [{path: '/v2/droplets', action: {type: 'patch-json', remove: ['meta.total']}}]})
    const refused = await call('POST', '/__sim/faults', {action: {type: 'body', body: 5}})
    expect([refused.status, json(refused.text)]).toEqual([400, {error: expect.stringMatching(/needs "body"/)}])
  })

  it('pages droplet listings like the API: every link on its own origin, with the query kept, and meta.total', async () => {
    await start()
    sim?.seedDroplets({count: 5, tags: ['velda']})
    const page = async (n: number) => json((await call('GET', `/v2/droplets?tag_name=velda&per_page=2&page=${n}`)).text)
    const link = (n: number) => `${sim?.url}/v2/droplets?tag_name=velda&per_page=2&page=${n}`
    expect((await page(1)).links).toEqual({pages: {next: link(2), last: link(3)}})
    expect(await page(2)).toMatchObject({links: {pages: {first: link(1), prev: link(1), next: link(3), last: link(3)}}, meta: {total: 5}})
    expect((await page(3)).links).toEqual({pages: {first: link(1), prev: link(2)}})
  })
})
