import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {parseCapacitySpecs} from '../../src/lib/simulator/capacity.js'
import type {FaultRule} from '../../src/lib/simulator/faults.js'
import {type CellRunner, type Command, type Fault, FAULTS, MatrixReport} from '../support/fault-matrix.js'
import {runInProcess} from '../support/in-process-cli.js'
import {type AdminSimulator, startAdminSimulator} from '../support/in-process-simulator.js'
import {expectNoSecrets} from '../support/secrets.js'

/**
 * The fault matrix's faults against pool up when capacity is short, in-process. `--retry-until-up`: 2 places free of
 * 3, one more every 5 seconds (a first try that took that long on a busy machine would leave no second), the fault
 * on the first create of the second try, that is mid-wait, after 2 were created. `--fallback`: 1 place free in the
 * first pool, the rest in the second, the fault on the first create. The listing's rows break the first listing.
 * Each cell checks what a user relies on: the exit code, one JSON document, exactly the droplets reported existing
 * (each name once, in the pool it was made in), nothing created past the count, no secret printed. Most of a row's
 * time is the wait for the place that frees: it costs the machine nothing.
 */
const run: CellRunner = (args, env) => runInProcess(args, {env})
const configFile = join(mkdtempSync(join(tmpdir(), 'velda-capacity-matrix-')), 'velda.yaml')
writeFileSync(configFile, `default_broker_info: {address: "broker.test:50051"}
agent_pools:
  - name: cpu
    auto_scaler:
      max_agents: 50
      backend:
        digitalocean_droplet: {size: s-2vcpu-4gb, region: nyc3, image: ubuntu-24-04-x64, agent_version_override: "v1.1.4"}
  - name: cpu-b
    auto_scaler:
      max_agents: 50
      backend:
        digitalocean_droplet: {size: s-1vcpu-1gb, region: nyc3, image: ubuntu-24-04-x64, agent_version_override: "v1.1.4"}
`)

const DROPLETS = {path: '/v2/droplets', key: 'droplets'}
const RETRY: Command = {name: 'pool up -n 3 --retry-until-up', args: ['pool', 'up', 'cpu', '-n', '3', '--retry-until-up', '--retry-timeout', '15s', '--json', '-c', configFile], method: 'POST', path: '/v2/droplets', list: DROPLETS, effect: {creates: 3}}
const FALLBACK: Command = {name: 'pool up -n 3 --fallback cpu-b', args: ['pool', 'up', 'cpu', '-n', '3', '--fallback', 'cpu-b', '--json', '-c', configFile], method: 'POST', path: '/v2/droplets', list: DROPLETS, effect: {creates: 3}}

/**
 * The creates of --retry-until-up's first try against 2 free: 3 (refused whole), 1, 1, 1 (refused); the fifth is
 * the second try's probe, made while it waits for the third place.
 */
const SECOND_TRY_CREATE = 5

/**
 * What a fault ends in when capacity is short. With --fallback, as the matrix says for pool up, but a 422 for a size
 * the catalog offers, a refusal for capacity, is refused by every pool (exit 3, no_capacity). With --retry-until-up
 * the fault comes after 2 were created: a passing fault still ends with 3 (exit 0); a 422 that never clears is waited
 * for until --retry-timeout (exit 5, capacity_timeout); any other lasting refusal ends it part-way (exit 4).
 */
function expectedExit(fault: Fault, command: Command): number {
  if (command === FALLBACK) return fault.shrinks ? 3 : fault.exit
  if (fault.target === 'list' || fault.exit === 0) return fault.exit
  return fault.shrinks ? 5 : 4
}

type Droplet = {id: number; name: string; size_slug?: string; size?: string}
let sim: AdminSimulator
const report = new MatrixReport()

beforeAll(async () => {
  sim = await startAdminSimulator({capacity: parseCapacitySpecs(['s-2vcpu-4gb@nyc3=2,+1/5s'])})
})
afterAll(async () => {
  await sim.close()
  report.print('Fault matrix: pool up when capacity is short (in-process, the build\'s bundles against the simulator)', [RETRY, FALLBACK], FAULTS)
})

async function cell(fault: Fault, command: Command): Promise<string> {
  await sim.admin('POST', 'reset')
  // --fallback: one place in the first pool, so that its creates are refused and the rest go to cpu-b.
  if (command === FALLBACK) await sim.admin('POST', 'capacity', {capacity: ['s-2vcpu-4gb@nyc3=1']})
  const action = typeof fault.action === 'function' ? fault.action(command) : fault.action
  const target = fault.target === 'list' ? {method: 'GET', path: command.list.path} : {method: command.method, path: command.path, ...(command === RETRY ? {nth: SECOND_TRY_CREATE} : {})}
  await sim.admin('POST', 'faults', {...target, count: fault.count, action} satisfies FaultRule)
  const result = await run(command.args, {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, VELDA_DO_REQUEST_TIMEOUT: '3s'})
  const log = ((await sim.admin('GET', 'requests')) as {requests: {method: string; path: string; fault: string | null; body: string; status: number | null}[]}).requests
  expect(log.some((r) => r.fault === action.type), 'the fault never fired').toBe(true)
  const checks: string[] = []
  const exit = expectedExit(fault, command)
  expect(result.status, result.stderr).toBe(exit)
  checks.push(`exit ${result.status}`)
  const json = JSON.parse(result.stdout) as {created?: (Droplet & {pool: string})[]; failed?: unknown[]; pools?: {pool: string; created: number}[]; tries?: number; error?: {code: string}}
  checks.push('json')
  expectNoSecrets(result.stdout + result.stderr)
  expect(result.stdout + result.stderr).not.toContain(sim.token)
  checks.push('no secret')
  const after = (await sim.admin('GET', 'state')).droplets as Droplet[]
  const created = json.created ?? []
  expect(new Set(after.map((d) => d.name)).size, 'no name created twice').toBe(after.length)
  expect(after.map((d) => d.name).sort()).toEqual(created.map((d) => d.name).sort())
  expect(created.length).toBeLessThanOrEqual(3)
  checks.push(`${created.length} created = existing`)
  if (exit === 0) expect(created).toHaveLength(3)
  // Mid-wait, the 2 made before the fault are kept and listed, whatever it ends in.
  if (command === RETRY && fault.target !== 'list') expect(created.length).toBeGreaterThanOrEqual(2)
  if (exit === 5) expect(json.error?.code).toBe('capacity_timeout')
  if (command === FALLBACK && exit === 0) {
    // The first pool's one place, then cpu-b for the rest, each droplet under the pool it was made in.
    expect(json.pools?.map((p) => [p.pool, p.created])).toEqual([['cpu', 1], ['cpu-b', 2]])
    expect(created.map((d) => d.pool).sort()).toEqual(['cpu', 'cpu-b', 'cpu-b'])
    checks.push('1 in cpu, 2 in cpu-b')
  }
  // How many tries it took depends on how long the fault's own retry waited (capacity frees meanwhile): said, not judged.
  if (command === RETRY && json.tries !== undefined) checks.push(`${json.tries} ${json.tries === 1 ? 'try' : 'tries'}`)
  return checks.join(', ')
}

describe('the fault matrix: pool up --retry-until-up', () => {
  it.each(FAULTS.map((fault) => [fault.name, fault] as const))('%s', async (_name, fault) => report.record(fault, RETRY, await cell(fault, RETRY)))
})

describe('the fault matrix: pool up --fallback', () => {
  it.each(FAULTS.map((fault) => [fault.name, fault] as const))('%s', async (_name, fault) => report.record(fault, FALLBACK, await cell(fault, FALLBACK)))
})
