import {describe, expect, it} from 'vitest'

import {Secret} from '../../src/lib/base/secret.js'
import type {HttpExchange} from '../../src/lib/do/trace.js'
import {createTransport, type FetchFunction} from '../../src/lib/do/transport.js'

const ENDPOINT = 'http://127.0.0.1:9'
const TOKEN = 'dop_v1_transport_trace_token_0123456789'

type Answer = Response | Error

/** A transport over `answers`, one per attempt, each exchange told to the returned list. */
function traced(answers: Answer[], deadlineMs?: number) {
  const exchanges: HttpExchange[] = []
  let clock = Date.UTC(2026, 11, 4, 12, 0, 0)
  const fetch: FetchFunction = async () => {
    clock += 7
    const next = answers.shift()
    if (!next) throw new Error('no more answers')
    if (next instanceof Error) throw next
    return next
  }
  const transport = createTransport({endpoint: ENDPOINT, token: new Secret(TOKEN), fetch, now: () => clock, sleep: async () => {}, random: () => 0.5, hasNetwork: () => true, ...(deadlineMs ? {deadlineMs} : {}), trace: (exchange) => exchanges.push(exchange)})
  return {transport, exchanges}
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), {status, headers: {'content-type': 'application/json', ...headers}})
const summary = (exchanges: HttpExchange[]) => exchanges.map((e) => [e.attempt, e.status, e.retry])

describe('what the transport tells the trace', () => {
  it('each attempt of a GET retried after a 503: its answer, duration, and the decision taken', async () => {
    const {transport, exchanges} = traced([json(503, {id: 'unavailable', message: 'busy'}, {'ratelimit-remaining': '10'}), json(200, {sizes: []}, {'x-request-id': 'r2'})])
    await transport(`${ENDPOINT}/v2/sizes?per_page=200`)
    expect(summary(exchanges)).toEqual([
      [1, 503, 'waiting 0.4s before attempt 2 of 5'],
      [2, 200, 'none'],
    ])
    expect(exchanges[0]).toMatchObject({method: 'GET', url: `${ENDPOINT}/v2/sizes?per_page=200`, durationMs: 7, error: null, requestBody: null, responseBody: '{"id":"unavailable","message":"busy"}'})
    expect(exchanges[0]?.responseHeaders?.get('ratelimit-remaining')).toBe('10')
    expect(exchanges[1]?.responseHeaders?.get('x-request-id')).toBe('r2')
  })

  it.each([
    ['a 404: no retry', [json(404, {id: 'not_found', message: 'gone'})], 'GET', [[1, 404, 'none']]],
    ['a POST answered 500: never sent again', [json(500, {id: 'x', message: 'oops'})], 'POST', [[1, 500, 'gave up: POST is not retried: it may have been performed']]],
    ['five 503s: the last attempt gives up', Array.from({length: 5}, () => json(503, {id: 'x', message: 'busy'})), 'GET', [
      [1, 503, 'waiting 0.4s before attempt 2 of 5'],
      [2, 503, 'waiting 0.8s before attempt 3 of 5'],
      [3, 503, 'waiting 1.5s before attempt 4 of 5'],
      [4, 503, 'waiting 3.0s before attempt 5 of 5'],
      [5, 503, 'gave up: gave up after 5 attempts'],
    ]],
    ['a redirect: refused, not followed', [new Response(null, {status: 301, headers: {location: 'https://elsewhere.example/v2/sizes'}})], 'GET', [[1, 301, 'none']]],
  ] as [string, Answer[], string, unknown[]][])('%s', async (_name, answers, method, expected) => {
    const {transport, exchanges} = traced(answers)
    await expect(transport(`${ENDPOINT}/v2/droplets`, {method, body: method === 'POST' ? '{"name":"a"}' : undefined})).rejects.toThrow()
    expect(summary(exchanges)).toEqual(expected)
    if (method === 'POST') expect(exchanges[0]?.requestBody).toBe('{"name":"a"}')
  })

  it('the deadline: the retry not worth starting is told as given up, with the deadline', async () => {
    const {transport, exchanges} = traced([json(503, {id: 'x', message: 'busy'})], 1_000)
    await expect(transport(`${ENDPOINT}/v2/sizes`)).rejects.toThrow(/deadline/)
    expect(summary(exchanges)).toEqual([[1, 503, 'gave up: no time for another attempt within the 1s deadline']])
  })

  it('an attempt with no answer: no status, the network error, then the retry', async () => {
    const {transport, exchanges} = traced([Object.assign(new TypeError('fetch failed'), {cause: Object.assign(new Error('read ECONNRESET'), {code: 'ECONNRESET'})}), json(200, {})])
    await transport(`${ENDPOINT}/v2/account`)
    expect(exchanges[0]).toMatchObject({status: null, responseHeaders: null, responseBody: null, retry: 'waiting 0.4s before attempt 2 of 5'})
    expect(exchanges[0]?.error).toMatch(/ECONNRESET/)
  })

  it('a success that is not JSON: the reason it cannot be read is the error', async () => {
    const {transport, exchanges} = traced([new Response('<html>proxy</html>', {status: 200, headers: {'content-type': 'text/html'}}), json(200, {})])
    await transport(`${ENDPOINT}/v2/account`)
    expect(exchanges[0]?.error).toMatch(/^the answer \(200, text\/html\) is not JSON/)
    expect(exchanges[0]?.retry).toBe('waiting 0.4s before attempt 2 of 5')
  })

  it('never tells the request headers: the token is in them', async () => {
    const {transport, exchanges} = traced([json(200, {})])
    await transport(`${ENDPOINT}/v2/account`)
    expect(JSON.stringify(exchanges, (_key, value: unknown) => (value instanceof Headers ? Object.fromEntries(value) : value))).not.toContain(TOKEN)
  })
})
