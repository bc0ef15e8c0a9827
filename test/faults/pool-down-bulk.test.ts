import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {FaultRule} from '../../src/lib/simulator/faults.js'
import {type CellRunner, type Command, COMMANDS, type Fault, FAULTS, MatrixReport, poolPrefix} from '../support/fault-matrix.js'
import {runInProcess} from '../support/in-process-cli.js'
import {type AdminSimulator, startAdminSimulator} from '../support/in-process-simulator.js'
import {expectNoSecrets, FAKE_TAILSCALE_KEY} from '../support/secrets.js'

/**
 * The fault matrix's faults against a bulk delete (`pool down --all` of 25: more than 20 go by a tag of the run's
 * own), in-process. Every fault of the matrix is set on the delete by tag (`DELETE /v2/droplets?tag_name=`), or on
 * the listing for the listing's rows; then the faults only a bulk delete meets, on its tag requests. Each cell
 * checks what the user sees: the exit code, one JSON document, every chosen droplet reported deleted once and gone,
 * nothing else touched, no secret printed; and what was sent: the delete by tag once (twice after a 429, which
 * refuses), never blindly again after a lost answer, and one DELETE per droplet for exactly those it left.
 */
const run: CellRunner = (args, env) => runInProcess(args, {env})
const matrixDown = COMMANDS.find((c) => c.name === 'pool down')
const configFile = matrixDown?.args[matrixDown.args.indexOf('-c') + 1] ?? ''
const CHOSEN = 25
const BULK: Command = {
  name: `pool down --all (${CHOSEN}: by tag)`,
  args: ['pool', 'down', 'cpu', '--all', '--yes', '--ignore-limits', '--json', '-c', configFile],
  method: 'DELETE',
  path: '/v2/droplets',
  list: {path: '/v2/droplets', key: 'droplets'},
  effect: {deletes: CHOSEN, seeded: CHOSEN},
}

/** A fault only a bulk delete meets, and what it leaves: deleted by the tag, or one by one. */
interface BulkFault extends Fault {
  rule: Omit<FaultRule, 'action' | 'count'>
  byTag: boolean
  said?: RegExp
}

const TAG = /velda-do-bulk-delete:[0-9a-f]{32}/
const BULK_FAULTS: BulkFault[] = [
  {name: 'tag refused (403: a token without tag:create)', rule: {method: 'POST', path: '/v2/tags'}, action: {type: 'status', status: 403}, count: 0, exit: 0, attempts: 1, byTag: false, said: /deleting one by one instead: the tag could not be put on them: .*403/},
  {name: 'tagging refused (422)', rule: {method: 'POST', path: '/v2/tags/*'}, action: {type: 'status', status: 422}, count: 0, exit: 0, attempts: 1, byTag: false, said: /deleting one by one instead: the tag could not be put on them: .*422/},
  {name: 'tagging answer lost (asked again)', rule: {method: 'POST', path: '/v2/tags/*'}, action: {type: 'ambiguous', then: 'drop'}, count: 1, exit: 0, attempts: 2, byTag: true},
  {name: 'tag count off by one', rule: {method: 'GET', path: '/v2/tags/*'}, action: {type: 'patch-json', set: {'tag.resources.droplets.count': CHOSEN + 1}}, count: 0, exit: 0, attempts: 1, byTag: false, said: /deleting one by one instead: the tag is on 26 droplets, not the 25 chosen/},
  {name: 'tag count of a volume too', rule: {method: 'GET', path: '/v2/tags/*'}, action: {type: 'patch-json', set: {'tag.resources.count': CHOSEN + 1}}, count: 0, exit: 0, attempts: 1, byTag: false, said: /besides the 25 droplets chosen/},
  {name: 'tag count missing', rule: {method: 'GET', path: '/v2/tags/*'}, action: {type: 'patch-json', remove: ['tag.resources.droplets.count']}, count: 0, exit: 0, attempts: 1, byTag: false, said: /not a count/},
  {name: 'tag not removed (403)', rule: {method: 'DELETE', path: '/v2/tags/*'}, action: {type: 'status', status: 403}, count: 0, exit: 0, attempts: 1, byTag: true, said: /of this delete could not be deleted; delete it with: doctl compute tag delete velda-do-bulk-delete:[0-9a-f]{32} --force/},
]

type Droplet = {id: number; name: string; tags: string[]}

let sim: AdminSimulator
let prefix: string
const report = new MatrixReport()

beforeAll(async () => {
  sim = await startAdminSimulator()
  prefix = await poolPrefix(run)
})
afterAll(async () => {
  await sim.close()
  report.print('Fault matrix: bulk delete (in-process, the build\'s bundles against the simulator)', [BULK], [...FAULTS, ...BULK_FAULTS])
})

/** One cell: the fault set, the run, and the checks every cell makes; answers what it checked, and the log. */
async function cell(rule: FaultRule, exit: number): Promise<{checks: string[]; json: Record<string, unknown>; stderr: string; log: {method: string; path: string; query: string; status: number | null; fault: string | null}[]}> {
  await sim.admin('POST', 'reset')
  await sim.admin('POST', 'droplets', {count: CHOSEN, namePrefix: prefix, tags: ['velda', 'velda-pool:cpu']})
  await sim.admin('POST', 'droplets', {count: 2, namePrefix: 'bystander-', tags: ['velda', 'velda-pool:other']})
  const before = (await sim.admin('GET', 'state')).droplets as Droplet[]
  await sim.admin('POST', 'faults', rule)
  const result = await run(BULK.args, {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, TS_KEY: FAKE_TAILSCALE_KEY, VELDA_DO_REQUEST_TIMEOUT: '3s'})
  const log = ((await sim.admin('GET', 'requests')) as {requests: {method: string; path: string; query: string; status: number | null; fault: string | null}[]}).requests
  expect(log.some((r) => r.fault === rule.action.type), 'the fault never fired').toBe(true)
  const checks: string[] = []
  expect(result.status, result.stderr).toBe(exit)
  checks.push(`exit ${result.status}`)
  const json = JSON.parse(result.stdout) as Record<string, unknown>
  checks.push('json')
  expectNoSecrets(result.stdout + result.stderr)
  expect(result.stdout + result.stderr).not.toContain(sim.token)
  checks.push('no secret')
  const after = (await sim.admin('GET', 'state')).droplets as Droplet[]
  const deleted = ((json.deleted ?? []) as Droplet[]).map((d) => d.id)
  expect(new Set(deleted).size, 'each reported once').toBe(deleted.length)
  expect(after.map((d) => d.id).sort()).toEqual(before.filter((d) => !deleted.includes(d.id)).map((d) => d.id).sort())
  expect(deleted).toHaveLength(exit === 0 ? CHOSEN : 0)
  expect(after.filter((d) => d.name.startsWith('bystander-'))).toHaveLength(2)
  expect(after.every((d) => !d.tags.some((t) => TAG.test(t))), 'no droplet left carrying the run tag').toBe(true)
  checks.push(`${deleted.length} deleted = gone, bystanders kept`)
  return {checks, json, stderr: result.stderr, log}
}

const byTag = (log: {method: string; path: string; query: string}[]) => log.filter((r) => r.method === 'DELETE' && r.path === '/v2/droplets' && r.query.startsWith('?tag_name='))
const byId = (log: {method: string; path: string}[]) => log.filter((r) => r.method === 'DELETE' && /^\/v2\/droplets\/\d+$/.test(r.path))

describe('the fault matrix: a bulk delete', () => {
  it.each(FAULTS.map((fault) => [fault.name, fault] as const))('%s', async (_name, fault) => {
    const action = typeof fault.action === 'function' ? fault.action(BULK) : fault.action
    const target = fault.target === 'list' ? {method: 'GET', path: BULK.list.path} : {method: BULK.method, path: BULK.path}
    // A broken listing stops the run before anything is tagged, as in pool down's column; any fault on the delete by
    // tag ends with every droplet deleted: by the tag, or one by one for what the listing still shows.
    const exit = fault.target === 'list' ? fault.exit : 0
    const {checks, stderr, log, json} = await cell({...target, count: fault.count, action}, exit)
    if (fault.target === 'list') {
      expect((json.error as {message: string}).message).toMatch(fault.cause ?? /./)
      expect(log.filter((r) => r.path.startsWith('/v2/tags'))).toEqual([])
      checks.push('nothing tagged')
    } else {
      const refused = action.type === 'rate-limit'
      expect(byTag(log), 'the delete by tag: once, or again only after a 429').toHaveLength(refused ? 2 : 1)
      if (refused) expect(stderr).toMatch(/waiting: DELETE \/v2\/droplets\?tag_name=velda-do-bulk-delete:[0-9a-f]{32}: rate limited/)
      const performed = refused || fault.performs === true
      expect(byId(log), 'one DELETE per droplet the delete by tag left').toHaveLength(performed ? 0 : CHOSEN)
      checks.push(`${byTag(log).length} by tag, ${byId(log).length} by id`)
    }
    report.record(fault, BULK, checks.join(', '))
  })

  it.each(BULK_FAULTS.map((fault) => [fault.name, fault] as const))('%s', async (_name, fault) => {
    const action = fault.action as FaultRule['action']
    const {checks, stderr, log} = await cell({...fault.rule, count: fault.count, action}, fault.exit)
    const met = log.filter((r) => r.method === fault.rule.method && (fault.rule.path?.endsWith('*') ? r.path.startsWith(fault.rule.path.slice(0, -1)) : r.path === fault.rule.path))
    expect(met, 'sends of the request the fault is on: a lost tagging is asked again, a refusal is not').toHaveLength(fault.attempts)
    expect(byTag(log)).toHaveLength(fault.byTag ? 1 : 0)
    expect(byId(log)).toHaveLength(fault.byTag ? 0 : CHOSEN)
    checks.push(`${byTag(log).length} by tag, ${byId(log).length} by id`)
    if (fault.said) {
      expect(stderr).toMatch(fault.said)
      checks.push('said why')
    }
    report.record(fault, BULK, checks.join(', '))
  })
})
