import {describe, expect, it} from 'vitest'

import {connectApi} from '../../src/lib/cli/connection.js'
import {UsageError} from '../../src/lib/base/errors.js'

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
    ['30', /^\$VELDA_DO_REQUEST_TIMEOUT=30: a duration needs a unit: 30s or 30m\?$/],
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
    ['90', /^\$VELDA_DO_DEADLINE=90: a duration needs a unit: 90s or 90m\?$/],
  ])('refuses $VELDA_DO_DEADLINE=%s before any request, naming the variable', async (deadline, message) => {
    const {api, requests} = await connect({VELDA_DO_DEADLINE: deadline}, 'http://127.0.0.1:8')
    await expect(api).rejects.toThrow(UsageError)
    await expect(api).rejects.toThrow(message)
    expect(requests).toEqual([])
  })

  // docs/cli.md: the deadline from 1s to 1h, the request timeout from 1s to 10m, both ends included.
  it.each(['1s', '90s', '1h'])('accepts $VELDA_DO_DEADLINE=%s', async (deadline) => {
    const {api} = await connect({VELDA_DO_DEADLINE: deadline}, 'http://127.0.0.1:8')
    await expect(api).resolves.toBeDefined()
  })

  it.each(['1s', '10m'])('accepts $VELDA_DO_REQUEST_TIMEOUT=%s', async (timeout) => {
    const {api} = await connect({VELDA_DO_REQUEST_TIMEOUT: timeout}, 'http://127.0.0.1:8')
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
