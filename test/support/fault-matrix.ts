import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect} from 'vitest'

import type {RequestLogEntry} from '../../src/lib/simulator/core.js'
import type {FaultRule} from '../../src/lib/simulator/faults.js'
import type {CliResult} from './cli.js'
import {expectNoSecrets, FAKE_TAILSCALE_KEY} from './secrets.js'

/**
 * The fault matrix: every fault we know of, against every command it can hit. Each cell checks the invariants:
 * exit code, one JSON document on stdout, the cause named, exactly the droplets reported, no secret printed, and
 * the effect: how often a request was sent, the wait announced and kept, a create never sent twice blindly.
 * test/faults/ runs every cell in-process (the build's own bundles); test/e2e/faults.test.ts runs the rows only a
 * process shows through the installed package.
 */

const CONFIG = `default_broker_info: {address: "broker.test:50051"}
agent_pools:
  - name: cpu
    auto_scaler:
      max_agents: 50
      backend:
        digitalocean_droplet:
          size: s-2vcpu-4gb
          region: nyc3
          image: ubuntu-24-04-x64
          ssh_key_ids: [52896465]
          agent_version_override: "1.0.0"
          tailscale_config: {pre_auth_key: "\${TS_KEY}"}
`
const configFile = join(mkdtempSync(join(tmpdir(), 'velda-e2e-config-')), 'velda.yaml')
writeFileSync(configFile, CONFIG)

export interface Command {
  name: string
  args: string[]
  /** The request a fault hits by default: the command's write, or its only request. */
  method: string
  path: string
  /** The listing the command reads (GET), and the name of the list in its answer. */
  list: {path: string; key: string}
  /** What it changes when it succeeds: droplets created, or deleted from a pool seeded with `seeded` first (`tags`: more tags on them). */
  effect?: {creates: number} | {deletes: number; seeded: number; tags?: string[]}
}

const DROPLETS = {path: '/v2/droplets', key: 'droplets'}
/** A lease that ended long ago: what pool reap deletes. */
const EXPIRED = 'velda-expires:1600000000'

export const COMMANDS: Command[] = [
  {name: 'sizes', args: ['sizes', '--json'], method: 'GET', path: '/v2/sizes', list: {path: '/v2/sizes', key: 'sizes'}},
  {name: 'regions', args: ['regions', '--json'], method: 'GET', path: '/v2/regions', list: {path: '/v2/regions', key: 'regions'}},
  {name: 'ssh-keys', args: ['ssh-keys', '--json', '-c', configFile], method: 'GET', path: '/v2/account/keys', list: {path: '/v2/account/keys', key: 'ssh_keys'}},
  {name: 'pool list', args: ['pool', 'list', 'cpu', '--json', '-c', configFile], method: 'GET', path: '/v2/droplets', list: DROPLETS},
  {name: 'pool up', args: ['pool', 'up', 'cpu', '-n', '3', '--json', '-c', configFile], method: 'POST', path: '/v2/droplets', list: DROPLETS, effect: {creates: 3}},
  // pool scale from an empty pool to 3, and from 4 to 2: each half must meet every fault as pool up and pool down do.
  {name: 'pool scale up', args: ['pool', 'scale', 'cpu', '--to', '3', '--yes', '--json', '-c', configFile], method: 'POST', path: '/v2/droplets', list: DROPLETS, effect: {creates: 3}},
  {
    name: 'pool scale down',
    args: ['pool', 'scale', 'cpu', '--to', '2', '--yes', '--json', '-c', configFile],
    method: 'DELETE',
    path: '/v2/droplets/*',
    list: DROPLETS,
    effect: {deletes: 2, seeded: 4},
  },
  {
    name: 'pool down',
    args: ['pool', 'down', 'cpu', '-n', '2', '--yes', '--json', '-c', configFile],
    method: 'DELETE',
    path: '/v2/droplets/*',
    list: DROPLETS,
    effect: {deletes: 2, seeded: 4},
  },
  // Two members whose lease ended: a pool with no min_agents, so both go.
  {
    name: 'pool reap',
    args: ['pool', 'reap', 'cpu', '--yes', '--json', '-c', configFile],
    method: 'DELETE',
    path: '/v2/droplets/*',
    list: DROPLETS,
    effect: {deletes: 2, seeded: 2, tags: [EXPIRED]},
  },
]

type Action = FaultRule['action']

export interface Fault {
  name: string
  /** The same for every command, or made for each (a list's name differs per command). */
  action: Action | ((command: Command) => Action)
  /** Which request it hits: the command's own (its write, for pool up and down; the default), or its GET listing. */
  target?: 'request' | 'list'
  /** Every matching request (0) or only the first (1). */
  count: number
  /** Exit code when it persists; a transient fault is absorbed (retry, or reconcile for creates): exit 0. */
  exit: number
  cause?: RegExp
  /** How often a GET or DELETE that met the fault is sent in all (the same method, path and query). */
  attempts: number
  /**
   * The waiting line a retried GET or DELETE prints on stderr: its reason, and the wait in seconds it announces.
   * minGapMs is kept from the first attempt's arrival, or (`afterHangUp`) from when the client hung up on it.
   */
  wait?: {reason: string; seconds: string; minGapMs: number; afterHangUp?: true}
  /** The request was carried out, only its answer was lost or late: a create is then found, not sent again. */
  performs?: true
  /** A create refused for capacity (a 422 for a size offered): its names are tried again fewer at a time, 3 then 1. */
  shrinks?: true
}

/**
 * The request timeout the cells run with (VELDA_DO_REQUEST_TIMEOUT). Short, since a row waits it out, but not 1 s: on
 * a busy machine a simulator process can take most of a second to read a request, so a dropped connection came to
 * look like a timeout, and a hang-up like an impatient one (see expectHungUp).
 */
const REQUEST_TIMEOUT_MS = 3_000
const TIMEOUT_SAID = `no answer from 127\\.0\\.0\\.1:\\d+ within ${REQUEST_TIMEOUT_MS / 1000}s`

// The waits: a 429 is retried after exactly what DigitalOcean said (retry-after 1 s, or until ratelimit-reset, 1 to 2 s
// away); anything else after the backoff of a first retry, 0.25 to 0.5 s. minGapMs is the least time between the two
// arrivals in the simulator's log: a wait announced but not kept fails too. A request past the timeout is hung up
// on by the client (the simulator logs when) before its late answer, and retried the backoff after that: a broken
// timeout (no hang-up, no retry, or one sent at once) fails its row.
const BACKOFF = {seconds: '0\\.[345]', minGapMs: 250}
const RESET_SECONDS = '(0\\.9|1\\.\\d|2\\.0)'
export const FAULTS: Fault[] = [
  {name: '429 + retry-after', action: {type: 'rate-limit', retryAfterSeconds: 1}, count: 1, exit: 0, attempts: 2, wait: {reason: 'rate limited', seconds: '1\\.0', minGapMs: 1_000}},
  {name: '429, ratelimit-reset only', action: {type: 'rate-limit', resetInSeconds: 1}, count: 1, exit: 0, attempts: 2, wait: {reason: 'rate limited', seconds: RESET_SECONDS, minGapMs: 1_000}},
  {name: '500', action: {type: 'status', status: 500}, count: 1, exit: 0, attempts: 2, wait: {reason: 'answer 500', ...BACKOFF}},
  {name: '502 HTML page', action: {type: 'html', status: 502}, count: 1, exit: 0, attempts: 2, wait: {reason: 'answer 502', ...BACKOFF}},
  {name: '503', action: {type: 'status', status: 503}, count: 1, exit: 0, attempts: 2, wait: {reason: 'answer 503', ...BACKOFF}},
  {name: '504', action: {type: 'status', status: 504}, count: 1, exit: 0, attempts: 2, wait: {reason: 'answer 504', ...BACKOFF}},
  {name: 'dropped connection', action: {type: 'drop'}, count: 1, exit: 0, attempts: 2, wait: {reason: 'cannot reach 127\\.0\\.0\\.1:\\d+: connection dropped', ...BACKOFF}},
  {
    name: 'slow past the timeout',
    action: {type: 'delay', ms: 3 * REQUEST_TIMEOUT_MS},
    count: 1,
    exit: 0,
    attempts: 2,
    wait: {reason: TIMEOUT_SAID, ...BACKOFF, afterHangUp: true},
    performs: true,
  },
  {name: 'malformed JSON', action: {type: 'malformed-json'}, count: 1, exit: 0, attempts: 2, wait: {reason: 'the answer \\(200\\) is not valid JSON', ...BACKOFF}},
  {name: 'ambiguous create', action: {type: 'ambiguous', then: 'status'}, count: 1, exit: 0, attempts: 2, wait: {reason: 'answer 500', ...BACKOFF}, performs: true},
  {name: '401', action: {type: 'status', status: 401}, count: 0, exit: 3, cause: /401 unauthorized/, attempts: 1},
  {
    name: '422 size not available',
    action: {type: 'status', status: 422, body: {id: 'unprocessable_entity', message: 'Size is not available in this region.'}},
    count: 0,
    exit: 3,
    cause: /Size is not available in this region/,
    attempts: 1,
    shrinks: true,
  },
  {name: 'redirect to another host', action: {type: 'redirect', location: 'https://api.devcloud.amd.com/v2/x'}, count: 0, exit: 3, cause: /redirects .* to https:\/\/api\.devcloud\.amd\.com/, attempts: 1},
  // Malformed listings: never read as an empty list (pool up would create what exists, pool down would miss droplets).
  // A well-formed answer that lacks the list is not retried (it would say the same again); a page that is not JSON
  // at all is a glitch on the way, retried like a 5xx until the attempts run out.
  {name: 'list answer {}', target: 'list', action: {type: 'body', body: '{}'}, count: 0, exit: 3, cause: /has no "(sizes|regions|ssh_keys|droplets)" list/, attempts: 1},
  {name: 'list null', target: 'list', action: (c) => ({type: 'patch-json', set: {[c.list.key]: null}}), count: 0, exit: 3, cause: /has no "(sizes|regions|ssh_keys|droplets)" list/, attempts: 1},
  {
    name: 'list text/html 200',
    target: 'list',
    action: {type: 'body', contentType: 'text/html', body: '<html><body><h1>Welcome to nginx!</h1></body></html>'},
    count: 0,
    exit: 3,
    cause: /\(200, text\/html\) is not JSON/,
    attempts: 5,
  },
  {name: 'list without meta.total', target: 'list', action: {type: 'patch-json', remove: ['meta.total']}, count: 0, exit: 3, cause: /no meta\.total/, attempts: 1},
  {name: 'list meta.total huge', target: 'list', action: {type: 'patch-json', set: {'meta.total': 1_000_000_000}}, count: 0, exit: 3, cause: /meta\.total said 1000000000/, attempts: 1},
]

type Droplet = {id: number; name: string; tags: string[]}

/** One cell: the fault on one command's request, then every effect the user would see. Answers what it checked. */
export async function runCell(sim: CellSimulator, run: CellRunner, prefix: string, fault: Fault, command: Command): Promise<string> {
  await sim.admin('POST', 'reset')
  const effect = command.effect
  if (effect && 'seeded' in effect) await sim.admin('POST', 'droplets', {count: effect.seeded, namePrefix: prefix, tags: ['velda', 'velda-pool:cpu', ...(effect.tags ?? [])]})
  const before = (await sim.admin('GET', 'state')).droplets as Droplet[]
  const action = typeof fault.action === 'function' ? fault.action(command) : fault.action
  const target = fault.target === 'list' ? {method: 'GET', path: command.list.path} : {method: command.method, path: command.path}
  await sim.admin('POST', 'faults', {...target, count: fault.count, action})

  const result = await run(command.args, {
    DIGITALOCEAN_API_ENDPOINT: sim.url,
    DIGITALOCEAN_API_TOKEN: sim.token,
    TS_KEY: FAKE_TAILSCALE_KEY,
    VELDA_DO_REQUEST_TIMEOUT: `${REQUEST_TIMEOUT_MS / 1000}s`,
  })
  const checks: string[] = []
  // The fault must really have been met: a matrix of faults that never fired would prove nothing.
  const log = ((await sim.admin('GET', 'requests')) as {requests: LogEntry[]}).requests
  const hit = log.find((r) => r.fault === action.type)
  expect(hit, 'the fault never fired').toBeDefined()
  const met = hit as LogEntry
  expect(result.status, result.stderr).toBe(fault.exit)
  checks.push(`exit ${result.status}`)
  const json = JSON.parse(result.stdout) as Record<string, unknown> & {error?: {message: string}}
  checks.push('json')
  if (fault.cause) {
    expect(json.error?.message).toMatch(fault.cause)
    checks.push('cause')
  }
  expectNoSecrets(result.stdout + result.stderr)
  expect(result.stdout + result.stderr).not.toContain(sim.token)
  checks.push('no secret')

  const after = (await sim.admin('GET', 'state')).droplets as Droplet[]
  expect(new Set(after.map((d) => d.name)).size).toBe(after.length)
  if (effect && 'creates' in effect) {
    // A failure before any create (a broken guard listing) reports no `created`: nothing was.
    const created = ((json.created ?? []) as Droplet[]).map((d) => d.name).sort()
    expect(after.map((d) => d.name).sort()).toEqual(created)
    expect(created).toHaveLength(fault.exit === 0 ? effect.creates : 0)
    checks.push(`${created.length} created = reported`)
    // A refused create reports each of its names as failed, with the refusal; nothing is failed before a create.
    const failed = (json.failed ?? []) as {name: string; error: string}[]
    const refused = met.method === 'POST' && fault.exit !== 0 ? (JSON.parse(met.body) as {names: string[]}).names : []
    expect(failed.map((f) => f.name).sort()).toEqual([...refused].sort())
    for (const f of failed) expect(f.error).toMatch(fault.cause ?? /./)
    if (failed.length > 0) checks.push(`${failed.length} failed = refused`)
  } else if (effect) {
    const deleted = ((json.deleted ?? json.reaped ?? []) as Droplet[]).map((d) => d.id)
    expect(after.map((d) => d.id).sort()).toEqual(before.filter((d) => !deleted.includes(d.id)).map((d) => d.id).sort())
    expect(deleted).toHaveLength(fault.exit === 0 ? effect.deletes : 0)
    checks.push(`${deleted.length} deleted = reported`)
    // A refused delete names the droplet it could not delete, with the refusal.
    const failed = (json.failed ?? []) as {id: number; error: string}[]
    const refused = met.method === 'DELETE' && fault.exit !== 0 ? log.filter((r) => r.method === 'DELETE').map((r) => Number(r.path.split('/').pop())) : []
    expect(failed.map((f) => f.id).sort()).toEqual(refused.sort())
    for (const f of failed) expect(f.error).toMatch(fault.cause ?? /./)
    if (failed.length > 0) checks.push(`${failed.length} failed = refused`)
  } else {
    expect(after).toEqual(before)
  }
  checks.push(...(met.method === 'POST' ? expectCreateEffect(fault, met, log, result.stderr) : expectRetryEffect(fault, action, met, log, result.stderr)))
  return checks.join(', ')
}

type LogEntry = RequestLogEntry

/**
 * The log times arrivals, not sends: on a busy machine the first attempt may reach the simulator a few ms later
 * after its send than the retry does, so a kept wait can look that much shorter. Far less than any wait checked
 * (250 ms and up): a wait not kept at all still fails.
 */
const ARRIVAL_JITTER_MS = 50

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * A GET or DELETE: sent again exactly as often as the fault calls for, each retry announced on stderr with its
 * reason and wait, and the wait kept (the gap between the two arrivals in the simulator's log).
 */
function expectRetryEffect(fault: Fault, action: Action, met: LogEntry, log: LogEntry[], stderr: string): string[] {
  const key = (r: LogEntry) => `${r.method} ${r.path}${r.query}`
  const sendsOf = (entry: LogEntry) => log.filter((r) => key(r) === key(entry))
  // Requests sent side by side (pool up's counts) all meet a lasting fault; the command ends when the first of them
  // gives up, so that one has used every attempt, and none has used more.
  const most = Math.max(...log.filter((r) => r.fault !== null).map((r) => sendsOf(r).length))
  expect(most, 'attempts of a request that met the fault').toBe(fault.attempts)
  const sends = sendsOf(met)
  if (!fault.wait) {
    if (fault.attempts === 1) expect(stderr).not.toMatch(/waiting: /)
    return [`${most} attempt${most === 1 ? '' : 's'}`]
  }
  expect(sends).toHaveLength(fault.attempts)
  const [first, retry] = sends as [LogEntry, LogEntry]
  // A DELETE that was carried out before its answer was lost finds the droplet gone: 404, which counts as deleted.
  const retryStatus = met.method === 'DELETE' && fault.performs ? 404 : 200
  expect(retry.status === retryStatus || (retryStatus === 200 && retry.status !== null && retry.status < 300), `the retry's answer: ${retry.status}`).toBe(true)
  const said = new RegExp(`waiting: ${escape(`${met.method} ${met.path}${met.query}`)}: ${fault.wait.reason}[^\n]*; waiting ${fault.wait.seconds}s before attempt 2 of 5\n`)
  expect(stderr).toMatch(said)
  const waitedFrom = fault.wait.afterHangUp ? expectHungUp(first, action) : first.at
  const gap = retry.at - waitedFrom
  expect(gap, 'ms between the attempt that met the fault and its retry').toBeGreaterThanOrEqual(fault.wait.minGapMs - ARRIVAL_JITTER_MS)
  return [`${sends.length} attempts`, ...(fault.wait.afterHangUp ? [`hung up after ${((waitedFrom - first.at) / 1000).toFixed(1)}s`] : []), `waited ${(gap / 1000).toFixed(1)}s`]
}

/**
 * The request timeout, seen from the simulator: the client hung up on the held-back answer before it came, and not
 * at once. Only a lower bound of half the timeout: the arrival can lag the client's timer by 100 ms and more, and by
 * 700 ms seen on a busy machine (a process's first request loads its HTTP stack after the timer starts). The timer's exact length,
 * with a clock the test controls, is test/do/network-failures.test.ts's. Returns when it hung up.
 */
function expectHungUp(first: LogEntry, action: Action): number {
  expect(first.abandonedAt, 'the client hung up on the late answer (its timeout)').toBeDefined()
  const patience = (first.abandonedAt ?? 0) - first.at
  expect(patience, 'ms the client waited for the late answer').toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS / 2)
  expect(patience, 'ms the client waited for the late answer').toBeLessThan(action.type === 'delay' ? action.ms : 0)
  return first.abandonedAt ?? 0
}

/**
 * pool up's create (POST): never resent blindly. A create that may have happened is followed by a listing of the
 * pool; one that was carried out is found there and not sent again; one that was not is sent again, with the very
 * same names, after the wait it announces. A refused create is not sent again (one refused for capacity is sent
 * again smaller: the same names, fewer at a time), and its names are reported failed.
 */
function expectCreateEffect(fault: Fault, met: LogEntry, log: LogEntry[], stderr: string): string[] {
  const creates = log.filter((r) => r.method === 'POST' && r.path === '/v2/droplets')
  // `names` for a batch, `name` for one (createBody).
  const names = (entry: LogEntry) => {
    const {names: batch, name} = JSON.parse(entry.body) as {names?: string[]; name?: string}
    return batch ?? (name === undefined ? [] : [name])
  }
  if (fault.exit !== 0 && fault.shrinks) {
    // Refused for capacity: the same names, fewer at a time, until one alone is refused; never a name not asked for.
    expect(creates.map((c) => names(c).length), 'a create refused for capacity is tried smaller').toEqual([3, 1])
    for (const create of creates) expect(names(met)).toEqual(expect.arrayContaining(names(create)))
    return ['3 refused, then 1']
  }
  if (fault.exit !== 0) {
    expect(creates, 'a refused create is not sent again').toHaveLength(1)
    return ['1 create']
  }
  const listedAfter = log.some((r) => r.seq > met.seq && r.method === 'GET' && r.path === '/v2/droplets')
  expect(listedAfter, 'the pool is listed after an ambiguous create').toBe(true)
  expect(stderr).toMatch(/creating 3 droplets ended ambiguously \([^\n]*\); checking which exist/)
  if (fault.name === 'slow past the timeout') expect(stderr).toMatch(new RegExp(`ended ambiguously \\(POST [^\n]*: ${TIMEOUT_SAID}`))
  if (fault.performs) {
    expect(creates, 'a create that was carried out is found, not sent again').toHaveLength(1)
    expect(stderr).not.toMatch(/creating them again/)
    return ['1 create, found by listing']
  }
  expect(creates, 'a create that was not carried out is sent once more').toHaveLength(2)
  const [first, again] = creates as [LogEntry, LogEntry]
  expect(names(again)).toEqual(names(first))
  // 429: what DigitalOcean said; otherwise the create's own backoff, 1 to 2 s.
  const seconds = fault.wait?.reason === 'rate limited' ? fault.wait.seconds : '(1\\.\\d|2\\.0)'
  expect(stderr).toMatch(new RegExp(`3 droplets do not exist; creating them again in ${seconds}s\n`))
  const gap = again.at - first.at
  expect(gap, 'ms between the two creates').toBeGreaterThanOrEqual(1_000)
  return ['2 creates, same names', `waited ${(gap / 1000).toFixed(1)}s`]
}

/**
 * What each cell that ran checked, by fault and command, printed as a table when its test file ends. One for each
 * file: test files share their worker's modules.
 */
export class MatrixReport {
  private readonly cells = new Map<string, string>()

  record(fault: Fault, command: Command, checks: string): void {
    this.cells.set(`${fault.name}\n${command.name}`, checks)
  }

  /** Prints the cells run, exit code and what was checked, as a table (fault by command). */
  print(title: string, commands: readonly Command[] = COMMANDS, faults: readonly Fault[] = FAULTS): void {
    const header = ['fault \\ command', ...commands.map((c) => c.name)]
    const rows = faults.map((f) => [f.name, ...commands.map((c) => this.cells.get(`${f.name}\n${c.name}`) ?? 'not run')])
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)))
    const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')
    console.log(`\n${title}\n${line(header)}\n${rows.map(line).join('\n')}\n`)
  }
}

/** The simulator a cell runs against: a `velda-do simulator` process, or one in the test's own process. */
export interface CellSimulator {
  url: string
  token: string
  /** Calls the admin API under /__sim/. */
  admin(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>
}

export type CellRunner = (args: string[], env: Record<string, string>) => Promise<CliResult>

/** The droplet name prefix of the matrix's pool, as `config validate --json` says it. */
export async function poolPrefix(run: CellRunner): Promise<string> {
  const validated = await run(['config', 'validate', '--json', '-c', configFile], {TS_KEY: FAKE_TAILSCALE_KEY})
  return (JSON.parse(validated.stdout) as {pools: {prefix: string}[]}).pools[0]?.prefix ?? ''
}
