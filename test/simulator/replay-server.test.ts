import {describe, expect, it} from 'vitest'

import {Replay} from '../../src/lib/simulator/replay.js'
import {startSimulator} from '../../src/lib/simulator/server.js'
import {parseTrace} from '../../src/lib/simulator/trace-file.js'
import {simAdmin} from '../support/sim-admin.js'

/** The replay over HTTP, in-process: what a client sees of each kind of recorded answer. */

const line = (fields: Record<string, unknown>) => JSON.stringify({v: 1, kind: 'http', method: 'GET', status: 200, response_headers: {'content-type': 'application/json'}, ...fields})
const TRACE = [
  line({url: 'https://api.digitalocean.com/v2/account', status: 401, response_body: {id: 'unauthorized', message: 'Unable to authenticate you'}}),
  line({url: 'https://api.digitalocean.com/v2/sizes', status: null, error: 'connection dropped (ECONNRESET)'}),
  line({url: 'https://api.digitalocean.com/v2/sizes', status: null, error: 'no answer from api.digitalocean.com within 30s'}),
  line({url: 'https://api.digitalocean.com/v2/sizes', ratelimit: {limit: '5000', remaining: '4999', reset: '1796378460'}, request_id: 'r-1', response_body: {sizes: []}}),
].join('\n')

describe('simulator --replay, over HTTP', () => {
  it('answers as recorded whatever token is sent, drops, holds until the client gives up, and says a mismatch once answered 501', async () => {
    const said: string[] = []
    const replay = new Replay(parseTrace(Buffer.from(TRACE), 'bug.jsonl'))
    const sim = await startSimulator({replay, onError: (text) => said.push(text)})
    try {
      // The recorded 401, to a request with no token at all: the replay does not check it.
      const refused = await fetch(`${sim.url}/v2/account`)
      expect(refused.status).toBe(401)
      expect(await refused.json()).toEqual({id: 'unauthorized', message: 'Unable to authenticate you'})

      await expect(fetch(`${sim.url}/v2/sizes`, {headers: {authorization: 'Bearer anything'}})).rejects.toThrow()

      // Held: the client's own timeout ends it. The abort fires only once the simulator has taken the request, so
      // the trace moved on whatever the machine's speed.
      const held = new AbortController()
      const waiting = fetch(`${sim.url}/v2/sizes`, {signal: held.signal})
      await expect.poll(() => replay.report().answered).toBe(3)
      held.abort()
      await expect(waiting).rejects.toThrow(/abort/i)

      const mismatch = await fetch(`${sim.url}/v2/regions`)
      expect(mismatch.status).toBe(501)
      const message = 'replay mismatch at bug.jsonl:4: expected GET /v2/sizes, got GET /v2/regions (path: expected /v2/sizes, got /v2/regions)'
      expect(await mismatch.json()).toEqual({id: 'replay_mismatch', message})
      expect(said).toEqual([`velda-do simulator: ${message}`])

      const answered = await fetch(`${sim.url}/v2/sizes`)
      expect(answered.status).toBe(200)
      expect(Object.fromEntries(['content-type', 'ratelimit-limit', 'ratelimit-remaining', 'x-request-id'].map((h) => [h, answered.headers.get(h)]))).toEqual({
        'content-type': 'application/json', 'ratelimit-limit': '5000', 'ratelimit-remaining': '4999', 'x-request-id': 'r-1',
      })
      expect(await answered.json()).toEqual({sizes: []})
      expect(await simAdmin(sim, 'GET', 'replay')).toMatchObject({answered: 4, ended: true, mismatch_count: 1})

      // Reset starts over: the replay is a test that can run again.
      await simAdmin(sim, 'POST', 'reset')
      expect(await simAdmin(sim, 'GET', 'replay')).toMatchObject({answered: 0, ended: false, mismatch_count: 0})
      expect((await fetch(`${sim.url}/v2/account`)).status).toBe(401)
    } finally {
      await sim.close()
    }
  })
})
