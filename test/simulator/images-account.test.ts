import {afterEach, describe, expect, it} from 'vitest'

import {type Simulator, startSimulator} from '../../src/lib/simulator/server.js'

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${sim?.url}${path}`, {
    method,
    headers: {authorization: `Bearer ${sim?.token}`, ...(method === 'POST' ? {'content-type': 'application/json'} : {})},
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return {status: response.status, json: (await response.json()) as Record<string, unknown>}
}

describe('the simulator: images and the account, for velda-do doctor', () => {
  it('GET /v2/images/{image_id} finds a public image by slug or by id, and answers 404 otherwise', async () => {
    sim = await startSimulator()
    const bySlug = await call('GET', '/v2/images/amd-rocm71software')
    expect(bySlug.status).toBe(200)
    expect(bySlug.json.image).toMatchObject({id: 201736184, slug: 'amd-rocm71software', regions: ['atl1'], status: 'available'})
    expect((await call('GET', '/v2/images/201736184')).json.image).toMatchObject({slug: 'amd-rocm71software'})
    const missing = await call('GET', '/v2/images/ubuntu-99-04-x64')
    expect(missing).toMatchObject({status: 404, json: {id: 'not_found'}})
    expect((await call('GET', '/v2/images/12345')).status).toBe(404)
  })

  it('POST /__sim/account changes what GET /v2/account answers, until reset', async () => {
    sim = await startSimulator({dropletLimit: 25})
    const changed = await call('POST', '/__sim/account', {status: 'locked', status_message: 'Billing problem', droplet_limit: 3})
    expect(changed.status).toBe(200)
    expect((await call('GET', '/v2/account')).json.account).toMatchObject({status: 'locked', status_message: 'Billing problem', droplet_limit: 3})
    await call('POST', '/__sim/reset')
    expect((await call('GET', '/v2/account')).json.account).toMatchObject({status: 'active', status_message: '', droplet_limit: 25})
  })

  it('POST /__sim/account refuses what the real API could not answer', async () => {
    sim = await startSimulator()
    for (const [patch, error] of [
      [{status: 'frozen'}, /active, warning, locked/],
      [{droplet_limit: -1}, /whole number/],
      [{droplet_limit: '25'}, /is a number, not a string/],
      [{credit: 5}, /has no key credit/],
    ] as const) {
      const answer = await call('POST', '/__sim/account', patch)
      expect(answer.status).toBe(400)
      expect(String(answer.json.error)).toMatch(error)
    }
    expect((await call('GET', '/v2/account')).json.account).toMatchObject({status: 'active', droplet_limit: 1000})
  })
})
