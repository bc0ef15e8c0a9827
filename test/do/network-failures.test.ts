import {describe, expect, it} from 'vitest'

import {DeadlineError, NetworkError, TimeoutError} from '../../src/lib/do/errors.js'
import {createTransport, type FetchFunction, type TransportOptions} from '../../src/lib/do/transport.js'
import {ExitCode} from '../../src/lib/base/errors.js'
import {Secret} from '../../src/lib/base/secret.js'
import {failure} from '../support/failure.js'

const ENDPOINT = 'https://api-amd.digitalocean.com'
const HOST = 'api-amd.digitalocean.com'

/** A clock the test drives: timers fire only when time is moved on, by a sleep or by a request that hangs. */
function fakeClock() {
  let now = 0
  let timers: {at: number; fn: () => void}[] = []
  const advanceTo = (until: number, stop: () => boolean = () => false) => {
    for (;;) {
      const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0]
      if (!due || stop()) break
      timers = timers.filter((t) => t !== due)
      now = due.at
      due.fn()
    }
    if (!stop()) now = Math.max(now, until)
  }
  return {
    now: () => now,
    setTimer(ms: number, fn: () => void) {
      const timer = {at: now + ms, fn}
      timers.push(timer)
      return () => {
        timers = timers.filter((t) => t !== timer)
      }
    },
    sleep: async (ms: number) => advanceTo(now + ms),
    advanceTo,
    /** Fires timers in order until the request's signal aborts: an endpoint that never answers. */
    hang(signal: AbortSignal) {
      advanceTo(Number.POSITIVE_INFINITY, () => signal.aborted)
    },
  }
}

/** What undici's fetch throws: `TypeError('fetch failed')` with the system error as its cause. */
function fetchFailed(code: string, message = `${code} error`, nest: 'plain' | 'aggregate' = 'plain'): TypeError {
  const system = Object.assign(new Error(message), {code})
  const cause = nest === 'aggregate' ? new AggregateError([system, Object.assign(new Error(message), {code})]) : system
  return new TypeError('fetch failed', {cause})
}

const ok = () => new Response('{"sizes": []}', {headers: {'content-type': 'application/json'}})

type Clock = ReturnType<typeof fakeClock>

/** `fetch` gets the clock, so a request can take (test) time. */
function setup(makeFetch: (clock: Clock) => FetchFunction, options: Partial<TransportOptions> = {}) {
  const clock = fakeClock()
  const fetch = makeFetch(clock)
  let networkChecks = 0
  const waits: string[] = []
  const progress: string[] = []
  const calls: string[] = []
  const transport = createTransport({
    endpoint: ENDPOINT,
    token: new Secret('dop_v1_test'),
    now: clock.now,
    sleep: clock.sleep,
    setTimer: (ms, fn) => clock.setTimer(ms, fn),
    random: () => 0.5,
    // This machine's own interfaces must not decide what these tests see.
    hasNetwork: () => {
      networkChecks++
      return true
    },
    onWait: (message) => waits.push(message),
    onProgress: (message) => progress.push(message),
    fetch: (input, init) => {
      calls.push(String(input))
      return fetch(input, init)
    },
    ...options,
  })
  return {clock, waits, progress, calls, transport, networkChecks: () => networkChecks, get: (path = '/v2/sizes', origin = ENDPOINT) => transport(`${origin}${path}`)}
}

/** Fails with `error` for the first `times` calls, then answers. */
function failing(times: number, error: () => Error): FetchFunction {
  let calls = 0
  return async () => {
    calls++
    if (calls <= times) throw error()
    return ok()
  }
}

describe('network failures name the host and are retried only when waiting can help', () => {
  it('a host that does not exist (ENOTFOUND): one attempt, the host named, exit 3', async () => {
    const {get, calls, waits} = setup(() => failing(Infinity, () => fetchFailed('ENOTFOUND', `getaddrinfo ENOTFOUND ${HOST}`)))
    const error = await failure(get())
    expect(error).toBeInstanceOf(NetworkError)
    expect(error.exitCode).toBe(ExitCode.api)
    expect(error.message).toBe(`GET ${ENDPOINT}/v2/sizes: cannot reach ${HOST}: host not found (ENOTFOUND) (after 1 attempt)`)
    expect((error as NetworkError).suggestions[0]).toMatch(/check the host name in --api-endpoint, DIGITALOCEAN_API_ENDPOINT or the pool's api_endpoint/)
    expect(calls).toHaveLength(1)
    expect(waits).toEqual([])
  })

  it('a name server that does not answer (EAI_AGAIN) is retried, each wait naming the host', async () => {
    const {get, calls, waits} = setup(() => failing(2, () => fetchFailed('EAI_AGAIN')))
    expect((await get()).status).toBe(200)
    expect(calls).toHaveLength(3)
    expect(waits).toEqual([
      `GET /v2/sizes: cannot reach ${HOST}: the name server did not answer (EAI_AGAIN); waiting 0.4s before attempt 2 of 5`,
      `GET /v2/sizes: cannot reach ${HOST}: the name server did not answer (EAI_AGAIN); waiting 0.8s before attempt 3 of 5`,
    ])
  })

  it.each(['CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN'])(
    'an untrusted certificate (%s): one attempt, with what to check',
    async (code) => {
      const {get, calls} = setup(() => failing(Infinity, () => fetchFailed(code, 'certificate problem')))
      const error = (await failure(get())) as NetworkError
      expect(error.message).toBe(`GET ${ENDPOINT}/v2/sizes: cannot reach ${HOST}: its TLS certificate is not trusted: certificate problem (${code}) (after 1 attempt)`)
      expect(error.suggestions.join('\n')).toMatch(/NODE_EXTRA_CA_CERTS/)
      expect(calls).toHaveLength(1)
    },
  )

  it('a refused connection on another machine is retried (a load balancer being replaced), naming host and port, even inside an AggregateError', async () => {
    const origin = 'https://api.example.com:8443'
    const {get, calls, waits} = setup(() => failing(1, () => fetchFailed('ECONNREFUSED', 'connect ECONNREFUSED', 'aggregate')), {endpoint: origin})
    expect((await get('/v2/sizes', origin)).status).toBe(200)
    expect(calls).toHaveLength(2)
    expect(waits).toEqual(['GET /v2/sizes: cannot reach api.example.com:8443: connection refused (ECONNREFUSED); waiting 0.4s before attempt 2 of 5'])
  })

  it('a refused connection on this machine is not retried: nothing listens there', async () => {
    const origin = 'http://127.0.0.1:41234'
    const {get, calls} = setup(() => failing(Infinity, () => fetchFailed('ECONNREFUSED')), {endpoint: origin})
    const error = (await failure(get('/v2/sizes', origin))) as NetworkError
    expect(error.message).toBe(`GET ${origin}/v2/sizes: cannot reach 127.0.0.1:41234: connection refused, nothing listens there (ECONNREFUSED) (after 1 attempt)`)
    expect(error.suggestions[0]).toMatch(/is the simulator running\?/)
    expect(calls).toHaveLength(1)
  })

  it('a machine without network (no interface but loopback): one attempt, saying so, whatever the code', async () => {
    for (const code of ['EAI_AGAIN', 'ENETUNREACH', 'ECONNREFUSED']) {
      const {get, calls, waits} = setup(() => failing(Infinity, () => fetchFailed(code)), {hasNetwork: () => false})
      const error = (await failure(get())) as NetworkError
      expect(error.message).toBe(`GET ${ENDPOINT}/v2/sizes: cannot reach ${HOST}: this machine has no network (no interface but loopback has an address) (${code}) (after 1 attempt)`)
      expect(error.suggestions).toEqual(['connect this machine to a network, then try again'])
      expect([calls.length, waits]).toEqual([1, []])
    }
  })

  it('asks whether the machine has a network only after a network error to a remote host', async () => {
    const answered = setup(() => async () => ok())
    await answered.get()
    expect(answered.networkChecks()).toBe(0)
    const origin = 'http://127.0.0.1:41234'
    const local = setup(() => failing(Infinity, () => fetchFailed('ECONNREFUSED')), {endpoint: origin})
    await failure(local.get('/v2/sizes', origin))
    expect(local.networkChecks()).toBe(0)
    const remote = setup(() => failing(1, () => fetchFailed('EAI_AGAIN')))
    await remote.get()
    expect(remote.networkChecks()).toBe(1)
  })

  it('a create (POST) is still sent once on a dropped connection, with no advice to resend it', async () => {
    const clock = fakeClock()
    let calls = 0
    const transport = createTransport({
      endpoint: ENDPOINT, token: new Secret('x'), now: clock.now, sleep: clock.sleep, setTimer: clock.setTimer,
      fetch: async () => {
        calls++
        throw fetchFailed('ECONNRESET')
      },
    })
    const error = (await failure(transport(`${ENDPOINT}/v2/droplets`, {method: 'POST', body: '{}'}))) as NetworkError
    expect(error.message).toBe(`POST ${ENDPOINT}/v2/droplets: cannot reach ${HOST}: connection dropped (ECONNRESET) (after 1 attempt)`)
    expect(error.suggestions).toEqual([])
    expect(calls).toBe(1)
  })
})

describe('the overall deadline', () => {
  const blackHole: (clock: Clock) => FetchFunction = (clock) => (_input, init) =>
    new Promise<Response>((_resolve, reject) => {
      const signal = init!.signal!
      signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
      clock.hang(signal)
    })

  it('gives up on an endpoint that never answers once the deadline (60s) has passed, not after 5 attempts of 30s', async () => {
    const s = setup(blackHole)
    const error = (await failure(s.get())) as DeadlineError
    expect(error).toBeInstanceOf(DeadlineError)
    expect(error.exitCode).toBe(ExitCode.api)
    // Attempt 1 takes 30s, the wait 0.4s; attempt 2 gets the 29.6s left; no time is left for a third.
    expect(s.calls).toHaveLength(2)
    expect(s.clock.now()).toBe(60_000)
    expect(error.message).toBe(`GET ${ENDPOINT}/v2/sizes: gave up, no usable answer within the 1m deadline (2 attempts; the last: no answer from ${HOST} within 29.6s)`)
    expect(error.suggestions).toContain('to keep retrying longer than 1m: export VELDA_DO_DEADLINE=2m')
    expect(s.waits).toEqual([`GET /v2/sizes: no answer from ${HOST} within 30s; waiting 0.4s before attempt 2 of 5`])
  })

  it('never cuts a create (POST) short, even sent while the deadline is running out: it gets the whole request timeout', async () => {
    const s = setup(blackHole)
    expect(await failure(s.get())).toBeInstanceOf(DeadlineError)
    const error = await failure(s.transport(`${ENDPOINT}/v2/droplets`, {method: 'POST', body: '{}'}))
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error.message).toBe(`POST ${ENDPOINT}/v2/droplets: no answer from ${HOST} within 30s (after 1 attempt)`)
    expect(s.clock.now()).toBe(90_000)
  })

  it('says once per attempt, after 5s, that it is still waiting for the host', async () => {
    const s = setup(blackHole)
    await failure(s.get())
    expect(s.progress).toEqual([
      `GET /v2/sizes: still waiting for ${HOST} after 5s (timeout 30s)`,
      `GET /v2/sizes: still waiting for ${HOST} after 5s (timeout 29.6s)`,
    ])
  })

  it('says nothing while an answer comes within 5s, and keeps the request timeout for a slow one', async () => {
    const delays = [3_000, 20_000]
    const s = setup((clock) => async () => {
      clock.advanceTo(clock.now() + delays.shift()!)
      return ok()
    })
    expect((await s.get()).status).toBe(200)
    expect(s.progress).toEqual([])
    expect((await s.get()).status).toBe(200)
    expect(s.progress).toEqual([`GET /v2/sizes: still waiting for ${HOST} after 5s (timeout 30s)`])
  })

  it('restarts at every answer: requests that each fail once then succeed run far past it (pool up --wait polls)', async () => {
    let calls = 0
    const s = setup((clock) => (input, init) => (++calls % 2 === 1 ? blackHole(clock)(input, init) : Promise.resolve(ok())))
    for (let poll = 0; poll < 5; poll++) expect((await s.get()).status).toBe(200)
    expect(s.clock.now()).toBeGreaterThan(150_000)
  })

  it('counts 5xx answers as no answer, but a rate limit as DigitalOcean answering', async () => {
    const answer = (status: number) => new Response('{"id": "x", "message": "busy"}', {status, headers: {'content-type': 'application/json', 'retry-after': '25'}})
    const busy = setup(() => async () => answer(503))
    const error = (await failure(busy.get())) as DeadlineError
    expect(error).toBeInstanceOf(DeadlineError)
    // Answers at 0s, 25s and 50s; a wait of 25s more would end past 60s.
    expect(busy.calls).toHaveLength(3)
    expect(error.message).toBe(`GET ${ENDPOINT}/v2/sizes: gave up, no usable answer within the 1m deadline (3 attempts; the last: answer 503)`)

    let n = 0
    const limited = setup(() => async () => (++n < 5 ? answer(429) : ok()))
    expect((await limited.get()).status).toBe(200)
    expect(limited.clock.now()).toBe(100_000)
  })

  it('applies a shorter deadline with a short request timeout: 3s and 1s allow 2 attempts', async () => {
    const s = setup(blackHole, {deadlineMs: 3_000, timeoutMs: 1_000})
    const error = await failure(s.get())
    expect(error).toBeInstanceOf(DeadlineError)
    expect(error.message).toBe(`GET ${ENDPOINT}/v2/sizes: gave up, no usable answer within the 3s deadline (2 attempts; the last: no answer from ${HOST} within 1s)`)
    expect(s.calls).toHaveLength(2)
    expect(s.progress).toEqual([])
  })

  it('passes on the last failure\'s advice when the deadline ends a run of name server failures', async () => {
    const s = setup(() => failing(Infinity, () => fetchFailed('EAI_AGAIN')), {deadlineMs: 3_000})
    const error = (await failure(s.get())) as DeadlineError
    // Waits of 0.4s and 0.8s fit; 1.5s more and a 1s attempt would end past 3s.
    expect(s.calls).toHaveLength(3)
    expect(error.message).toMatch(/within the 3s deadline \(3 attempts; the last: cannot reach api-amd\.digitalocean\.com: the name server did not answer \(EAI_AGAIN\)\)$/)
    expect(error.suggestions).toEqual(['check that this machine is online and its DNS works', 'to keep retrying longer than 3s: export VELDA_DO_DEADLINE=6s'])
  })

  it('still reports a plain timeout when the attempts run out before the deadline', async () => {
    const s = setup(blackHole, {timeoutMs: 1_000})
    const error = await failure(s.get())
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error.message).toBe(`GET ${ENDPOINT}/v2/sizes: no answer from ${HOST} within 1s (after 5 attempts)`)
  })
})
