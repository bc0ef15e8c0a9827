import {describe, expect, it} from 'vitest'

import {createDigitalOceanApi, type DigitalOceanApi} from '../../src/lib/do/client.js'
import {ApiError, MalformedAnswerError} from '../../src/lib/do/errors.js'
import {fromWireDroplet, type WireDroplet} from '../../src/lib/do/wire-droplet.js'
import {Secret} from '../../src/lib/base/secret.js'
import {doExample as example, doExampleNames} from '../support/do-examples.js'

/**
 * DigitalOcean's own example answers (test/fixtures/do-examples/, each naming its source path and commit in
 * DigitalOcean's OpenAPI description) fed through velda-do's real readers: the transport with an injected fetch
 * that answers every request with the example. Each table row asserts the values a user looks for.
 */

/**
 * The sizes and regions examples are page 1 of a `per_page=1` listing (`meta.total` 64 and 13, one item, a
 * `next` link). velda-do asks `per_page=200`, to which DigitalOcean answers every item in one page; asked so,
 * the excerpt would be a short page, which velda-do refuses (tested below). Served as the one page it stands for.
 */
function asOnePage(body: Record<string, unknown>, key: string): Record<string, unknown> {
  const items = body[key] as unknown[]
  return {...body, links: {}, meta: {total: items.length}}
}

/** An API whose every request is answered with `body` (status and JSON as the example gives them). */
async function apiAnswering(status: number, body: unknown): Promise<DigitalOceanApi> {
  return createDigitalOceanApi({
    endpoint: 'https://api.digitalocean.com',
    token: new Secret(`dop_v1_${'0'.repeat(64)}`),
    now: () => Date.UTC(2026, 11, 4),
    sleep: async () => {},
    random: () => 0.5,
    fetch: async () => {
      return new Response(status === 204 ? null : JSON.stringify(body), {status, headers: {'content-type': 'application/json; charset=utf-8', 'x-request-id': 'example-request'}})
    },
  })
}

async function read<T>(name: string, call: (api: DigitalOceanApi) => Promise<T>, page?: string): Promise<T> {
  const {status, body} = example(name)
  return call(await apiAnswering(status, page ? asOnePage(body, page) : body))
}

describe('DigitalOcean\'s example answers, read by velda-do', () => {
  it('every fixture names its source: repository, commit and path', () => {
    const files = doExampleNames()
    expect(files.length).toBeGreaterThanOrEqual(20)
    for (const file of files) {
      const {source} = example(file)
      expect(source.repository, file).toBe('https://github.com/digitalocean/openapi')
      expect(source.commit, file).toMatch(/^[0-9a-f]{40}$/)
      expect(source.path, file).toMatch(/^specification\//)
    }
  })

  it('every example is read below, but the tag listing: velda-do never lists tags (it makes them by creating droplets with them)', () => {
    const read = ['droplets-list', 'droplets-list-tagged', 'droplets-list-gpus', 'droplet-get', 'droplet-create', 'droplets-create-multi', 'sizes-list', 'sizes-list-gpu', 'regions-list', 'account-get', 'ssh-keys-list', 'image-get', 'projects-list', 'project-default', 'project-get', 'projects-assign-resources', 'error-bad-request', 'error-unauthorized', 'error-forbidden', 'error-not-found', 'error-unprocessable-entity', 'error-too-many-requests', 'error-server-error', 'error-unexpected', 'error-tag-invalid-characters']
    expect(doExampleNames().filter((name) => !read.includes(name))).toEqual(['tags-list'])
  })

  it.each([
    ['droplets-list', (api: DigitalOceanApi) => api.listDroplets({tagName: 'env:prod'})],
    ['droplets-list-tagged', (api: DigitalOceanApi) => api.listDroplets({tagName: 'env:prod'})],
    ['droplets-list-gpus', (api: DigitalOceanApi) => api.listDroplets({gpus: true})],
  ])('droplet listing %s: name, id, status, public IPv4, size, region, image, price, GPU', async (name, call) => {
    const droplets = await read(name, call)
    const body = example(name).body as {droplets: Record<string, unknown>[]}
    expect(droplets).toHaveLength(body.droplets.length)
    expect(droplets.map((d) => [d.id, d.name, d.status])).toEqual(body.droplets.map((d) => [d.id, d.name, d.status]))
    for (const droplet of droplets) {
      expect(droplet.size).not.toBe('')
      expect(droplet.region).not.toBe('')
      expect(droplet.public_ipv4).toMatch(/^\d+\.\d+\.\d+\.\d+$/)
      expect(droplet.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    }
  })

  it('the first droplet of the listing, field by field', async () => {
    const [droplet] = await read('droplets-list', (api) => api.listDroplets())
    expect(droplet).toEqual({
      id: 3164444,
      name: 'example.com',
      status: 'active',
      region: 'nyc3',
      size: 's-1vcpu-1gb',
      image: 'ubuntu-20-04-x64',
      public_ipv4: '192.241.165.154',
      private_ipv4: '10.128.192.124',
      public_ipv6: '2604:a880:0:1010::18a:a001',
      created_at: '2020-07-21T18:37:44Z',
      tags: ['web', 'env:prod'],
      price_hourly: 0.00743999984115362,
      gpu_model: null,
    })
  })

  it('GET /v2/droplets/{id}: velda-do never sends it, but its droplet is read by the one mapper every droplet goes through', () => {
    const {droplet} = example('droplet-get').body as {droplet: WireDroplet}
    expect(fromWireDroplet(droplet)).toMatchObject({id: 3164444, name: 'example.com', status: 'active', size: 's-1vcpu-1gb', region: 'nyc3', public_ipv4: '192.241.165.154', gpu_model: null})
  })

  it('a GPU droplet: its GPU model, size and price', async () => {
    const [droplet] = await read('droplets-list-gpus', (api) => api.listDroplets({gpus: true}))
    expect(droplet).toMatchObject({id: 448543583, name: 'ml-ai-ubuntu-gpu-h100x1-80gb-tor1', status: 'active', size: 'gpu-h100x1-80gb', region: 'tor1', image: 'gpu-h100x1-base', public_ipv4: '192.241.165.154', private_ipv4: '10.128.192.124', gpu_model: 'nvidia_h100', price_hourly: 6.74})
  })

  it.each([
    ['droplet-create', ['example.com']],
    ['droplets-create-multi', ['sub-01.example.com', 'sub-02.example.com']],
  ])('create answer %s: the new droplets, `new` and without addresses', async (name, names) => {
    const created = await read(name, (api) => api.createDroplets({names, region: 'nyc3', size: 's-1vcpu-1gb', image: 'ubuntu-20-04-x64', ssh_keys: [], backups: false, ipv6: true, monitoring: false, tags: ['web'], user_data: ''}))
    expect(created.map((d) => [d.name, d.status, d.size, d.region, d.public_ipv4])).toEqual(names.map((n) => [n, 'new', 's-1vcpu-1gb', 'nyc3', null]))
    expect(created.every((d) => d.id === 3164444 || d.id === 3164445)).toBe(true)
  })

  it('sizes: slug, prices, vCPUs, memory, regions; no GPU on a Basic size', async () => {
    const [size, ...rest] = await read('sizes-list', (api) => api.listSizes(), 'sizes')
    expect(rest).toEqual([])
    expect(size).toEqual({
      slug: 's-1vcpu-1gb', description: 'Basic', vcpus: 1, memory_mb: 1024, disk_gb: 25, price_hourly: 0.00743999984115362, price_monthly: 5,
      available: true, regions: ['ams2', 'ams3', 'blr1', 'fra1', 'lon1', 'nyc1', 'nyc2', 'nyc3', 'sfo1', 'sfo2', 'sfo3', 'sgp1', 'tor1'], gpu: null,
    })
  })

  it('a GPU size: its GPUs (count, model, VRAM in GiB) and price', async () => {
    const [size] = await read('sizes-list-gpu', (api) => api.listSizes())
    expect(size).toMatchObject({slug: 'gpu-h100x1-80gb', price_hourly: 6.74, price_monthly: 4529.3, regions: ['tor1'], available: true, gpu: {count: 1, model: 'nvidia_h100', vram_gb: 80}})
  })

  it('the excerpt of a listing, asked for as a full page, is refused as a short page: never read as all there is', async () => {
    const {status, body} = example('sizes-list')
    const api = await apiAnswering(status, body)
    await expect(api.listSizes()).rejects.toBeInstanceOf(MalformedAnswerError)
  })

  it('regions: slug, name, available, sizes', async () => {
    const regions = await read('regions-list', (api) => api.listRegions(), 'regions')
    expect(regions.map((r) => [r.slug, r.name, r.available])).toEqual([['nyc3', 'New York 3', true]])
    expect(regions[0]?.sizes).toContain('s-1vcpu-1gb')
  })

  it('the account: droplet limit, status, e-mail', async () => {
    const {status, body} = example('account-get')
    expect(await (await apiAnswering(status, body)).describeAccount()).toEqual({droplet_limit: 25, status: 'active', status_message: ' ', email: 'sammy@digitalocean.com'})
    // The pool lock's key comes from the team's uuid (the example is in a team context): a digest, never the uuid itself.
    expect(await (await apiAnswering(status, body)).accountKey()).toMatch(/^[0-9a-f]{24}$/)
  })

  it('ssh keys: id, name, fingerprint', async () => {
    expect(await read('ssh-keys-list', (api) => api.listSshKeys())).toEqual([{id: 289794, name: 'Other Public Key', fingerprint: '3b:16:e4:bf:8b:00:8b:b8:59:8c:a9:d3:f0:19:fa:45'}])
  })

  it('an image: id, slug, status, regions', async () => {
    const image = await read('image-get', (api) => api.getImage('ubuntu-16-04-x64'))
    expect(image).toMatchObject({id: 6918990, slug: 'ubuntu-16-04-x64', name: '14.04 x64', status: 'available'})
    expect(image?.regions).toContain('nyc3')
  })

  it.each([
    ['projects-list', (api: DigitalOceanApi) => api.listProjects(), [{id: '4e1bfbc3-dc3e-41f2-a18f-1b4d7ba71679', name: 'my-web-api', is_default: false}, {id: 'addb4547-6bab-419a-8542-76263a033cf6', name: 'Default', is_default: true}]],
    ['project-default', async (api: DigitalOceanApi) => [await api.getProject('default')], [{id: 'addb4547-6bab-419a-8542-76263a033cf6', name: 'Default', is_default: true}]],
    ['project-get', async (api: DigitalOceanApi) => [await api.getProject('4e1bfbc3-dc3e-41f2-a18f-1b4d7ba71679')], [{id: '4e1bfbc3-dc3e-41f2-a18f-1b4d7ba71679', name: 'my-web-api', is_default: false}]],
  ])('projects %s: name, id, default', async (name, call, expected) => {
    expect(await read(name, call)).toEqual(expected)
  })

  it('a project assignment: the status of each droplet sent, by its URN', async () => {
    const results = await read('projects-assign-resources', (api) => api.assignToProject('4e1bfbc3-dc3e-41f2-a18f-1b4d7ba71679', [13457723]))
    expect(results).toEqual([{droplet_id: 13457723, urn: 'do:droplet:13457723', status: 'ok', assigned: true}])
  })

  it.each([
    ['error-bad-request', 400, 'bad_request', 'error parsing request body'],
    ['error-unauthorized', 401, 'unauthorized', 'Unable to authenticate you.'],
    ['error-forbidden', 403, 'forbidden', 'You do not have permission to perform this action.'],
    ['error-not-found', 404, 'not_found', 'The resource you requested could not be found.'],
    ['error-unprocessable-entity', 422, 'unprocessable_entity', 'request payload validation failed'],
    ['error-too-many-requests', 429, 'too_many_requests', 'API rate limit exceeded.'],
    ['error-server-error', 500, 'server_error', 'Unexpected server-side error'],
    ['error-unexpected', 503, 'example_error', 'some error message'],
  ])('error %s: the status, DigitalOcean\'s id and message, in the error velda-do shows', async (name, status, id, message) => {
    const {body} = example(name)
    const api = await apiAnswering(status, body)
    const error = await api.listSshKeys().then(() => null, (e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({status, errorId: id, apiMessage: message})
    expect((error as ApiError).message).toContain(`${status} ${id} to GET /v2/account/keys?page=1&per_page=200: ${message}`)
  })

  it('the tag refusal, in its other shape ({error, messages, root_causes}): its words are shown, not "no message"', async () => {
    const {status, body} = example('error-tag-invalid-characters')
    const error = await (await apiAnswering(status, body)).listSshKeys().then(() => null, (e: unknown) => e)
    expect(error).toMatchObject({status: 400, errorId: null})
    expect((error as ApiError).apiMessage).toContain('Error validating resource tag')
    expect((error as ApiError).apiMessage).toContain('contains invalid characters')
  })
})
