import {describe, expect, it} from 'vitest'

import {connectApi, REQUEST_TIMEOUT_LIMITS} from '../../src/lib/connection.js'
import {DEADLINE_LIMITS} from '../../src/lib/do/deadline.js'
import {UsageError} from '../../src/lib/errors.js'

const TOKEN = 'dop_v1_FAKE_token_for_connect_tests'

/** Connects with a fetch that records what it is asked, so a test can prove nothing was sent. */
async function connect(env: Record<string, string>, endpointFlag?: string) {
  const requests: string[] = []
  const api = connectApi({
    env: {DIGITALOCEAN_API_TOKEN: TOKEN, ...env},
    endpointFlag,
    pool: null,
    onWait: () => {},
    onWarning: () => {},
    transport: {
      fetch: async (input) => {
        requests.push(String(input))
        return new Response('{"sizes": [], "links": {}, "meta": {"total": 0}}', {headers: {'content-type': 'application/json'}})
      },
    },
  })
  return {api, requests}
}

describe('connectApi', () => {
  it.each([
    ['99999999h', /^\$VELDA_DO_REQUEST_TIMEOUT=99999999h is longer than 10m, the longest velda-do waits$/],
    ['11m', /is longer than 10m/],
    ['0', /^\$VELDA_DO_REQUEST_TIMEOUT=0 is shorter than 1s/],
    ['500ms', /is shorter than 1s/],
  ])('refuses $VELDA_DO_REQUEST_TIMEOUT=%s before any request', async (timeout, message) => {
    const {api, requests} = await connect({VELDA_DO_REQUEST_TIMEOUT: timeout}, 'http://127.0.0.1:8')
    await expect(api).rejects.toThrow(UsageError)
    await expect(api).rejects.toThrow(message)
    expect(requests).toEqual([])
  })

  it.each([
    ['0', /^\$VELDA_DO_DEADLINE=0 is shorter than 1s, the shortest velda-do accepts$/],
    ['2h', /^\$VELDA_DO_DEADLINE=2h is longer than 1h, the longest velda-do waits$/],
    ['soon', /^\$VELDA_DO_DEADLINE: "soon" is not a duration$/],
  ])('refuses $VELDA_DO_DEADLINE=%s before any request, naming the variable', async (deadline, message) => {
    const {api, requests} = await connect({VELDA_DO_DEADLINE: deadline}, 'http://127.0.0.1:8')
    await expect(api).rejects.toThrow(UsageError)
    await expect(api).rejects.toThrow(message)
    expect(requests).toEqual([])
  })

  it('accepts a deadline within the limits', async () => {
    expect(DEADLINE_LIMITS).toEqual({minMs: 1_000, maxMs: 3_600_000})
    const {api} = await connect({VELDA_DO_DEADLINE: '90s'}, 'http://127.0.0.1:8')
    await expect(api).resolves.toBeDefined()
  })

  it('accepts a request timeout within the limits', async () => {
    expect(REQUEST_TIMEOUT_LIMITS).toEqual({minMs: 1_000, maxMs: 600_000})
    const {api} = await connect({VELDA_DO_REQUEST_TIMEOUT: '10m'}, 'http://127.0.0.1:8')
    await expect(api).resolves.toBeDefined()
  })

  it.each([
    ['--api-endpoint', 'http://user:secret@127.0.0.1:9/', {}],
    ['--api-endpoint', 'http://127.0.0.1:9/?secret=1', {}],
    ['$DIGITALOCEAN_API_ENDPOINT', undefined, {DIGITALOCEAN_API_ENDPOINT: 'http://user:secret@127.0.0.1:9'}],
    ['$DIGITALOCEAN_API_ENDPOINT', undefined, {DIGITALOCEAN_API_ENDPOINT: 'http://api.example.com'}],
  ])('refuses a bad endpoint from %s before any request, without echoing a secret', async (source, flag, env) => {
    const {api, requests} = await connect(env, flag)
    const error = await api.then(() => undefined, (caught: unknown) => caught)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).message.startsWith(`${source}: `)).toBe(true)
    expect(JSON.stringify([(error as UsageError).message, (error as UsageError).suggestions])).not.toContain('secret')
    expect(requests).toEqual([])
  })
})
