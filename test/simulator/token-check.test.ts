import {afterEach, describe, expect, it} from 'vitest'

import {presentsBearer} from '../../src/lib/simulator/gate.js'
import {type Simulator, startSimulator} from '../../src/lib/simulator/server.js'
import {simAdminFetch} from '../support/sim-admin.js'

const TOKEN = `dop_v1_${'ab'.repeat(32)}`
/** The same length as TOKEN, wrong in its last character only: the guess a byte-by-byte timing attack builds. */
const LAST_CHAR_WRONG = `${TOKEN.slice(0, -1)}c`

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

describe('the check of a bearer token, one for the API and the admin API (constant time)', () => {
  it.each([
    {why: 'the token', header: `Bearer ${TOKEN}`, ok: true},
    {why: 'a wrong token of the same length', header: `Bearer ${LAST_CHAR_WRONG}`, ok: false},
    {why: 'the token cut short', header: `Bearer ${TOKEN.slice(0, -1)}`, ok: false},
    {why: 'the token and more', header: `Bearer ${TOKEN}x`, ok: false},
    {why: 'the token and a space', header: `Bearer ${TOKEN} `, ok: false},
    {why: 'as many characters, more bytes (é)', header: `Bearer ${TOKEN.slice(0, -1)}é`, ok: false},
    {why: 'another scheme', header: `Basic ${TOKEN}`, ok: false},
    {why: 'the scheme in lower case', header: `bearer ${TOKEN}`, ok: false},
    {why: 'the token alone', header: TOKEN, ok: false},
    {why: 'an empty token', header: 'Bearer ', ok: false},
    {why: 'no header', header: undefined, ok: false},
  ])('$why: accepted $ok', ({header, ok}) => {
    expect(presentsBearer(header, TOKEN)).toBe(ok)
  })

  it('is what the API asks: a wrong token of the same length and of another length are both 401', async () => {
    sim = await startSimulator({token: TOKEN})
    const statuses: number[] = []
    for (const token of [LAST_CHAR_WRONG, 'dop_v1_short', TOKEN]) {
      const answer = await fetch(`${sim.url}/v2/sizes`, {headers: {authorization: `Bearer ${token}`}})
      statuses.push(answer.status)
      if (answer.status === 401) expect(await answer.json()).toMatchObject({id: 'unauthorized', message: 'Unable to authenticate you.'})
    }
    expect(statuses).toEqual([401, 401, 200])
  })

  it('is what the admin API asks too: the same refusals', async () => {
    sim = await startSimulator({token: TOKEN})
    for (const token of [LAST_CHAR_WRONG, 'dop_v1_short']) expect((await simAdminFetch({url: sim.url, token}, 'GET', 'state')).status).toBe(401)
    expect((await simAdminFetch(sim, 'GET', 'state')).status).toBe(200)
  })
})
