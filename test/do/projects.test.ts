import {afterEach, describe, expect, it} from 'vitest'

import {createDigitalOceanApi, type DigitalOceanApi} from '../../src/lib/do/client.js'
import {ApiError, MalformedAnswerError} from '../../src/lib/do/errors.js'
import {ASSIGN_BATCH_SIZE} from '../../src/lib/do/projects.js'
import {Secret} from '../../src/lib/base/secret.js'
import type {FaultRule} from '../../src/lib/simulator/faults.js'
import {type Simulator, startSimulator} from '../../src/lib/simulator/server.js'
import {failure} from '../support/failure.js'

const NOW = Date.UTC(2026, 10, 28, 21, 0, 0)
const UNKNOWN_PROJECT = '4de7ac8b-495b-4884-9a69-1050c6793cd6'
let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

async function setup(faults: FaultRule[] = []) {
  sim = await startSimulator({now: () => NOW, activeAfterMs: 0, faults})
  const sleeps: number[] = []
  const api: DigitalOceanApi = await createDigitalOceanApi({
    endpoint: sim.url,
    token: new Secret(sim.token),
    now: () => NOW,
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    random: () => 0.5,
  })
  const [first, gpu] = sim.core.projectList()
  return {sim, api, sleeps, defaultId: first?.id as string, gpuId: gpu?.id as string}
}

const projectOf = (s: Simulator) => Object.fromEntries(s.core.dropletList().map((d) => [d.id as number, d.project_id as string]))

describe('projects through the API layer', () => {
  it('lists every project, page by page at per_page=200', async () => {
    const {sim, api, defaultId, gpuId} = await setup()
    for (let i = 1; i <= 250; i++) sim.core.addProject({name: `team-${i}`})
    const projects = await api.listProjects()
    expect(projects).toHaveLength(252)
    expect(projects.slice(0, 2)).toEqual([
      {id: defaultId, name: 'first-project', is_default: true},
      {id: gpuId, name: 'gpu-fleet', is_default: false},
    ])
    expect(sim.requests().map((r) => `${r.method} ${r.path}${r.query}`)).toEqual(['GET /v2/projects?page=1&per_page=200', 'GET /v2/projects?page=2&per_page=200'])
  })

  it('refuses a listing whose project has no uuid: nothing must be assigned to it', async () => {
    const {api} = await setup([{path: '/v2/projects', action: {type: 'patch-json', set: {'projects.1.id': 'gpu-fleet'}}}])
    const error = await failure(api.listProjects())
    expect(error).toBeInstanceOf(MalformedAnswerError)
    expect(error.message).toMatch(/item 2 of the "projects" list has the id "gpu-fleet", not a uuid/)
  })

  it('gets a project by id or default; null for one that does not exist', async () => {
    const {api, defaultId, gpuId} = await setup()
    expect(await api.getProject('default')).toEqual({id: defaultId, name: 'first-project', is_default: true})
    expect(await api.getProject(gpuId)).toEqual({id: gpuId, name: 'gpu-fleet', is_default: false})
    expect(await api.getProject(UNKNOWN_PROJECT)).toBeNull()
  })

  it(`assigns in batches of ${ASSIGN_BATCH_SIZE}, one status per droplet in the order given; a droplet that does not exist is not assigned`, async () => {
    const {sim, api, gpuId} = await setup()
    const ids = sim.seedDroplets({count: 119}).map((d) => d.id)
    const results = await api.assignToProject(gpuId, [...ids, 999])
    expect(results).toHaveLength(120)
    expect(results[0]).toEqual({droplet_id: ids[0], urn: `do:droplet:${ids[0]}`, status: 'assigned', assigned: true})
    expect(results.at(-1)).toEqual({droplet_id: 999, urn: 'do:droplet:999', status: 'not_found', assigned: false})
    expect(results.map((r) => r.droplet_id)).toEqual([...ids, 999])
    const posts = sim.requests().filter((r) => r.method === 'POST')
    expect(posts.map((r) => r.path)).toEqual(Array(3).fill(`/v2/projects/${gpuId}/resources`))
    expect(posts.map((r) => (JSON.parse(r.body) as {resources: string[]}).resources.length)).toEqual([50, 50, 20])
    expect(posts[0]?.body).toBe(JSON.stringify({resources: ids.slice(0, 50).map((id) => `do:droplet:${id}`)}))
    expect(new Set(Object.values(projectOf(sim)))).toEqual(new Set([gpuId]))
    expect(await api.assignToProject(gpuId, [])).toEqual([])
    expect(sim.requests().filter((r) => r.method === 'POST')).toHaveLength(3)
  })

  it('retries an assignment whose answer was lost: assigning is idempotent, so the second says already_assigned', async () => {
    const {sim, api, sleeps, gpuId} = await setup([{method: 'POST', path: '/v2/projects/*', action: {type: 'ambiguous', then: 'drop'}}])
    const [droplet] = sim.seedDroplets({count: 1})
    const results = await api.assignToProject(gpuId, [droplet?.id as number])
    expect(results.map((r) => [r.status, r.assigned])).toEqual([['already_assigned', true]])
    expect(sim.counts()[`POST /v2/projects/${gpuId}/resources`]).toBe(2)
    expect(sleeps).toEqual([375])
  })

  it('a failed assignment is an ApiError naming the method, the URL and the request id; earlier batches stay assigned', async () => {
    const {sim, api, gpuId, defaultId} = await setup([{method: 'POST', path: '/v2/projects/*', nth: 2, count: 0, action: {type: 'status', status: 500}}])
    const ids = sim.seedDroplets({count: 60}).map((d) => d.id)
    const error = await failure(api.assignToProject(gpuId, ids))
    expect(error).toBeInstanceOf(ApiError)
    expect(error.message).toMatch(new RegExp(`^DigitalOcean answered 500 server_error to POST /v2/projects/${gpuId}/resources: Server Error \\(after 5 attempts, request id [0-9a-f-]{36}\\)$`))
    const projects = projectOf(sim)
    expect(ids.map((id) => projects[id])).toEqual([...Array(50).fill(gpuId), ...Array(10).fill(defaultId)])
  })

  it('an unknown project is a 404 ApiError, not retried, and nothing is moved', async () => {
    const {sim, api, defaultId} = await setup()
    const [droplet] = sim.seedDroplets({count: 1})
    const error = await failure(api.assignToProject(UNKNOWN_PROJECT, [droplet?.id as number]))
    expect(error).toMatchObject({status: 404, errorId: 'not_found', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/)})
    expect(error.message).toContain(`to POST /v2/projects/${UNKNOWN_PROJECT}/resources: The resource you were accessing could not be found. (after 1 attempt`)
    expect(projectOf(sim)[droplet?.id as number]).toBe(defaultId)
  })

  it('an answer without its resources is a malformed answer; a droplet the answer leaves out is unreported', async () => {
    const removed = await setup([{method: 'POST', path: '/v2/projects/*', action: {type: 'patch-json', remove: ['resources']}}])
    const [one] = removed.sim.seedDroplets({count: 1})
    const error = await failure(removed.api.assignToProject(removed.gpuId, [one?.id as number]))
    expect(error).toBeInstanceOf(MalformedAnswerError)
    expect(error.message).toMatch(/no "resources" list; the droplets may be assigned all the same/)
    await sim?.close()

    const short = await setup([{method: 'POST', path: '/v2/projects/*', action: {type: 'patch-json', remove: ['resources.1']}}])
    const ids = short.sim.seedDroplets({count: 2}).map((d) => d.id)
    expect((await short.api.assignToProject(short.gpuId, ids)).map((r) => [r.status, r.assigned])).toEqual([['assigned', true], ['unreported', false]])
  })

  it('refuses to send an id that is not a droplet id', async () => {
    const {sim, api, gpuId} = await setup()
    await expect(api.assignToProject(gpuId, [1, 0])).rejects.toThrow(RangeError)
    expect(sim.requests()).toEqual([])
  })
})
