import {getEventListeners} from 'node:events'

import {afterEach, describe, expect, it} from 'vitest'

import {ApiError, ClientClosedError, MalformedAnswerError, NetworkError, RedirectError, TimeoutError, UnauthorizedError} from '../../src/lib/do/errors.js'
import {DEFAULT_RETRY_POLICY} from '../../src/lib/do/retry-policy.js'
import {createTransport, type TransportOptions} from '../../src/lib/do/transport.js'
import {ExitCode} from '../../src/lib/base/errors.js'
import {Secret} from '../../src/lib/base/secret.js'
import type {FaultRule} from '../../src/lib/simulator/faults.js'
import {type Simulator, startSimulator} from '../../src/lib/simulator/server.js'
import {failure} from '../support/failure.js'

const NOW = Date.UTC(2026, 10, 27, 10, 0, 0)
let sims: Simulator[] = []
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()))
  sims = []
})

async function setup(faults: FaultRule[] = [], options: Partial<TransportOptions> = {}) {
  const sim = await startSimulator({now: () => NOW, faults, activeAfterMs: null})
  sims.push(sim)
  const sleeps: number[] = []
  const waits: string[] = []
  const transport = createTransport({
    endpoint: sim.url,
    token: new Secret(sim.token),
    now: () => NOW,
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    random: () => 0.5,
    onWait: (message) => waits.push(message),
    ...options,
  })
  const get = (path: string) => transport(`${sim.url}${path}`)
  return {sim, transport, get, sleeps, waits}
}

describe('the transport', () => {
  it.each([
    ['429', {type: 'status', status: 429}],
    ['500', {type: 'status', status: 500}],
    ['502 with an HTML page', {type: 'html', status: 502}],
    ['503', {type: 'status', status: 503}],
    ['504', {type: 'status', status: 504}],
    ['a dropped connection', {type: 'drop'}],
    ['malformed JSON', {type: 'malformed-json'}],
    ['a 200 HTML page from a proxy', {type: 'body', contentType: 'text/html', body: '<html><title>Attention Required!</title></html>'}],
    ['a 200 text/plain answer', {type: 'body', contentType: 'text/plain', body: 'OK'}],
  ] as [string, FaultRule['action']][])('retries a GET after %s, then succeeds', async (_name, action) => {
    const {get, sim, sleeps, waits} = await setup([{path: '/v2/sizes', action}])
    const response = await get('/v2/sizes')
    expect(response.status).toBe(200)
    expect(((await response.json()) as {sizes: unknown[]}).sizes.length).toBeGreaterThan(0)
    expect(sim.counts()['GET /v2/sizes']).toBe(2)
    expect(sleeps).toEqual([375])
    expect(waits[0]).toMatch(/^GET \/v2\/sizes: .*; waiting 0\.4s before attempt 2 of 5$/)
  })

  it('gives up after the last attempt with DigitalOcean\'s message and request id (exit 3)', async () => {
    const {get, sim, sleeps} = await setup([{path: '/v2/regions', count: 0, action: {type: 'status', status: 503}}])
    const error = await failure(get('/v2/regions'))
    expect(error).toBeInstanceOf(ApiError)
    expect(error.exitCode).toBe(ExitCode.api)
    expect(error.message).toMatch(/^DigitalOcean answered 503 server_error to GET \/v2\/regions: Server Error \(after 5 attempts, request id [0-9a-f-]{36}\)$/)
    expect(sim.counts()['GET /v2/regions']).toBe(DEFAULT_RETRY_POLICY.maxAttempts)
    expect(sleeps).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts - 1)
  })

  it('fails a success answer that is not JSON as a malformed answer (exit 3), after the last attempt', async () => {
    const {get, sim} = await setup([{path: '/v2/sizes', count: 0, action: {type: 'body', contentType: 'text/html', body: '<html><title>Attention Required!</title></html>'}}])
    const error = await failure(get('/v2/sizes'))
    expect(error).toBeInstanceOf(MalformedAnswerError)
    expect(error.exitCode).toBe(ExitCode.api)
    expect(error.message).toBe('GET /v2/sizes: the answer (200, text/html) is not JSON: Attention Required! (after 5 attempts)')
    expect(sim.counts()['GET /v2/sizes']).toBe(DEFAULT_RETRY_POLICY.maxAttempts)
  })

  it('never retries a POST answered with a non-JSON success: it may have been performed', async () => {
    const {transport, sim, sleeps} = await setup([{method: 'POST', path: '/v2/droplets', action: {type: 'body', status: 202, contentType: 'text/html', body: '<p>queued</p>'}}])
    const body = JSON.stringify({names: ['a'], size: 's-1vcpu-1gb', region: 'nyc3', image: 'ubuntu-24-04-x64'})
    const error = await failure(transport(`${sim.url}/v2/droplets`, {method: 'POST', body, headers: {'content-type': 'application/json'}}))
    expect(error).toBeInstanceOf(MalformedAnswerError)
    expect(error.message).toBe('POST /v2/droplets: the answer (202, text/html) is not JSON: queued (after 1 attempt)')
    expect(sim.counts()['POST /v2/droplets']).toBe(1)
    expect(sleeps).toEqual([])
  })

  it('passes an empty success answer through whatever its content type (a 204)', async () => {
    const {transport, sim} = await setup([{method: 'DELETE', path: '/v2/droplets/*', action: {type: 'body', status: 204, contentType: 'text/html', body: ''}}])
    const response = await transport(`${sim.url}/v2/droplets/1`, {method: 'DELETE'})
    expect([response.status, await response.text()]).toEqual([204, ''])
  })

  it('waits as long as retry-after says', async () => {
    const {get, sleeps, waits} = await setup([{path: '/v2/sizes', action: {type: 'rate-limit', retryAfterSeconds: 7}}])
    expect((await get('/v2/sizes')).status).toBe(200)
    expect(sleeps).toEqual([7000])
    expect(waits).toEqual(['GET /v2/sizes: rate limited; waiting 7.0s before attempt 2 of 5'])
  })

  it('waits until ratelimit-reset when that is all it is told', async () => {
    const {get, sleeps} = await setup([{path: '/v2/sizes', action: {type: 'rate-limit', resetInSeconds: 12}}])
    expect((await get('/v2/sizes')).status).toBe(200)
    expect(sleeps).toEqual([12_000])
  })

  it('never retries a POST: one request, the error says what happened', async () => {
    const {transport, sim, sleeps} = await setup([{method: 'POST', path: '/v2/droplets', action: {type: 'status', status: 500}}])
    const body = JSON.stringify({names: ['a'], size: 's-1vcpu-1gb', region: 'nyc3', image: 'ubuntu-24-04-x64'})
    const error = await failure(transport(`${sim.url}/v2/droplets`, {method: 'POST', body, headers: {'content-type': 'application/json'}}))
    expect(error).toBeInstanceOf(ApiError)
    expect(error.message).toMatch(/answered 500 .* to POST \/v2\/droplets: .*after 1 attempt,/)
    expect(sim.counts()['POST /v2/droplets']).toBe(1)
    expect(sleeps).toEqual([])
  })

  it('times out a request that gets no answer, and retries a GET', async () => {
    const {get, sim} = await setup([{path: '/v2/sizes', count: 0, action: {type: 'delay', ms: 3_000}}], {
      timeoutMs: 150,
      policy: {...DEFAULT_RETRY_POLICY, maxAttempts: 2},
    })
    const error = await failure(get('/v2/sizes'))
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error.message).toBe(`GET ${sim.url}/v2/sizes: no answer from ${new URL(sim.url).host} within 150ms (after 2 attempts)`)
    expect(sim.counts()['GET /v2/sizes']).toBe(2)
  })

  it('refuses to follow a redirect, naming the target', async () => {
    const {get} = await setup([{path: '/v2/sizes', action: {type: 'redirect', location: 'https://api.devcloud.amd.com/v2/sizes'}}])
    const error = await failure(get('/v2/sizes'))
    expect(error).toBeInstanceOf(RedirectError)
    expect(error.message).toMatch(/redirects GET \/v2\/sizes to https:\/\/api\.devcloud\.amd\.com\/v2\/sizes/)
    expect((error as RedirectError).suggestions).toEqual([
      'set api_endpoint (or DIGITALOCEAN_API_ENDPOINT) to https://api.devcloud.amd.com, if you trust that host with your token: '
      + 'an AMD Developer Cloud token there, or https://api.digitalocean.com with a DigitalOcean token (dop_v1_...), whose catalog lists AMD Instinct sizes for DigitalOcean accounts',
    ])
  })

  it('names an unknown redirect target without saying which token it takes', async () => {
    const {get} = await setup([{path: '/v2/sizes', action: {type: 'redirect', location: 'https://api.example.com/v2/sizes'}}])
    const error = await failure(get('/v2/sizes'))
    expect((error as RedirectError).suggestions).toEqual(['set api_endpoint (or DIGITALOCEAN_API_ENDPOINT) to https://api.example.com, if you trust that host with your token'])
  })

  it('reports a rejected token as 401 with a hint about the endpoint, never the token', async () => {
    const {sim} = await setup()
    const transport = createTransport({endpoint: sim.url, token: new Secret('dop_v1_wrong_token_value')})
    const error = await failure(transport(`${sim.url}/v2/account`))
    expect(error).toBeInstanceOf(UnauthorizedError)
    expect(error.exitCode).toBe(ExitCode.api)
    expect(error.message).toMatch(new RegExp(`^the endpoint ${sim.url} refused the token: 401 unauthorized to GET /v2/account: Unable to authenticate you\\. \\(after 1 attempt, request id [0-9a-f-]+\\)$`))
    expect((error as UnauthorizedError).details()).toMatchObject({status: 401, endpoint: sim.url})
    expect((error as UnauthorizedError).suggestions[1]).toBe(`the token must be one ${sim.url} takes; each API takes its own cloud's tokens: `
      + 'https://api.digitalocean.com takes a DigitalOcean token (dop_v1_...); https://api.devcloud.amd.com takes an AMD Developer Cloud token; '
      + 'https://api-amd.digitalocean.com is reported to redirect to https://api.devcloud.amd.com (set api_endpoint or DIGITALOCEAN_API_ENDPOINT to the one the token was made for)')
    expect(JSON.stringify({message: error.message, details: (error as UnauthorizedError).details()})).not.toContain('dop_v1_wrong_token_value')
  })

  it('sends the token only to the endpoint\'s own host', async () => {
    const {transport} = await setup()
    const other = await startSimulator({token: 'other'})
    sims.push(other)
    const answer = await transport(`${other.url}/v2/account`).catch((e: Error) => e)
    expect(answer).toBeInstanceOf(UnauthorizedError)
    expect(other.requests()).toHaveLength(1)
  })

  it('reports a refused connection on this machine at once, naming host and port: nothing listens, waiting cannot help', async () => {
    const {sim} = await setup()
    await sim.close()
    sims = []
    const transport = createTransport({endpoint: sim.url, token: new Secret('x'), sleep: async () => {}, policy: {...DEFAULT_RETRY_POLICY, maxAttempts: 2}})
    const error = await failure(transport(`${sim.url}/v2/account`))
    expect(error).toBeInstanceOf(NetworkError)
    const host = new URL(sim.url).host
    expect(error.message).toBe(`GET ${sim.url}/v2/account: cannot reach ${host}: connection refused, nothing listens there (ECONNREFUSED) (after 1 attempt)`)
    expect((error as NetworkError).suggestions[0]).toMatch(/is the simulator running\?/)
  })

  it('after a stop signal: one more attempt at once to learn the answer, then no further waits', async () => {
    let stopped = false
    const {get, sim, sleeps} = await setup([{path: '/v2/sizes', count: 0, action: {type: 'rate-limit', retryAfterSeconds: 60}}], {
      isStopped: () => stopped,
      sleep: async () => {
        stopped = true
      },
    })
    const error = await failure(get('/v2/sizes'))
    expect(error).toBeInstanceOf(ApiError)
    // The first wait is cut short by the signal; attempt 2 goes out at once; no third attempt, no second wait.
    expect(sim.counts()['GET /v2/sizes']).toBe(2)
    expect(sleeps).toEqual([])
  })
})


describe('closing the client (the command that opened it is done)', () => {
  it('ends a request that is waiting to retry: no attempt after the close, ClientClosedError', async () => {
    const closed = new AbortController()
    let release: () => void = () => {}
    const {sim, get} = await setup([{method: 'GET', path: '/v2/sizes', count: 0, action: {type: 'status', status: 503}}], {
      signal: closed.signal,
      // The retry wait never ends by itself: only the close can end it.
      sleep: () => new Promise<void>((resolve) => (release = resolve)),
    })
    const pending = get('/v2/sizes').catch((error: unknown) => error)
    while (sim.requests().length === 0) await new Promise<void>((resolve) => setImmediate(resolve))
    closed.abort()
    const error = await pending
    expect(error).toBeInstanceOf(ClientClosedError)
    expect((error as ClientClosedError).message).toBe(`GET ${sim.url}/v2/sizes: not sent again, the command is done`)
    release()
    expect(sim.requests()).toHaveLength(1)
  })

  it('20 requests in flight put one listener on the close signal, not 20 (Node warns past 10); the close still ends each', async () => {
    const closed = new AbortController()
    const {sim, get} = await setup([{method: 'GET', path: '/v2/sizes', count: 0, action: {type: 'delay', ms: 60_000}}], {signal: closed.signal})
    const pending = Array.from({length: 20}, () => get('/v2/sizes').catch((error: unknown) => error))
    while (sim.requests().length < 20) await new Promise<void>((resolve) => setImmediate(resolve))
    expect(getEventListeners(closed.signal, 'abort')).toHaveLength(1)
    closed.abort()
    for (const error of await Promise.all(pending)) expect(error).toBeInstanceOf(ClientClosedError)
  })

  it('20 requests waiting to retry: one listener on the close signal; the close ends every wait', async () => {
    const closed = new AbortController()
    const {sim, get} = await setup([{method: 'GET', path: '/v2/sizes', count: 0, action: {type: 'status', status: 503}}], {
      signal: closed.signal,
      sleep: () => new Promise<void>(() => {}),
    })
    const pending = Array.from({length: 20}, () => get('/v2/sizes').catch((error: unknown) => error))
    while (sim.requests().length < 20) await new Promise<void>((resolve) => setImmediate(resolve))
    expect(getEventListeners(closed.signal, 'abort')).toHaveLength(1)
    closed.abort()
    for (const error of await Promise.all(pending)) expect(error).toBeInstanceOf(ClientClosedError)
    expect(sim.requests()).toHaveLength(20)
  })

  it('cuts off an attempt in flight, which is not a timeout and is not retried', async () => {
    const closed = new AbortController()
    const {sim, get} = await setup([{method: 'GET', path: '/v2/sizes', action: {type: 'delay', ms: 60_000}}], {signal: closed.signal})
    const pending = get('/v2/sizes').catch((error: unknown) => error)
    while (sim.requests().length === 0) await new Promise<void>((resolve) => setImmediate(resolve))
    closed.abort()
    expect(await pending).toBeInstanceOf(ClientClosedError)
    expect(sim.requests()).toHaveLength(1)
  })
})
