import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import PoolDown from '../../src/commands/pool/down.js'
import {API_WORLD} from '../../src/lib/cli/api-world.js'
import {systemFactory} from '../../src/lib/cli/factory.js'
import {parseConfig} from '../../src/lib/config/parse.js'
import type {RequestLogEntry} from '../../src/lib/simulator/core.js'
import {REAL_RATE_LIMITS} from '../../src/lib/simulator/rate-limit.js'
import {fakeFactory, runCommand} from '../support/command.js'
import {runInProcess} from '../support/in-process-cli.js'
import {type AdminSimulator, startAdminSimulator} from '../support/in-process-simulator.js'
import {CPU_POOL_CONFIG, writeCpuPoolConfig} from '../support/pools.js'

/**
 * Bulk deletes against the simulator, with DigitalOcean's own rate limit (250 a minute): the tag endpoints and the
 * delete by tag as its OpenAPI description gives them, the count checked, what another client does meanwhile, a
 * failure between tagging and deleting, a stop.
 */
const configFile = writeCpuPoolConfig('bulk-delete')
const prefix = parseConfig(CPU_POOL_CONFIG, {file: 'x', env: {}}).config?.pools[0]?.prefix ?? ''
const POOL_TAGS = ['velda', 'velda-pool:cpu']
const RUN_TAG_RESOURCES = /^\/v2\/tags\/(velda-do-bulk-delete:[0-9a-f]{32})\/resources$/

let sim: AdminSimulator
/** Run when the simulator has handled a request, before its answer leaves: what another client does meanwhile. */
let onAnswered: (entry: RequestLogEntry) => void = () => {}
beforeAll(async () => {
  sim = await startAdminSimulator({dropletLimit: 5000, rateLimits: REAL_RATE_LIMITS, onRequest: (entry) => onAnswered(entry)})
})
afterAll(async () => {
  await sim.close()
})
beforeEach(async () => {
  onAnswered = () => {}
  await sim.admin('POST', 'reset')
})

const env = () => ({DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token})
const seed = async (count: number, extra: Record<string, unknown> = {}) =>
  (await sim.admin('POST', 'droplets', {count, namePrefix: `${prefix}-`, tags: POOL_TAGS, size: 's-1vcpu-1gb', region: 'nyc3', ...extra})).droplets as {id: number; name: string}[]
const state = async () => (await sim.admin('GET', 'state')).droplets as {id: number; name: string; tags: string[]}[]
const apiRequests = () => sim.requests().filter((r) => r.path.startsWith('/v2/'))
const sent = (method: string, path: RegExp) => apiRequests().filter((r) => r.method === method && path.test(`${r.path}${r.query}`))
const BY_TAG = /^\/v2\/droplets\?tag_name=velda-do-bulk-delete:[0-9a-f]{32}$/
const BY_ID = /^\/v2\/droplets\/\d+$/

/** Has the simulator tag `other` with the run's tag, through the API, once the run has tagged its droplets. */
function tagAlsoOnceTagged(other: number): void {
  let done = false
  onAnswered = (entry) => {
    const tag = RUN_TAG_RESOURCES.exec(entry.path)?.[1]
    if (done || entry.method !== 'POST' || tag === undefined) return
    done = true
    const body = JSON.stringify({resources: [{resource_id: String(other), resource_type: 'droplet'}]})
    const {answer} = sim.core.handle({method: 'POST', url: `/v2/tags/${tag}/resources`, authorization: `Bearer ${sim.token}`, body})
    expect(answer).toMatchObject({status: 204})
  }
}

describe('bulk deletes against the simulator (DigitalOcean rate limit on)', () => {
  it('pool down --all of 1,000: a handful of requests, not 1,000; the tag count checked; every droplet reported', async () => {
    const seeded = await seed(1000)
    const run = await runInProcess(['pool', 'down', 'cpu', '--all', '--yes', '--json', '-c', configFile], {env: env()})
    expect(run.status, run.stderr.slice(-2000)).toBe(0)
    const json = JSON.parse(run.stdout) as {deleted: {id: number}[]; failed: unknown[]}
    expect(json.deleted.map((d) => d.id).sort()).toEqual(seeded.map((d) => d.id).sort())
    expect(json.failed).toEqual([])
    expect(await state()).toEqual([])
    expect(sent('DELETE', BY_ID)).toEqual([])
    expect(sent('DELETE', BY_TAG)).toHaveLength(1)
    expect(sent('POST', /^\/v2\/tags$/)).toHaveLength(1)
    expect(sent('POST', RUN_TAG_RESOURCES)).toHaveLength(5)
    expect(sent('GET', /^\/v2\/tags\/velda-do-bulk-delete:[0-9a-f]{32}$/)).toHaveLength(1)
    expect(sent('DELETE', /^\/v2\/tags\/velda-do-bulk-delete:[0-9a-f]{32}$/)).toHaveLength(1)
    // The account, five pages of the pool, nine for the tag and the delete, the listing that verifies, --all's relist.
    expect(apiRequests().length).toBeLessThanOrEqual(20)
    expect(apiRequests().filter((r) => r.status === 429)).toEqual([])
  }, 120_000)

  it('pool reap of 1,000 expired members: a handful of requests, each reported reaped', async () => {
    await seed(1000, {tags: [...POOL_TAGS, 'velda-expires:1600000000']})
    const run = await runInProcess(['pool', 'reap', 'cpu', '--yes', '--json', '-c', configFile], {env: env()})
    expect(run.status, run.stderr.slice(-2000)).toBe(0)
    const json = JSON.parse(run.stdout) as {reaped: {reason: string}[]; failed: unknown[]}
    expect(json.reaped).toHaveLength(1000)
    expect(json.reaped.every((d) => d.reason === 'expired')).toBe(true)
    expect(await state()).toEqual([])
    expect(sent('DELETE', BY_ID)).toEqual([])
    expect(apiRequests().length).toBeLessThanOrEqual(20)
  }, 120_000)

  it('a tag count that does not match (another droplet got the tag meanwhile): untags, deletes the chosen one by one, the other survives', async () => {
    const chosen = await seed(25)
    const [other] = (await sim.admin('POST', 'droplets', {count: 1, namePrefix: 'someone-else-', tags: ['team:ml']})).droplets as {id: number}[]
    tagAlsoOnceTagged(other?.id ?? 0)
    const run = await runInProcess(['pool', 'down', 'cpu', '--all', '--yes', '--json', '-c', configFile], {env: env()})
    expect(run.status, run.stderr).toBe(0)
    expect((JSON.parse(run.stdout) as {deleted: {id: number}[]}).deleted.map((d) => d.id).sort()).toEqual(chosen.map((d) => d.id).sort())
    expect(run.stderr).toContain('deleting one by one instead: the tag is on 26 droplets, not the 25 chosen')
    expect(sent('DELETE', BY_TAG)).toEqual([])
    expect(sent('DELETE', BY_ID)).toHaveLength(25)
    // The other droplet is there, with its own tags only: the run's tag went with the tag.
    expect(await state()).toEqual([expect.objectContaining({id: other?.id, tags: ['team:ml']})])
  }, 60_000)

  it.each([
    ['its answer lost (the droplets went)', {type: 'ambiguous', then: 'drop'}, 1, 0],
    ['a 500 (nothing done)', {type: 'status', status: 500}, 0, 25],
    ['a storm of 429s (nothing done)', {type: 'rate-limit', retryAfterSeconds: 1}, 0, 25],
  ])('the delete by tag meets %s: it is not sent again blindly; the listing says what went, the rest go by id; exit 0, each reported once', async (_name, action, count, byId) => {
    const chosen = await seed(25)
    const [bystander] = await seed(1, {namePrefix: 'bystander-', tags: ['velda', 'velda-pool:other']})
    await sim.admin('POST', 'faults', {method: 'DELETE', path: '/v2/droplets', count, action})
    const run = await runInProcess(['pool', 'down', 'cpu', '--all', '--yes', '--json', '-c', configFile], {env: env()})
    expect(run.status, run.stderr).toBe(0)
    const deleted = (JSON.parse(run.stdout) as {deleted: {id: number}[]}).deleted.map((d) => d.id)
    expect(deleted.sort()).toEqual(chosen.map((d) => d.id).sort())
    // A 429 is a refusal: waited out as told, five attempts in all; anything else is sent once.
    expect(sent('DELETE', BY_TAG)).toHaveLength(action.type === 'rate-limit' ? 5 : 1)
    expect(sent('DELETE', BY_ID)).toHaveLength(byId)
    expect((await state()).map((d) => d.id)).toEqual([bystander?.id])
  }, 60_000)

  it('SIGTERM between tagging and deleting: exit 143, nothing deleted, every droplet named as not deleted, the tag gone', async () => {
    const chosen = await seed(30)
    const real = systemFactory(API_WORLD)
    const fake = fakeFactory()
    const factory = Object.assign(fake, {
      env: {...process.env, XDG_RUNTIME_DIR: fake.env.XDG_RUNTIME_DIR, ...env()},
      now: real.now, sleep: real.sleep, connectApi: real.connectApi, ssh: real.ssh, openTraceFile: real.openTraceFile, fileExists: real.fileExists,
    })
    onAnswered = (entry) => {
      if (entry.method === 'POST' && RUN_TAG_RESOURCES.test(entry.path)) factory.signals.emit('SIGTERM')
    }
    const run = await runCommand(PoolDown, ['cpu', '--all', '--yes', '--json', '-c', configFile], factory)
    expect(run.status, run.stderr).toBe(143)
    const json = JSON.parse(run.stdout) as {deleted: unknown[]; failed: {id: number; error: string}[]; error: {code: string; signal: string}}
    expect(json.deleted).toEqual([])
    expect(json.failed.map((f) => f.id).sort()).toEqual(chosen.map((d) => d.id).sort())
    expect(new Set(json.failed.map((f) => f.error))).toEqual(new Set(['not attempted: interrupted']))
    expect(json.error).toMatchObject({code: 'interrupted', signal: 'SIGTERM'})
    expect(sent('DELETE', BY_TAG)).toEqual([])
    expect(sent('DELETE', BY_ID)).toEqual([])
    const left = await state()
    expect(left).toHaveLength(30)
    expect(left.every((d) => d.tags.join(',') === POOL_TAGS.join(','))).toBe(true)
    const tag = RUN_TAG_RESOURCES.exec(sent('POST', RUN_TAG_RESOURCES)[0]?.path ?? '')?.[1]
    const lookup = sim.core.handle({method: 'GET', url: `/v2/tags/${tag}`, authorization: `Bearer ${sim.token}`, body: ''})
    expect(lookup.answer).toMatchObject({status: 404})
  }, 60_000)
})
