import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {runInProcess} from '../support/in-process-cli.js'
import {type AdminSimulator, startAdminSimulator} from '../support/in-process-simulator.js'
import {writeCpuPoolConfig} from '../support/pools.js'

const configFile = writeCpuPoolConfig('project')

let sim: AdminSimulator
beforeAll(async () => {
  sim = await startAdminSimulator()
})
afterAll(async () => {
  await sim.close()
})
beforeEach(async () => {
  await sim.admin('POST', 'reset')
})

const velda = (args: string[], extra: Record<string, string> = {}) => runInProcess([...args, '-c', configFile], {env: {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, ...extra}})
type State = {droplets: {id: number; project_id: string}[]; projects: {id: string; name: string}[]}
const state = async () => (await sim.admin('GET', 'state')) as unknown as State
const projectId = async (name: string) => (await state()).projects.find((p) => p.name === name)?.id
const creates = () => sim.requests().filter((r) => r.method === 'POST' && r.path === '/v2/droplets')

describe('--project NAME|ID', () => {
  it('pool up puts the droplets it creates in the project, by name or id, or by $VELDA_DO_PROJECT', async () => {
    const fleet = await projectId('gpu-fleet')
    const byName = await velda(['pool', 'up', 'cpu', '-n', '3', '--project', 'gpu-fleet', '--json'])
    expect(byName.status, byName.stderr).toBe(0)
    const json = JSON.parse(byName.stdout) as {created: {id: number}[]; project: {project: {id: string; name: string}; assigned: number[]; failed: unknown[]}}
    expect(json.project).toEqual({project: {id: fleet, name: 'gpu-fleet'}, assigned: json.created.map((d) => d.id), failed: []})
    expect((await velda(['pool', 'up', 'cpu', '-n', '1', '--project', fleet ?? ''])).status).toBe(0)
    expect((await velda(['pool', 'up', 'cpu', '-n', '1'], {VELDA_DO_PROJECT: 'gpu-fleet'})).status).toBe(0)
    expect((await state()).droplets.map((d) => d.project_id)).toEqual(Array(5).fill(fleet))
    const assigns = sim.requests().filter((r) => r.path.endsWith('/resources'))
    expect(assigns).toHaveLength(3)
    expect(JSON.parse(assigns[0]?.body ?? '{}')).toEqual({resources: json.created.map((d) => `do:droplet:${d.id}`)})
  })

  it('an unknown project is refused before anything is created (exit 2), naming the projects there are', async () => {
    const result = await velda(['pool', 'up', 'cpu', '-n', '2', '--project', 'gpu-flete'])
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('--project gpu-flete: the account has no such project; nothing was created')
    expect(result.stderr).toContain('the projects are: first-project, gpu-fleet')
    expect(creates()).toEqual([])
  })

  it.each([
    ['pool up --project \'\'', ['pool', 'up', 'cpu', '-n', '2', '--project', ''], {}, '--project is empty: it must name a project (name or id)'],
    ['pool up --project \' \'', ['pool', 'up', 'cpu', '-n', '2', '--project', ' '], {}, '--project is empty'],
    ['pool up --dry-run --project \'\'', ['pool', 'up', 'cpu', '--dry-run', '--project', ''], {}, '--project is empty'],
    ['pool scale --project \'\'', ['pool', 'scale', 'cpu', '--to', '2', '--project', ''], {}, '--project is empty'],
    ['pool up with VELDA_DO_PROJECT=\'\'', ['pool', 'up', 'cpu', '-n', '2'], {VELDA_DO_PROJECT: ''}, '$VELDA_DO_PROJECT is set but empty: it must name a project (name or id)'],
    ['pool scale with VELDA_DO_PROJECT=\' \'', ['pool', 'scale', 'cpu', '--to', '2'], {VELDA_DO_PROJECT: ' '}, '$VELDA_DO_PROJECT is set but empty'],
    // The flag wins over the variable, as everywhere: an empty flag is the flag's fault, whatever the variable holds.
    ['pool up --project \'\' with VELDA_DO_PROJECT=\'\' too', ['pool', 'up', 'cpu', '-n', '2', '--project', ''], {VELDA_DO_PROJECT: ''}, '--project is empty: it must name a project (name or id)'],
    ['pool scale --project \' \' with VELDA_DO_PROJECT=\' \' too', ['pool', 'scale', 'cpu', '--to', '2', '--project', ' '], {VELDA_DO_PROJECT: ' '}, '--project is empty'],
  ] as const)('an empty project is exit 2, naming the flag or variable, nothing created: %s', async (_what, args, env, message) => {
    const result = await velda([...args], env)
    expect(result.status).toBe(2)
    expect(result.stderr).toContain(message)
    expect(result.stderr).toMatch(/the droplets then go to the default project; --project default says so/)
    expect(creates()).toEqual([])
  })

  it('a failed assignment: exit 4, the droplets reported as created and as not in the project', async () => {
    sim.addFault({method: 'POST', path: '/v2/projects/*', count: 0, action: {type: 'status', status: 403, body: {id: 'forbidden', message: 'You are not authorized to perform this operation'}}})
    const result = await velda(['pool', 'up', 'cpu', '-n', '2', '--project', 'gpu-fleet', '--json'])
    expect(result.status).toBe(4)
    const json = JSON.parse(result.stdout) as {created: {id: number}[]; project: {assigned: number[]; failed: {id: number; error: string}[]}; error: {message: string}}
    expect(json.created).toHaveLength(2)
    expect(json.project.assigned).toEqual([])
    expect(json.project.failed.map((f) => f.id)).toEqual(json.created.map((d) => d.id))
    expect(json.project.failed[0]?.error).toMatch(/403 forbidden/)
    expect(json.error.message).toMatch(/^created 2 droplets, but 2 could not be assigned to project gpu-fleet/)
    expect((await state()).droplets).toHaveLength(2)
    const table = await velda(['pool', 'up', 'cpu', '-n', '1', '--project', 'gpu-fleet'])
    expect(table.stdout).toMatch(/^POOL +NAME/)
    expect(table.stderr).toMatch(/not in project gpu-fleet: velda-\S+ \(\d+\): DigitalOcean answered 403/)
  })

  it('a failed assignment names each droplet not in the project on stderr under --json too, for pool up and pool scale', async () => {
    sim.addFault({method: 'POST', path: '/v2/projects/*', count: 0, action: {type: 'status', status: 403, body: {id: 'forbidden', message: 'You are not authorized to perform this operation'}}})
    const up = await velda(['pool', 'up', 'cpu', '-n', '2', '--project', 'gpu-fleet', '--json'])
    expect(up.status).toBe(4)
    const created = (JSON.parse(up.stdout) as {created: {id: number; name: string}[]}).created
    for (const droplet of created) expect(up.stderr).toContain(`not in project gpu-fleet: ${droplet.name} (${droplet.id}): DigitalOcean answered 403`)
    const scale = await velda(['pool', 'scale', 'cpu', '--to', '3', '--project', 'gpu-fleet'])
    expect(scale.status).toBe(4)
    expect(scale.stderr.match(/^not in project gpu-fleet: velda-\S+ \(\d+\): DigitalOcean answered 403/gm)).toHaveLength(1)
  })

  it('pool scale assigns what it creates too', async () => {
    const result = await velda(['pool', 'scale', 'cpu', '--to', '2', '--project', 'default', '--json'])
    expect(result.status, result.stderr).toBe(0)
    expect((JSON.parse(result.stdout) as {project: {project: {name: string}; assigned: number[]}}).project).toMatchObject({project: {name: 'first-project'}, assigned: [expect.any(Number), expect.any(Number)]})
  })
})
