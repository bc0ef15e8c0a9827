import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCliAsync} from '../support/cli.js'
import {runInProcess} from '../support/in-process-cli.js'
import {type AdminSimulator, startAdminSimulator} from '../support/in-process-simulator.js'
import {type SimulatorProcess, startSimulatorProcess} from '../support/simulator-process.js'

/**
 * What a user sees when the endpoint moved or the token is another cloud's, rehearsed on the simulator playing the
 * moved host (--moved-to) and either cloud (--cloud). The redirect target is never contacted: velda-do refuses it.
 */
describe('a moved endpoint and a token of the other cloud, against the simulator', () => {
  let moved: AdminSimulator
  let devcloud: AdminSimulator
  let digitalocean: AdminSimulator

  beforeAll(async () => {
    ;[moved, devcloud, digitalocean] = await Promise.all([
      startAdminSimulator({movedTo: 'https://api.devcloud.amd.com'}),
      startAdminSimulator({cloud: 'amd-devcloud', seed: 2}),
      startAdminSimulator({cloud: 'digitalocean', seed: 3}),
    ])
  })
  afterAll(async () => {
    await Promise.all([moved.close(), devcloud.close(), digitalocean.close()])
  })

  it('a redirect to the AMD Developer Cloud: exit 3, the target named, and which token each way takes', async () => {
    const result = await runInProcess(['sizes'], {env: {DIGITALOCEAN_API_ENDPOINT: moved.url, DIGITALOCEAN_API_TOKEN: moved.token}})
    expect(result.status).toBe(3)
    expect(result.stderr).toContain(`the endpoint ${moved.url} redirects GET /v2/sizes?page=1&per_page=200 to https://api.devcloud.amd.com/v2/sizes?page=1&per_page=200; velda-do does not follow redirects`)
    expect(result.stderr).toContain('set api_endpoint (or DIGITALOCEAN_API_ENDPOINT) to https://api.devcloud.amd.com, if you trust that host with your token: '
      + 'an AMD Developer Cloud token there, or https://api.digitalocean.com with a DigitalOcean token (dop_v1_...)')
    expect(result.stdout + result.stderr).not.toContain(moved.token)
    // One request, answered 301 whatever its token, and not sent again.
    expect((await moved.admin('GET', 'requests')).requests).toMatchObject([{method: 'GET', path: '/v2/sizes', status: 301}])
  })

  it('--json names the redirect target in the error details', async () => {
    const result = await runInProcess(['regions', '--json'], {env: {DIGITALOCEAN_API_ENDPOINT: moved.url, DIGITALOCEAN_API_TOKEN: 'dop_v1_FAKE_any_token'}})
    expect(result.status).toBe(3)
    expect(JSON.parse(result.stdout).error).toMatchObject({code: 'redirect', location: 'https://api.devcloud.amd.com/v2/regions?page=1&per_page=200'})
  })

  it('a DigitalOcean token sent to the Developer Cloud: 401 naming the endpoint, and the token each endpoint takes', async () => {
    const result = await runInProcess(['sizes', '--json'], {env: {DIGITALOCEAN_API_ENDPOINT: devcloud.url, DIGITALOCEAN_API_TOKEN: digitalocean.token}})
    expect(result.status).toBe(3)
    const error = JSON.parse(result.stdout).error as {code: string; message: string; endpoint: string; suggestions: string[]}
    expect(error).toMatchObject({code: 'unauthorized', endpoint: devcloud.url})
    expect(error.message).toMatch(new RegExp(`^the endpoint ${devcloud.url} refused the token: 401 unauthorized to GET /v2/sizes`))
    expect(error.suggestions[1]).toContain('https://api.digitalocean.com takes a DigitalOcean token (dop_v1_...); https://api.devcloud.amd.com takes an AMD Developer Cloud token')
    expect(result.stdout + result.stderr).not.toContain(digitalocean.token)
  })

  it.each([
    ['amd-devcloud', () => devcloud, ['gpu-mi300x1-192gb-devcloud', 'gpu-mi300x8-1536gb-devcloud'], 'gpu-amd-base'],
    ['digitalocean', () => digitalocean, ['gpu-mi300x1-192gb', 'gpu-mi300x8-1536gb'], 'gpu-amd-base'],
  ])('the simulator playing %s sells its own MI300X size names and AMD image', async (cloud, sim, mi300x, image) => {
    const result = await runInProcess(['sizes', '--gpu', '--json'], {env: {DIGITALOCEAN_API_ENDPOINT: sim().url, DIGITALOCEAN_API_TOKEN: sim().token}})
    expect(result.status).toBe(0)
    const slugs = (JSON.parse(result.stdout) as {sizes: {slug: string}[]}).sizes.map((size) => size.slug)
    expect(slugs.filter((slug) => slug.startsWith('gpu-mi'))).toEqual(mi300x)
    expect(await sim().admin('GET', 'state')).toMatchObject({cloud, moved_to: null})
    const images = await fetch(`${sim().url}/v2/images/${image}`, {headers: {authorization: `Bearer ${sim().token}`}})
    expect(images.status).toBe(200)
  })
})

describe('the same through the binary: velda-do simulator --cloud --moved-to', () => {
  let sim: SimulatorProcess

  beforeAll(async () => {
    sim = await startSimulatorProcess(['--cloud', 'amd-devcloud', '--moved-to', 'https://api.devcloud.amd.com/'])
  })
  afterAll(async () => {
    await sim.stop()
  })

  it('says what it plays, and every API request answers 301 there, which velda-do refuses naming the token to use', async () => {
    expect(await sim.admin('GET', 'state')).toMatchObject({cloud: 'amd-devcloud', moved_to: 'https://api.devcloud.amd.com'})
    const result = await runCliAsync(['regions'], {env: {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token}})
    expect(result.status).toBe(3)
    expect(result.stderr).toContain(`the endpoint ${sim.url} redirects GET /v2/regions?page=1&per_page=200 to https://api.devcloud.amd.com/v2/regions?page=1&per_page=200`)
    expect(result.stderr).toContain('an AMD Developer Cloud token there, or https://api.digitalocean.com with a DigitalOcean token')
  })
})
