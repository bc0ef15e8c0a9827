import {afterEach, describe, expect, it} from 'vitest'

import {type AdminSimulator, startAdminSimulator} from '../support/in-process-simulator.js'

const NOW = Date.UTC(2026, 10, 28, 21, 0, 0)
let sim: AdminSimulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

async function start(seed = 1): Promise<AdminSimulator> {
  sim = await startAdminSimulator({seed, now: () => NOW})
  return sim
}

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${sim?.url}${path}`, {
    method,
    headers: {authorization: `Bearer ${sim?.token}`, ...(body === undefined ? {} : {'content-type': 'application/json'})},
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return {status: response.status, json: (await response.json()) as Answer}
}

interface ProjectJson {
  id: string
  name: string
  is_default: boolean
}

/** The keys the answers here have, each in the answers that have it. */
interface Answer {
  id: string
  message: string
  projects: ProjectJson[]
  project: ProjectJson
  resources: {urn: string; status: string}[]
  meta: {total: number}
  links: {pages: Record<string, string>}
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('the simulator\'s projects', () => {
  it('seeds a default project and one more, with uuids the seed decides, listed a page at a time', async () => {
    await start()
    const {status, json} = await call('GET', '/v2/projects')
    expect(status).toBe(200)
    expect(json.projects.map((p: {name: string; is_default: boolean}) => [p.name, p.is_default])).toEqual([['first-project', true], ['gpu-fleet', false]])
    expect(json.projects[0]).toMatchObject({id: expect.stringMatching(UUID), owner_uuid: expect.any(String), environment: 'Development', created_at: '2025-03-14T09:26:53Z'})
    expect(json.meta).toEqual({total: 2})
    const ids = json.projects.map((p: {id: string}) => p.id)
    const paged = await call('GET', '/v2/projects?per_page=1&page=2')
    expect(paged.json.projects.map((p: {id: string}) => p.id)).toEqual([ids[1]])
    expect(paged.json.links.pages).toMatchObject({prev: `${sim?.url}/v2/projects?per_page=1&page=1`})

    // Same seed, same ids; another seed, others. Projects do not shift the droplet ids a seed gives.
    const droplet = sim?.seedDroplets({count: 1})[0]?.id
    await sim?.close()
    await start()
    expect((await call('GET', '/v2/projects')).json.projects.map((p: {id: string}) => p.id)).toEqual(ids)
    expect(sim?.seedDroplets({count: 1})[0]?.id).toBe(droplet)
    await sim?.close()
    await start(2)
    expect((await call('GET', '/v2/projects')).json.projects[0]?.id).not.toBe(ids[0])
  })

  it('gets a project by id (any case) and the default one; an unknown or malformed id is 404', async () => {
    await start()
    const [first, gpu] = (await call('GET', '/v2/projects')).json.projects as {id: string; name: string}[]
    expect((await call('GET', `/v2/projects/${gpu?.id}`)).json.project).toMatchObject({name: 'gpu-fleet', is_default: false})
    expect((await call('GET', `/v2/projects/${gpu?.id.toUpperCase()}`)).json.project.name).toBe('gpu-fleet')
    expect((await call('GET', '/v2/projects/default')).json.project).toMatchObject({id: first?.id, name: 'first-project', is_default: true})
    expect(await call('GET', '/v2/projects/4de7ac8b-495b-4884-9a69-1050c6793cd6')).toMatchObject({status: 404, json: {id: 'not_found'}})
    // DigitalOcean says 404 for a project id that is not a uuid, where its schema would say 422.
    expect(await call('GET', '/v2/projects/gpu-fleet')).toMatchObject({status: 404, json: {id: 'not_found'}})
  })

  it('assigns droplet URNs: assigned, already_assigned, not_found for a droplet that does not exist; state shows each droplet\'s project', async () => {
    await start()
    const gpu = ((await call('GET', '/v2/projects')).json.projects as {id: string}[])[1]?.id as string
    const [a, b] = sim?.seedDroplets({count: 2, namePrefix: 'velda-'}) ?? []
    const urns = [`do:droplet:${a?.id}`, `do:droplet:${b?.id}`]
    const first = await call('POST', `/v2/projects/${gpu}/resources`, {resources: [urns[0], 'do:droplet:999']})
    expect(first.status).toBe(200)
    expect(first.json.resources).toEqual([
      {urn: urns[0], assigned_at: '2026-11-28T21:00:00Z', links: {self: `${sim?.url}/v2/droplets/${a?.id}`}, status: 'assigned'},
      {urn: 'do:droplet:999', assigned_at: '2026-11-28T21:00:00Z', links: {self: `${sim?.url}/v2/droplets/999`}, status: 'not_found'},
    ])
    const again = await call('POST', `/v2/projects/${gpu}/resources`, {resources: urns})
    expect(again.json.resources.map((r: {status: string}) => r.status)).toEqual(['already_assigned', 'assigned'])
    const state = await sim!.admin('GET', 'state')
    expect((state.droplets as {id: number; project_id: string}[]).map((d) => d.project_id)).toEqual([gpu, gpu])
    expect((state.projects as {name: string; droplet_ids: number[]}[]).map((p) => [p.name, p.droplet_ids])).toEqual([['first-project', []], ['gpu-fleet', [a?.id, b?.id]]])
    // Back to the default project through its own path.
    expect((await call('POST', '/v2/projects/default/resources', {resources: [urns[1]]})).json.resources[0]?.status).toBe('assigned')
    expect(((await sim!.admin('GET', 'state')).projects as {droplet_ids: number[]}[])[0]?.droplet_ids).toEqual([b?.id])
  })

  it('refuses an assignment to an unknown project (404) and a malformed URN (400, in DigitalOcean\'s words)', async () => {
    await start()
    const [droplet] = sim?.seedDroplets({count: 1}) ?? []
    const unknown = await call('POST', '/v2/projects/4de7ac8b-495b-4884-9a69-1050c6793cd6/resources', {resources: [`do:droplet:${droplet?.id}`]})
    expect(unknown).toMatchObject({status: 404, json: {id: 'not_found', request_id: expect.any(String)}})
    expect(await call('POST', '/v2/projects/first-project/resources', {resources: [`do:droplet:${droplet?.id}`]})).toMatchObject({status: 404})
    const malformed = await call('POST', '/v2/projects/default/resources', {resources: [String(droplet?.id)]})
    expect(malformed).toMatchObject({status: 400, json: {id: 'bad_request', message: 'resource objects must have an urn in the following format: do:resource_type:resource_id'}})
    expect((await call('POST', '/v2/projects/default/resources', {resources: 'do:droplet:1'})).status).toBe(422)
    // Nothing moved.
    expect(((await sim!.admin('GET', 'state')).droplets as {project_id: string}[])[0]?.project_id).toBe(((await call('GET', '/v2/projects/default')).json.project.id))
  })

  it('adds projects over the admin API (a second default takes over; a name may repeat); reset restores the seeded two', async () => {
    await start()
    const added = (await sim!.admin('POST', 'projects', {name: 'gpu-fleet'})).project as {id: string; is_default: boolean}
    expect(added).toMatchObject({id: expect.stringMatching(UUID), is_default: false, created_at: '2026-11-28T21:00:00Z'})
    await sim!.admin('POST', 'projects', {name: 'main', is_default: true})
    expect((await call('GET', '/v2/projects/default')).json.project.name).toBe('main')
    expect((await call('GET', '/v2/projects')).json.projects.filter((p: {is_default: boolean}) => p.is_default)).toHaveLength(1)
    expect(await sim!.admin('POST', 'projects', {name: ''})).toEqual({error: 'a project needs a "name" of 1 to 175 characters'})
    await sim!.admin('POST', 'reset')
    expect((await call('GET', '/v2/projects')).json.projects.map((p: {name: string}) => p.name)).toEqual(['first-project', 'gpu-fleet'])
  })
})
