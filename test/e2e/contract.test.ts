import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import formatsPlugin from 'ajv-formats'
import {type Document, OpenAPIBackend} from 'openapi-backend'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse as parseYaml} from 'yaml'

import {createDigitalOceanApi} from '../../src/lib/do/client.js'
import {Secret} from '../../src/lib/base/secret.js'
import {PROJECT_ROOT} from '../support/cli.js'
import {doExample, doExampleNames} from '../support/do-examples.js'
import {runInProcess} from '../support/in-process-cli.js'
import {type AdminSimulator, startAdminSimulator} from '../support/in-process-simulator.js'
import {FAKE_TAILSCALE_KEY} from '../support/secrets.js'

/**
 * The contract check: every request velda-do sends passes through a proxy that validates it against DigitalOcean's
 * OpenAPI description with openapi-backend, a validator the simulator does not share, before it reaches the
 * simulator. Any violation fails the suite. The commands run in-process: the build's own bundles, whose requests
 * are those of the binary.
 */

const SHARED_SPEC = join(PROJECT_ROOT, '..', 'shared', 'do-openapi', 'do-openapi-subset.strict.yaml')
const SHIPPED_SPEC = join(PROJECT_ROOT, 'assets', 'do-openapi-subset.strict.yaml')
/** The shared design's copy as this repository last saw it, for checkouts without ../shared beside them. */
const PINNED_SHARED_SPEC = join(PROJECT_ROOT, 'test', 'fixtures', 'shared-design', 'do-openapi-subset.strict.yaml')
const SPEC = existsSync(SHARED_SPEC) ? SHARED_SPEC : PINNED_SHARED_SPEC
/**
 * Paths of DigitalOcean's description that the shipped copy has and the shared design's copy has not: upstream's
 * own text for what velda-do calls beyond the shared design (doctor's image check, `--project`). Requests to them
 * are checked against the shipped copy, everything else against the shared one.
 */
const SHIPPED_ONLY_PATHS = [
  '/v2/images/{image_id}',
  '/v2/projects',
  '/v2/projects/default',
  '/v2/projects/{project_id}',
  '/v2/projects/{project_id}/resources',
  '/v2/projects/default/resources',
  '/v2/tags/{tag_id}/resources',
]

interface Seen {
  operation: string
  method: string
  url: string
  errors: string[]
  /** The simulator's answer against the operation's response schema for its status: what is wrong with it. */
  answerErrors: string[]
  status: number
}

/** DigitalOcean's description, as openapi-backend validates with it. */
async function loadBackend(file: string): Promise<OpenAPIBackend> {
  const definition = parseYaml(readFileSync(file, 'utf8')) as {components: {schemas: {region_slug: {enum: string[]}}}}
  // The one place the live API is known to outgrow the description's answers: its region enum lacks atl1, where
  // the AMD GPU droplets are (blacksky-algorithms/rsdo, patches/README.md, 005-image-regions-string.patch: "new
  // regions like atl1 not yet in the enum"). An image's regions list it; the answers are checked with it added.
  definition.components.schemas.region_slug.enum.push('atl1')
  const api = new OpenAPIBackend({
    definition: definition as unknown as Document,
    strict: false,
    validate: true,
    // Each operation's validator is compiled when a request first needs it: the same checks, without compiling
    // the hundreds of schemas no request here uses (5 s of CPU for the two descriptions).
    quick: true,
    // Formats (uuid, ipv4, date-time) checked, not just warned about.
    customizeAjv: (ajv) => {
      ;(formatsPlugin as unknown as {default: (a: typeof ajv) => void}).default(ajv)
      return ajv
    },
  })
  await api.init()
  return api
}

let sim: AdminSimulator
/** The shipped description, loaded once for the requests and the answers. */
let shippedBackend: OpenAPIBackend
let proxy: Server
let proxyUrl: string
const seen: Seen[] = []

beforeAll(async () => {
  const shared = await loadBackend(SPEC)
  const shipped = await loadBackend(SHIPPED_SPEC)
  shippedBackend = shipped
  // The shared description first; the shipped one only for the paths it alone has (SHIPPED_ONLY_PATHS).
  const validatorFor = (request: Parameters<OpenAPIBackend['matchOperation']>[0]) => {
    const operation = shared.matchOperation(request)
    if (operation) return {api: shared, operation}
    const added = shipped.matchOperation(request)
    return added && SHIPPED_ONLY_PATHS.includes(added.path) ? {api: shipped, operation: added} : {api: shared, operation: undefined}
  }
  sim = await startAdminSimulator()
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      handle(Buffer.concat(chunks).toString('utf8')).catch((error: unknown) => {
        seen.push({operation: '(proxy failure)', method: req.method ?? '', url: req.url ?? '', errors: [String(error)], answerErrors: [], status: 502})
        res.writeHead(502)
        res.end()
      })
    })
    const handle = async (raw: string) => {
      const url = new URL(req.url ?? '/', 'http://proxy')
      let body: unknown
      try {
        body = raw === '' ? undefined : JSON.parse(raw)
      } catch {
        body = raw
      }
      const request = {method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers as Record<string, string>, body}
      const {api, operation} = validatorFor(request)
      const validation = operation ? api.validateRequest(request, operation) : {valid: false, errors: [{message: 'no such operation in the spec'}]}
      const entry: Seen = {
        operation: operation?.operationId ?? '(none)',
        method: request.method,
        url: req.url ?? '',
        errors: describeErrors(validation.errors),
        answerErrors: [],
        status: 0,
      }
      seen.push(entry)
      const upstream = await fetch(`${sim.url}${req.url}`, {method: req.method, headers: {authorization: req.headers.authorization ?? '', 'content-type': 'application/json'}, body: raw === '' ? undefined : raw, redirect: 'manual'})
      const answer = Buffer.from(await upstream.arrayBuffer())
      entry.status = upstream.status
      entry.answerErrors = operation ? checkAnswer(api, operation, upstream.status, answer.toString('utf8')) : []
      res.writeHead(upstream.status, Object.fromEntries(upstream.headers))
      res.end(answer)
    }
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
}, 60_000)

function describeErrors(errors: {instancePath?: string; message?: string}[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath ?? ''} ${e.message ?? ''}`.trim())
}

/**
 * The simulator's answer checked against the response DigitalOcean's description gives for its status (or its
 * `default`): the answers velda-do's readers are tested on must be answers DigitalOcean could give. An empty
 * answer (a 204) has no schema to meet.
 */
function checkAnswer(api: OpenAPIBackend, operation: NonNullable<ReturnType<OpenAPIBackend['matchOperation']>>, status: number, body: string): string[] {
  if (body === '') return []
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return [`the answer (${status}) is not JSON`]
  }
  return describeErrors(api.validateResponse(json, operation, status).errors)
}

afterAll(async () => {
  proxy?.closeAllConnections()
  await new Promise((resolve) => proxy?.close(resolve))
  await sim?.close()
})

const dir = mkdtempSync(join(tmpdir(), 'velda-contract-'))
const configFile = join(dir, 'velda.yaml')
writeFileSync(configFile, `default_broker_info: {address: "broker.test:50051"}
agent_pools:
  - name: cpu
    auto_scaler:
      backend:
        digitalocean_droplet:
          size: s-2vcpu-4gb
          region: nyc3
          image: ubuntu-24-04-x64
          ssh_key_ids: [52896465]
          vpc_uuid: 5a4981aa-9653-4bd1-bef5-d6bff52042e4
          ipv6: true
          labels: {team: infra}
          agent_version_override: "1.0.0"
provisioners:
  - digitalocean_auto:
      region: atl1
      agent_version_override: "1.0.0"
      tailscale_config: {pre_auth_key: "\${TS_KEY}"}
      pool_details: [{pool_name: gpu, size: gpu-mi300x1-192gb-devcloud, image: amd-rocm71software}]
`)

describe('the contract: velda-do\'s requests against DigitalOcean\'s OpenAPI description', () => {
  it('every request of sizes, regions, ssh-keys, pool up, list, down and scale is valid', async () => {
    const env = {DIGITALOCEAN_API_ENDPOINT: proxyUrl, DIGITALOCEAN_API_TOKEN: sim.token, TS_KEY: FAKE_TAILSCALE_KEY}
    const run = async (args: string[]) => {
      const result = await runInProcess(args, {env})
      expect(result.status, `${args.join(' ')}: ${result.stderr}`).toBe(0)
    }
    await run(['sizes', '--json'])
    await run(['regions', '--json'])
    await run(['ssh-keys', '--json', '-c', configFile])
    await run(['pool', 'up', 'cpu', '-n', '12', '--json', '-c', configFile])
    await run(['pool', 'up', 'gpu', '-n', '1', '--json', '-c', configFile])
    await run(['pool', 'list', '--all', '--json', '-c', configFile])
    await run(['pool', 'down', 'cpu', '-n', '3', '--yes', '--json', '-c', configFile])
    // A lease tag on the creates, then both halves of scale.
    await run(['pool', 'scale', 'cpu', '--to', '15', '--ttl', '4h', '--json', '-c', configFile])
    await run(['pool', 'scale', 'cpu', '--to', '5', '--yes', '--json', '-c', configFile])
    // Into a project: looked up, then the droplets assigned.
    await run(['pool', 'up', 'cpu', '-n', '2', '--project', 'gpu-fleet', '--json', '-c', configFile])
    // More than 20 go by a tag of the run's own: made, put on them, counted, deleted by, deleted.
    await run(['pool', 'scale', 'cpu', '--to', '22', '--json', '-c', configFile])
    await run(['pool', 'down', 'cpu', '--all', '--yes', '--json', '-c', configFile])
    const violations = seen.filter((s) => s.errors.length > 0)
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([])
    // And every answer the simulator gave them meets DigitalOcean's response schema for its status.
    const badAnswers = seen.filter((s) => s.answerErrors.length > 0)
    expect(badAnswers, JSON.stringify(badAnswers, null, 2)).toEqual([])
    expect(new Set(seen.map((s) => s.operation))).toEqual(new Set(['sizes_list', 'regions_list', 'sshKeys_list', 'droplets_list', 'droplets_create', 'droplets_destroy', 'account_get', 'projects_list', 'projects_assign_resources', 'tags_create', 'tags_assign_resources', 'tags_get', 'droplets_destroy_byTag', 'tags_delete']))
    console.log(`\nContract check: ${seen.length} requests, ${new Set(seen.map((s) => s.operation)).size} operations, 0 violations (${SPEC === SHARED_SPEC ? 'the shared design' : 'its copy in test/fixtures'}'s spec)\n`)
  })

  it('the API layer\'s project calls (list, get, default, assign) are valid against the shipped description', async () => {
    const before = seen.length
    const api = await createDigitalOceanApi({endpoint: proxyUrl, token: new Secret(sim.token)})
    const projects = await api.listProjects()
    const gpu = projects.find((p) => p.name === 'gpu-fleet')
    expect(await api.getProject('default')).toMatchObject({is_default: true})
    expect(await api.getProject(gpu?.id ?? '')).toMatchObject({name: 'gpu-fleet'})
    const {droplets} = (await sim.admin('POST', 'droplets', {count: 3, namePrefix: 'contract-'})) as {droplets: {id: number}[]}
    const results = await api.assignToProject(gpu?.id ?? '', droplets.map((d) => d.id))
    expect(results.map((r) => r.status)).toEqual(['assigned', 'assigned', 'assigned'])
    const mine = seen.slice(before)
    expect(mine.filter((s) => s.errors.length > 0 || s.answerErrors.length > 0), JSON.stringify(mine, null, 2)).toEqual([])
    expect(mine.map((s) => s.operation)).toEqual(['projects_list', 'projects_get_default', 'projects_get', 'projects_assign_resources'])
  })

  it('the simulator\'s tag endpoints (bulk deletes: tag, count, delete by tag, untag, delete the tag) answer as the description says', async () => {
    // velda-do does not call them yet; the requests are the ones its bulk deletes will send, made by hand.
    const before = seen.length
    const {droplets} = (await sim.admin('POST', 'droplets', {count: 3, namePrefix: 'bulk-'})) as {droplets: {id: number}[]}
    const call = async (method: string, path: string, body?: unknown) => {
      const answer = await fetch(`${proxyUrl}${path}`, {method, headers: {authorization: `Bearer ${sim.token}`}, body: body === undefined ? undefined : JSON.stringify(body)})
      await answer.arrayBuffer()
      return answer.status
    }
    const resources = (ids: number[]) => ({resources: ids.map((id) => ({resource_id: String(id), resource_type: 'droplet'}))})
    const ids = droplets.map((d) => d.id)
    const statuses = [
      await call('POST', '/v2/tags', {name: 'velda-bulk-contract'}),
      await call('POST', '/v2/tags/velda-bulk-contract/resources', resources(ids)),
      await call('DELETE', '/v2/tags/velda-bulk-contract/resources', resources(ids.slice(2))),
      await call('GET', '/v2/tags/velda-bulk-contract'),
      await call('DELETE', '/v2/droplets?tag_name=velda-bulk-contract'),
      await call('DELETE', '/v2/tags/velda-bulk-contract'),
      // And the refusals: each in the shape the description gives for its status.
      await call('GET', '/v2/tags/velda-bulk-contract'),
      await call('POST', '/v2/tags/velda-bulk-contract/resources', resources(ids)),
      await call('POST', '/v2/tags', {name: 'no spaces'}),
    ]
    expect(statuses).toEqual([201, 204, 204, 200, 204, 204, 404, 404, 400])
    const mine = seen.slice(before)
    expect(mine.map((s) => s.operation)).toEqual([
      'tags_create',
      'tags_assign_resources',
      'tags_unassign_resources',
      'tags_get',
      'droplets_destroy_byTag',
      'tags_delete',
      'tags_get',
      'tags_assign_resources',
      'tags_create',
    ])
    // The last request breaks the description on purpose (a space in the name); every other one is valid.
    expect(mine.slice(0, -1).filter((s) => s.errors.length > 0), JSON.stringify(mine, null, 2)).toEqual([])
    expect(mine.at(-1)?.errors.length).toBeGreaterThan(0)
    expect(mine.filter((s) => s.answerErrors.length > 0), JSON.stringify(mine, null, 2)).toEqual([])
    expect(sim.core.allDroplets().filter((d) => ids.includes(d.id)).map((d) => d.id)).toEqual(ids.slice(2))
  })

  it('the validator is live: it flags a request that breaks the spec', async () => {
    const before = seen.length
    await fetch(`${proxyUrl}/v2/droplets?per_page=500&tag_name=velda%2Fpool`, {headers: {authorization: `Bearer ${sim.token}`}})
    await fetch(`${proxyUrl}/v2/droplets`, {method: 'POST', headers: {authorization: `Bearer ${sim.token}`}, body: JSON.stringify({names: Array(11).fill('a'), size: 's-1vcpu-1gb', image: 'x'})})
    await fetch(`${proxyUrl}/v2/projects/default/resources`, {method: 'POST', headers: {authorization: `Bearer ${sim.token}`}, body: JSON.stringify({resources: ['droplet:1']})})
    expect(seen.slice(before).map((s) => s.errors.length > 0)).toEqual([true, true, true])
    // The simulator's refusals of them are DigitalOcean's error shape, as its description gives it.
    expect(seen.slice(before).map((s) => [s.status, s.answerErrors])).toEqual([[422, []], [422, []], [400, []]])
  })

  it('the answer check is live: it flags an answer that breaks DigitalOcean\'s response schema', async () => {
    const before = seen.length
    await sim.admin('POST', 'faults', {method: 'GET', path: '/v2/account', action: {type: 'patch-json', set: {'account.droplet_limit': 'many'}}})
    await fetch(`${proxyUrl}/v2/account`, {headers: {authorization: `Bearer ${sim.token}`}})
    const [answer] = seen.slice(before)
    expect(answer?.status).toBe(200)
    expect(answer?.answerErrors.join('; ')).toMatch(/droplet_limit must be integer/)
  })

  it('DigitalOcean\'s own example answers meet the response schemas the simulator\'s answers are held to', async () => {
    // The fixtures (test/fixtures/do-examples/) and the answer check agree: an example that broke its own schema
    // would mean the check, not the simulator, is wrong. Each is checked against the operation it answers (a
    // shared error body against droplets_list's response for its status, or its `default`).
    const problems: string[] = []
    for (const name of doExampleNames()) {
      const {operation, status, body} = doExample(name)
      const errors = describeErrors(shippedBackend.validateResponse(body, operation === '(shared)' ? 'droplets_list' : operation, status).errors)
      if (errors.length > 0) problems.push(`${name}: ${errors.join('; ')}`)
    }
    expect(problems).toEqual([])
    // The same check flags an example broken on purpose: it is not passing everything.
    const broken = {account: {...(doExample('account-get').body.account as object), droplet_limit: 'many'}}
    expect(describeErrors(shippedBackend.validateResponse(broken, 'account_get', 200).errors).join('; ')).toMatch(/droplet_limit must be integer/)
  })

  it('the simulator validates against the very same description DigitalOcean publishes', () => {
    // The shared design folder lies beside the repository on developers' machines; a checkout elsewhere compares
    // with the copy of it kept in test/fixtures, which must then be the shared one byte for byte where both exist.
    // Either way the comparison runs: it never silently stops.
    if (existsSync(SHARED_SPEC)) expect(readFileSync(PINNED_SHARED_SPEC, 'utf8'), 'test/fixtures/shared-design is a stale copy of ../shared').toBe(readFileSync(SHARED_SPEC, 'utf8'))
    type Spec = {paths: Record<string, unknown>; components: Record<string, Record<string, unknown>>}
    const shipped = parseYaml(readFileSync(SHIPPED_SPEC, 'utf8')) as Spec
    const shared = parseYaml(readFileSync(SPEC, 'utf8')) as Spec
    // Everything the shared description says, the shipped one says the same way.
    for (const [path, operations] of Object.entries(shared.paths)) expect(shipped.paths[path], path).toEqual(operations)
    for (const [kind, entries] of Object.entries(shared.components)) {
      for (const [name, entry] of Object.entries(entries)) expect(shipped.components[kind]?.[name], `components.${kind}.${name}`).toEqual(entry)
    }
    // What the shipped copy adds is upstream's own text for the paths velda-do doctor calls (assets/README.md).
    expect(Object.keys(shipped.paths).filter((path) => !(path in shared.paths))).toEqual(SHIPPED_ONLY_PATHS)
  })
})
