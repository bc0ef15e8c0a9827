import {afterEach, describe, expect, it} from 'vitest'

import {createDigitalOceanApi, type DigitalOceanApi} from '../../src/lib/do/client.js'
import {ApiError, MalformedAnswerError} from '../../src/lib/do/errors.js'
import type {DropletCreateRequest} from '../../src/lib/do/types.js'
import {ExitCode} from '../../src/lib/base/errors.js'
import {Secret} from '../../src/lib/base/secret.js'
import type {FaultRule} from '../../src/lib/simulator/faults.js'
import {type Simulator, type SimulatorOptions, startSimulator} from '../../src/lib/simulator/server.js'

/**
 * Issue 8, "Never act on a short or malformed listing": every answer that could be read as "fewer droplets than
 * there are" (or as droplet 0) must fail with exit 3, against the simulator's answer faults.
 */

const NOW = Date.UTC(2026, 10, 27, 10, 0, 0)
let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

async function setup(faults: FaultRule[] = [], options: SimulatorOptions = {}) {
  sim = await startSimulator({now: () => NOW, activeAfterMs: null, faults, ...options})
  const api: DigitalOceanApi = await createDigitalOceanApi({
    endpoint: sim.url,
    token: new Secret(sim.token),
    now: () => NOW,
    sleep: async () => {},
    random: () => 0.5,
  })
  return {sim, api}
}

async function malformed(promise: Promise<unknown>): Promise<MalformedAnswerError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedAnswerError)
    expect((error as MalformedAnswerError).exitCode).toBe(ExitCode.api)
    expect((error as MalformedAnswerError).code).toBe('malformed_answer')
    return error as MalformedAnswerError
  }
  throw new Error('expected a MalformedAnswerError, the call succeeded')
}

const create = (names: string[]): DropletCreateRequest => ({
  names,
  region: 'nyc3',
  size: 's-1vcpu-1gb',
  image: 'ubuntu-24-04-x64',
  ssh_keys: [],
  backups: false,
  ipv6: false,
  monitoring: false,
  tags: ['velda'],
  user_data: '',
})

type Lister = (api: DigitalOceanApi) => Promise<unknown[]>
const LISTS: [string, string, string, Lister][] = [
  ['droplets', '/v2/droplets', 'droplets', (api) => api.listDroplets()],
  ['sizes', '/v2/sizes', 'sizes', (api) => api.listSizes()],
  ['regions', '/v2/regions', 'regions', (api) => api.listRegions()],
  ['ssh keys', '/v2/account/keys', 'ssh_keys', (api) => api.listSshKeys()],
]

describe('a list answer without its array', () => {
  const cases = LISTS.flatMap(([name, path, key, list]) => [
    [name, '{}', path, key, list] as const,
    [name, `{"${key}": null}`, path, key, list] as const,
  ])
  it.each(cases)('fails a %s listing answered %s, instead of reading it as empty', async (_name, body, path, key, list) => {
    const {api} = await setup([{method: 'GET', path, count: 0, action: {type: 'body', body}}])
    const error = await malformed(list(api))
    expect(error.message).toBe(`GET ${path}?page=1&per_page=200: the answer has no "${key}" list`)
  })

  it('names the filter of the listing that failed', async () => {
    const {api} = await setup([{method: 'GET', path: '/v2/droplets', action: {type: 'patch-json', set: {droplets: null}}}])
    const error = await malformed(api.listDroplets({tagName: 'velda'}))
    expect(error.message).toBe('GET /v2/droplets?page=1&per_page=200&tag_name=velda: the answer has no "droplets" list')
  })
})

describe('an item without a usable id', () => {
  it.each([
    ['no id', {remove: ['droplets.1.id']}, 'item 2 of the "droplets" list has no id'],
    ['id null', {set: {'droplets.0.id': null}}, 'item 1 of the "droplets" list has no id'],
    ['id 0', {set: {'droplets.0.id': 0}}, 'item 1 of the "droplets" list has the id 0, not a positive whole number'],
    ['a negative id', {set: {'droplets.0.id': -4}}, 'has the id -4'],
    ['a fractional id', {set: {'droplets.0.id': 1.5}}, 'has the id 1.5'],
    ['an id as text', {set: {'droplets.0.id': '12'}}, 'item 1 of the "droplets" list has the id "12", not a positive whole number'],
    ['a null item', {set: {'droplets.0': null}}, 'item 1 of the "droplets" list is null, not an object'],
    ['an item that is a number', {set: {'droplets.1': 7}}, 'item 2 of the "droplets" list is 7, not an object'],
  ])('fails a droplet listing with %s, never yielding droplet 0', async (_name, patch, message) => {
    const {sim, api} = await setup([{method: 'GET', path: '/v2/droplets', action: {type: 'patch-json', ...patch}}])
    sim.seedDroplets({count: 2, tags: ['velda']})
    expect((await malformed(api.listDroplets())).message).toContain(message)
  })

  it('fails an ssh key listing with a key of id 0', async () => {
    const {api} = await setup([{method: 'GET', path: '/v2/account/keys', action: {type: 'patch-json', set: {'ssh_keys.0.id': 0}}}])
    expect((await malformed(api.listSshKeys())).message).toBe('GET /v2/account/keys?page=1&per_page=200: item 1 of the "ssh_keys" list has the id 0, not a positive whole number')
  })

  it('fails a create answer without its droplets or with one lacking an id: the caller reconciles', async () => {
    const {api} = await setup([
      {method: 'POST', path: '/v2/droplets', action: {type: 'patch-json', remove: ['droplets']}},
      {method: 'POST', path: '/v2/droplets', nth: 2, action: {type: 'patch-json', set: {'droplet.id': 0}}},
    ])
    expect((await malformed(api.createDroplets(create(['a', 'b'])))).message).toMatch(/^POST \/v2\/droplets: the answer has neither "droplets" nor "droplet"/)
    expect((await malformed(api.createDroplets(create(['c'])))).message).toBe('POST /v2/droplets: the "droplet" has the id 0, not a positive whole number')
    // The creates were performed: only their answers were wrong.
    expect((await api.listDroplets()).map((d) => d.name)).toEqual(['a', 'b', 'c'])
  })
})

describe('a success answer that is not JSON', () => {
  const page = '<html><head><title>Just a moment...</title></head><body>checking your browser</body></html>'

  it.each(['text/html', 'text/plain'])('retries a GET answered 200 %s, then reads the list', async (contentType) => {
    const {sim, api} = await setup([{method: 'GET', path: '/v2/sizes', action: {type: 'body', contentType, body: page}}])
    expect((await api.listSizes()).length).toBeGreaterThan(10)
    expect(sim.counts()['GET /v2/sizes']).toBe(2)
  })

  it('fails with exit 3 (not an internal error) when every attempt is not JSON', async () => {
    const {sim, api} = await setup([{method: 'GET', path: '/v2/droplets', count: 0, action: {type: 'body', contentType: 'text/html', body: page}}])
    const error = await malformed(api.listDroplets())
    expect(error.message).toBe('GET /v2/droplets?page=1&per_page=200: the answer (200, text/html) is not JSON: Just a moment... (after 5 attempts)')
    expect(sim.counts()['GET /v2/droplets']).toBe(5)
  })

  it('never retries a create answered with a non-JSON page, and does not call it a refusal', async () => {
    const {sim, api} = await setup([{method: 'POST', path: '/v2/droplets', action: {type: 'body', status: 202, contentType: 'text/plain', body: 'accepted'}}])
    const error = await malformed(api.createDroplets(create(['a'])))
    expect(error).not.toBeInstanceOf(ApiError)
    expect(error.message).toBe('POST /v2/droplets: the answer (202, text/plain) is not JSON: accepted (after 1 attempt)')
    expect(sim.counts()['POST /v2/droplets']).toBe(1)
  })
})

describe('pagination that does not trust meta.total alone', () => {
  it('reads 1,000 droplets in 5 requests, following links.pages.next', async () => {
    const {sim, api} = await setup()
    sim.seedDroplets({count: 1000, tags: ['velda']})
    expect(await api.listDroplets()).toHaveLength(1000)
    expect(sim.counts()['GET /v2/droplets']).toBe(5)
  })

  it('fails a listing without meta.total instead of stopping after the first page', async () => {
    const {sim, api} = await setup([{method: 'GET', path: '/v2/droplets', count: 0, action: {type: 'patch-json', remove: ['meta.total']}}])
    sim.seedDroplets({count: 450, tags: ['velda']})
    expect((await malformed(api.listDroplets())).message).toBe('GET /v2/droplets?page=1&per_page=200: the answer has no meta.total (the length of the list)')
  })

  it('fails on a meta.total that is not a count', async () => {
    const {api} = await setup([{method: 'GET', path: '/v2/regions', action: {type: 'patch-json', set: {'meta.total': -1}}}])
    expect((await malformed(api.listRegions())).message).toBe('GET /v2/regions?page=1&per_page=200: the answer\'s meta.total (-1) is not a count')
  })

  it('fails at the first short page when meta.total is huge, instead of paging without end', async () => {
    const {sim, api} = await setup([{method: 'GET', path: '/v2/droplets', count: 0, action: {type: 'patch-json', set: {'meta.total': 1_000_000_000}}}])
    sim.seedDroplets({count: 5})
    const error = await malformed(api.listDroplets())
    expect(error.message).toMatch(/the list ended after 5 items on page 1, but meta.total said 1000000000/)
    expect(sim.counts()['GET /v2/droplets']).toBe(1)
  })

  it('fails when the pages end (no links.pages.next) before meta.total is reached', async () => {
    const {sim, api} = await setup([{method: 'GET', path: '/v2/droplets', count: 0, action: {type: 'patch-json', remove: ['links']}}])
    sim.seedDroplets({count: 450})
    const error = await malformed(api.listDroplets())
    expect(error.message).toBe(
      'GET /v2/droplets?page=1&per_page=200: the list ended after 200 items on page 1, but meta.total said 450; it may have changed while it was read',
    )
  })

  it('fails on a short page that says more follow', async () => {
    const {sim, api} = await setup([{method: 'GET', path: '/v2/droplets', action: {type: 'patch-json', remove: ['droplets.7']}}])
    sim.seedDroplets({count: 450})
    expect((await malformed(api.listDroplets())).message).toBe('GET /v2/droplets?page=1&per_page=200: page 1 has 199 of 200 items but links.pages.next says more follow')
  })

  it('fails when links.pages.last and meta.total disagree', async () => {
    const {sim, api} = await setup([{method: 'GET', path: '/v2/droplets', action: {type: 'patch-json', set: {'meta.total': 200}}}])
    sim.seedDroplets({count: 1000})
    expect((await malformed(api.listDroplets())).message).toBe('GET /v2/droplets?page=1&per_page=200: links.pages.last says page 5 but meta.total 200 makes 1 page(s) of 200')
    expect(sim.counts()['GET /v2/droplets']).toBe(1)
  })

  it('stops paging a small margin past what the first answer announced', async () => {
    const {sim, api} = await setup([{method: 'GET', path: '/v2/droplets', action: {type: 'patch-json', set: {'meta.total': 200}, remove: ['links.pages.last']}}])
    sim.seedDroplets({count: 1000})
    expect((await malformed(api.listDroplets())).message).toBe(
      'GET /v2/droplets?page=3&per_page=200: links.pages.next goes past page 3, but the first answer announced 1 page(s)',
    )
    expect(sim.counts()['GET /v2/droplets']).toBe(3)
  })

  it('reads a list that grew while it was read, to its real end', async () => {
    // The first answer counted 400 (2 pages); a droplet created meanwhile makes a third page.
    const {sim, api} = await setup([{method: 'GET', path: '/v2/droplets', action: {type: 'patch-json', set: {'meta.total': 400}, remove: ['links.pages.last']}}])
    sim.seedDroplets({count: 401})
    expect(await api.listDroplets()).toHaveLength(401)
    expect(sim.requests().map((r) => r.query)).toEqual(['?page=1&per_page=200', '?page=2&per_page=200', '?page=3&per_page=200'])
  })
})

describe('countDroplets', () => {
  it('counts with one request at per_page=1, GPU droplets only with type=gpus', async () => {
    const {sim, api} = await setup()
    sim.seedDroplets({count: 3, tags: ['velda']})
    sim.seedDroplets({count: 2, size: 'gpu-mi300x1-192gb-devcloud', tags: ['velda']})
    expect(await api.countDroplets()).toBe(3)
    expect(await api.countDroplets({gpus: true})).toBe(2)
    expect(sim.requests().map((r) => `${r.method} ${r.path}${r.query}`)).toEqual(['GET /v2/droplets?per_page=1', 'GET /v2/droplets?per_page=1&type=gpus'])
  })

  it('counts an empty account as 0', async () => {
    const {api} = await setup()
    expect(await api.countDroplets()).toBe(0)
  })

  it.each([
    ['without meta.total', {remove: ['meta.total']}, 'GET /v2/droplets?per_page=1: the answer has no meta.total (the length of the list)'],
    ['with meta.total as text', {set: {'meta.total': '12'}}, 'GET /v2/droplets?per_page=1: the answer has no meta.total (the length of the list)'],
    ['with a fractional meta.total', {set: {'meta.total': 2.5}}, 'GET /v2/droplets?per_page=1: the answer\'s meta.total (2.5) is not a count'],
    ['without its droplets list', {set: {droplets: null}}, 'GET /v2/droplets?per_page=1: the answer has no "droplets" list'],
  ])('fails on an answer %s', async (_name, patch, message) => {
    const {api} = await setup([{method: 'GET', path: '/v2/droplets', action: {type: 'patch-json', ...patch}}])
    expect((await malformed(api.countDroplets())).message).toBe(message)
  })
})

describe('getAccount', () => {
  it('reads the droplet limit', async () => {
    const {api} = await setup([], {dropletLimit: 25})
    expect(await api.getAccount()).toEqual({droplet_limit: 25, status: 'active'})
  })

  it.each([
    ['without account.droplet_limit', {remove: ['account.droplet_limit']}, 'GET /v2/account: the answer has no account.droplet_limit'],
    ['without account', {remove: ['account']}, 'GET /v2/account: the answer has no account.droplet_limit'],
    ['with a negative droplet_limit', {set: {'account.droplet_limit': -1}}, 'GET /v2/account: the answer has account.droplet_limit -1, not a count'],
  ])('refuses an answer %s instead of reading a limit of 0', async (_name, patch, message) => {
    const {api} = await setup([{method: 'GET', path: '/v2/account', action: {type: 'patch-json', ...patch}}])
    expect((await malformed(api.getAccount())).message).toBe(message)
  })
})

describe('accountKey', () => {
  it('refuses an answer without the account\'s uuid instead of keying every account\'s locks alike', async () => {
    const {api} = await setup([{method: 'GET', path: '/v2/account', action: {type: 'patch-json', remove: ['account.uuid', 'account.team']}}])
    expect((await malformed(api.accountKey())).message).toBe('GET /v2/account: the answer has no account.uuid, which names the account in velda-do\'s pool locks')
  })
})

describe('deleteDroplet', () => {
  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses the id %s without sending anything', async (id) => {
    const {sim, api} = await setup()
    await expect(api.deleteDroplet(id)).rejects.toThrow(/is not a droplet id/)
    expect(sim.requests()).toEqual([])
  })
})
