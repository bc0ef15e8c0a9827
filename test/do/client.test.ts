import {afterEach, describe, expect, it} from 'vitest'

import {accountLockKey} from '../../src/lib/do/account.js'
import {createDigitalOceanApi, type DigitalOceanApi} from '../../src/lib/do/client.js'
import {ApiError, NetworkError, RedirectError, TimeoutError, UnauthorizedError} from '../../src/lib/do/errors.js'
import {DEFAULT_RETRY_POLICY} from '../../src/lib/do/retry-policy.js'
import type {TransportOptions} from '../../src/lib/do/transport.js'
import type {DropletCreateRequest} from '../../src/lib/do/types.js'
import {Secret} from '../../src/lib/base/secret.js'
import type {FaultRule} from '../../src/lib/simulator/faults.js'
import {type Simulator, type SimulatorOptions, startSimulator} from '../../src/lib/simulator/server.js'
import {duplicateJsonKeys} from '../support/duplicate-keys.js'
import {failure} from '../support/failure.js'

const NOW = Date.UTC(2026, 10, 27, 10, 0, 0)
let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

async function setup(options: {faults?: FaultRule[]; sim?: SimulatorOptions; transport?: Partial<TransportOptions>} = {}) {
  sim = await startSimulator({now: () => NOW, activeAfterMs: null, faults: options.faults, ...options.sim})
  const sleeps: number[] = []
  const api: DigitalOceanApi = await createDigitalOceanApi({
    endpoint: `${sim.url}/`,
    token: new Secret(sim.token),
    now: () => NOW,
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    random: () => 0.5,
    ...options.transport,
  })
  return {sim, api, sleeps}
}

const request = (names: string[], extra: Partial<DropletCreateRequest> = {}): DropletCreateRequest => ({
  names,
  region: 'atl1',
  size: 'gpu-mi300x1-192gb-devcloud',
  image: 'amd-rocm71software',
  ssh_keys: [52896465],
  backups: false,
  ipv6: true,
  monitoring: true,
  tags: ['velda', 'velda-pool:amd-mi300x'],
  user_data: '#!/bin/bash\necho "it\'s $HOME"\n',
  ...extra,
})

describe('the API layer (dots over our transport) against the simulator', () => {
  it('follows every page at per_page=200: 450 droplets in 3 requests', async () => {
    const {sim, api} = await setup()
    sim.seedDroplets({count: 450, namePrefix: 'velda-930b7ad6', tags: ['velda']})
    sim.seedDroplets({count: 5, namePrefix: 'web', tags: ['www']})
    const droplets = await api.listDroplets({tagName: 'velda'})
    expect(droplets).toHaveLength(450)
    expect(new Set(droplets.map((d) => d.id)).size).toBe(450)
    expect(sim.requests().map((r) => r.query)).toEqual([
      '?page=1&per_page=200&tag_name=velda',
      '?page=2&per_page=200&tag_name=velda',
      '?page=3&per_page=200&tag_name=velda',
    ])
  })

  it('lists GPU droplets only with type=gpus, which the API does not combine with tag_name', async () => {
    const {sim, api} = await setup()
    sim.seedDroplets({count: 3, size: 'gpu-mi300x1-192gb-devcloud', namePrefix: 'velda-930b7ad6', tags: ['velda']})
    sim.seedDroplets({count: 2, namePrefix: 'velda-483a082b', tags: ['velda']})
    expect((await api.listDroplets({tagName: 'velda'})).map((d) => d.name)).toEqual(['velda-483a082b-1', 'velda-483a082b-2'])
    const gpus = await api.listDroplets({gpus: true, tagName: 'ignored-with-gpus'})
    expect(gpus.map((d) => [d.name, d.gpu_model])).toEqual([1, 2, 3].map((n) => [`velda-930b7ad6-${n}`, 'amd_mi300x']))
    expect(sim.requests().map((r) => r.query)).toEqual(['?page=1&per_page=200&tag_name=velda', '?page=1&per_page=200&type=gpus'])
  })

  it('maps droplets, sizes, regions, keys and the account into velda-do\'s shapes', async () => {
    const {sim, api} = await setup()
    const [seeded] = sim.seedDroplets({count: 1, size: 'gpu-mi300x1-192gb-devcloud', namePrefix: 'velda-930b7ad6', tags: ['velda']})
    const [droplet] = await api.listDroplets({gpus: true})
    expect(droplet).toMatchObject({
      id: seeded?.id,
      name: 'velda-930b7ad6-1',
      status: 'active',
      region: 'atl1',
      size: 'gpu-mi300x1-192gb-devcloud',
      image: 'amd-rocm71software',
      public_ipv4: expect.stringMatching(/^203\.0\.11[345]\.\d+$/),
      private_ipv4: expect.stringMatching(/^10\./),
      public_ipv6: null,
      created_at: '2026-11-27T10:00:00Z',
      tags: ['velda'],
      gpu_model: 'amd_mi300x',
    })
    const mi300x = (await api.listSizes()).find((s) => s.slug === 'gpu-mi300x1-192gb-devcloud')
    expect(mi300x).toMatchObject({vcpus: expect.any(Number), available: true, regions: ['atl1'], gpu: {count: 1, model: 'amd_mi300x', vram_gb: 192}})
    expect((await api.listRegions()).find((r) => r.slug === 'atl1')?.sizes).toContain('gpu-mi300x1-192gb-devcloud')
    expect((await api.listSshKeys()).map((k) => k.id)).toContain(52896465)
    expect(await api.getAccount()).toEqual({droplet_limit: 1000, status: 'active'})
  })

  it('sends a droplet create with each JSON key once, through the same adapter', async () => {
    const {sim, api} = await setup()
    const created = await api.createDroplets(request(['velda-930b7ad6-aaaaa', 'velda-930b7ad6-bbbbb'], {vpc_uuid: '5a4981aa-9653-4bd1-bef5-d6bff52042e4'}))
    expect(created.map((d) => [d.name, d.status, d.public_ipv4])).toEqual([
      ['velda-930b7ad6-aaaaa', 'new', null],
      ['velda-930b7ad6-bbbbb', 'new', null],
    ])
    const [post] = sim.requests()
    expect(post?.method).toBe('POST')
    expect(duplicateJsonKeys(post?.body ?? '')).toEqual([])
    expect(JSON.parse(post?.body ?? '')).toEqual({
      names: ['velda-930b7ad6-aaaaa', 'velda-930b7ad6-bbbbb'],
      ...Object.fromEntries(Object.entries(request([])).filter(([k]) => k !== 'names')),
      vpc_uuid: '5a4981aa-9653-4bd1-bef5-d6bff52042e4',
    })
    const single = await api.createDroplets(request(['velda-930b7ad6-ccccc']))
    expect(single.map((d) => d.name)).toEqual(['velda-930b7ad6-ccccc'])
    expect(JSON.parse(sim.requests()[1]?.body ?? '')).toMatchObject({name: 'velda-930b7ad6-ccccc'})
    expect(JSON.parse(sim.requests()[1]?.body ?? '')).not.toHaveProperty('names')
  })

  it('deletes by id, and takes a 404 as already deleted', async () => {
    const {sim, api} = await setup()
    const [droplet] = sim.seedDroplets({count: 1})
    expect(await api.deleteDroplet(droplet?.id ?? 0)).toBe('deleted')
    expect(await api.deleteDroplet(droplet?.id ?? 0)).toBe('already-gone')
  })

  it('retries a list through dots after 503, a dropped connection and malformed JSON', async () => {
    const {sim, api, sleeps} = await setup({
      faults: [
        {path: '/v2/sizes', action: {type: 'status', status: 503}},
        {path: '/v2/sizes', nth: 2, action: {type: 'drop'}},
        {path: '/v2/sizes', nth: 3, action: {type: 'malformed-json'}},
      ],
    })
    expect((await api.listSizes()).length).toBeGreaterThan(10)
    expect(sim.counts()['GET /v2/sizes']).toBe(4)
    expect(sleeps).toEqual([375, 750, 1500])
  })

  it('waits as told by retry-after and by ratelimit-reset', async () => {
    const {api, sleeps} = await setup({
      faults: [
        {path: '/v2/regions', action: {type: 'rate-limit', retryAfterSeconds: 4}},
        {path: '/v2/regions', nth: 2, action: {type: 'rate-limit', resetInSeconds: 9}},
      ],
    })
    await api.listRegions()
    expect(sleeps).toEqual([4000, 9000])
  })

  it('surfaces exhausted retries as an ApiError with the message and request id, not a dots object', async () => {
    const {api} = await setup({faults: [{path: '/v2/account', count: 0, action: {type: 'status', status: 500}}]})
    const error = await failure(api.getAccount())
    expect(error).toBeInstanceOf(ApiError)
    expect(error.message).toMatch(/^DigitalOcean answered 500 server_error to GET \/v2\/account: Server Error \(after 5 attempts, request id [0-9a-f-]{36}\)$/)
  })

  it('never retries a create: a 500 is one POST and an error', async () => {
    const {sim, api, sleeps} = await setup({faults: [{method: 'POST', path: '/v2/droplets', action: {type: 'ambiguous', then: 'status'}}]})
    const error = await failure(api.createDroplets(request(['velda-930b7ad6-aaaaa'])))
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).status).toBe(500)
    expect(sim.counts()['POST /v2/droplets']).toBe(1)
    expect(sleeps).toEqual([])
    expect((await api.listDroplets({gpus: true})).map((d) => d.name)).toEqual(['velda-930b7ad6-aaaaa'])
  })

  it('reports a 422 with DigitalOcean\'s message', async () => {
    const {api} = await setup()
    const error = await failure(api.createDroplets(request(['a'], {region: 'nyc3'})))
    expect(error).toBeInstanceOf(ApiError)
    expect(error.message).toMatch(/422 unprocessable_entity to POST \/v2\/droplets: Size is not available in this region\./)
  })

  it('times out, refuses redirects, and reports 401 as UnauthorizedError', async () => {
    const timeouts = await setup({
      faults: [{path: '/v2/sizes', count: 0, action: {type: 'delay', ms: 2_000}}],
      transport: {timeoutMs: 100, policy: {...DEFAULT_RETRY_POLICY, maxAttempts: 1}},
    })
    expect(await failure(timeouts.api.listSizes())).toBeInstanceOf(TimeoutError)
    await sim?.close()

    const redirect = await setup({faults: [{path: '/v2/regions', action: {type: 'redirect', location: 'https://api.devcloud.amd.com/v2/regions'}}]})
    expect(await failure(redirect.api.listRegions())).toBeInstanceOf(RedirectError)
    await sim?.close()

    sim = await startSimulator({token: 'the-right-one'})
    const wrong = await createDigitalOceanApi({endpoint: sim.url, token: new Secret('dop_v1_not_the_right_one')})
    const unauthorized = await failure(wrong.listSshKeys())
    expect(unauthorized).toBeInstanceOf(UnauthorizedError)
    expect(unauthorized.message).not.toContain('dop_v1_not_the_right_one')
  })

  it('turns a refused connection into a NetworkError', async () => {
    const {sim: stopped} = await setup()
    await stopped.close()
    sim = undefined
    const api = await createDigitalOceanApi({endpoint: stopped.url, token: new Secret('x'), sleep: async () => {}})
    expect(await failure(api.listRegions())).toBeInstanceOf(NetworkError)
  })
})

describe('the account\'s lock key', () => {
  it('is the same however the endpoint is written (scheme and host case, default port, trailing slash) and names the account, not the token', () => {
    const key = accountLockKey('https://api.digitalocean.com', 'c3f9a0e4')
    for (const endpoint of ['HTTPS://API.DigitalOcean.com/', 'https://api.digitalocean.com:443', 'https://api.digitalocean.com//']) expect(accountLockKey(endpoint, 'c3f9a0e4')).toBe(key)
    expect(accountLockKey('https://api.digitalocean.com', 'C3F9A0E4')).toBe(key)
    expect(accountLockKey('http://127.0.0.1:8080', 'c3f9a0e4')).not.toBe(accountLockKey('http://127.0.0.1:8081', 'c3f9a0e4'))
    expect(accountLockKey('https://api.digitalocean.com', 'another')).not.toBe(key)
  })

  it('is read from GET /v2/account once, whatever else reads the account afterwards', async () => {
    const {api, sim} = await setup()
    const key = await api.accountKey()
    await api.getAccount()
    expect(await api.accountKey()).toBe(key)
    expect(sim.counts()['GET /v2/account']).toBe(1)
  })
})
