import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {FaultRule} from '../../src/lib/simulator/faults.js'
import {expectNoSecrets, FAKE_TAILSCALE_KEY} from '../support/secrets.js'
import {type SimulatorProcess, startSimulatorProcess} from '../support/simulator-process.js'
import {installPackedCli, runInstalled} from './installed-cli.js'

/**
 * The fault matrix: every fault we know of, against every command it can hit, run through the installed package
 * (`npm pack`, then `npm install` of the tarball) against `velda-do simulator`. Each cell checks the invariants:
 * exit code, one JSON document on stdout, the cause named, exactly the droplets reported, no secret printed.
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

interface Command {
  name: string
  args: string[]
  /** The request a fault hits by default: the command's write, or its only request. */
  method: string
  path: string
  /** The listing the command reads (GET), and the name of the list in its answer. */
  list: {path: string; key: string}
}

const COMMANDS: Command[] = [
  {name: 'sizes', args: ['sizes', '--json'], method: 'GET', path: '/v2/sizes', list: {path: '/v2/sizes', key: 'sizes'}},
  {name: 'regions', args: ['regions', '--json'], method: 'GET', path: '/v2/regions', list: {path: '/v2/regions', key: 'regions'}},
  {name: 'ssh-keys', args: ['ssh-keys', '--json', '-c', configFile], method: 'GET', path: '/v2/account/keys', list: {path: '/v2/account/keys', key: 'ssh_keys'}},
  {name: 'pool list', args: ['pool', 'list', 'cpu', '--json', '-c', configFile], method: 'GET', path: '/v2/droplets', list: {path: '/v2/droplets', key: 'droplets'}},
  {name: 'pool up', args: ['pool', 'up', 'cpu', '-n', '3', '--json', '-c', configFile], method: 'POST', path: '/v2/droplets', list: {path: '/v2/droplets', key: 'droplets'}},
  {
    name: 'pool down',
    args: ['pool', 'down', 'cpu', '-n', '2', '--yes', '--json', '-c', configFile],
    method: 'DELETE',
    path: '/v2/droplets/*',
    list: {path: '/v2/droplets', key: 'droplets'},
  },
]

type Action = FaultRule['action']

interface Fault {
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
}

const FAULTS: Fault[] = [
  {name: '429 + retry-after', action: {type: 'rate-limit', retryAfterSeconds: 1}, count: 1, exit: 0},
  {name: '429, ratelimit-reset only', action: {type: 'rate-limit', resetInSeconds: 1}, count: 1, exit: 0},
  {name: '500', action: {type: 'status', status: 500}, count: 1, exit: 0},
  {name: '502 HTML page', action: {type: 'html', status: 502}, count: 1, exit: 0},
  {name: '503', action: {type: 'status', status: 503}, count: 1, exit: 0},
  {name: '504', action: {type: 'status', status: 504}, count: 1, exit: 0},
  {name: 'dropped connection', action: {type: 'drop'}, count: 1, exit: 0},
  {name: 'slow past the timeout', action: {type: 'delay', ms: 3_000}, count: 1, exit: 0},
  {name: 'malformed JSON', action: {type: 'malformed-json'}, count: 1, exit: 0},
  {name: 'ambiguous create', action: {type: 'ambiguous', then: 'status'}, count: 1, exit: 0},
  {name: '401', action: {type: 'status', status: 401}, count: 0, exit: 3, cause: /401 unauthorized/},
  {
    name: '422 size not available',
    action: {type: 'status', status: 422, body: {id: 'unprocessable_entity', message: 'Size is not available in this region.'}},
    count: 0,
    exit: 3,
    cause: /Size is not available in this region/,
  },
  {name: 'redirect to another host', action: {type: 'redirect', location: 'https://api.devcloud.amd.com/v2/x'}, count: 0, exit: 3, cause: /redirects .* to https:\/\/api\.devcloud\.amd\.com/},
  // Malformed listings: never read as an empty list (pool up would create what exists, pool down would miss droplets).
  {name: 'list answer {}', target: 'list', action: {type: 'body', body: '{}'}, count: 0, exit: 3, cause: /has no "(sizes|regions|ssh_keys|droplets)" list/},
  {name: 'list null', target: 'list', action: (c) => ({type: 'patch-json', set: {[c.list.key]: null}}), count: 0, exit: 3, cause: /has no "(sizes|regions|ssh_keys|droplets)" list/},
  {
    name: 'list text/html 200',
    target: 'list',
    action: {type: 'body', contentType: 'text/html', body: '<html><body><h1>Welcome to nginx!</h1></body></html>'},
    count: 0,
    exit: 3,
    cause: /\(200, text\/html\) is not JSON/,
  },
  {name: 'list without meta.total', target: 'list', action: {type: 'patch-json', remove: ['meta.total']}, count: 0, exit: 3, cause: /no meta\.total/},
  {name: 'list meta.total huge', target: 'list', action: {type: 'patch-json', set: {'meta.total': 1_000_000_000}}, count: 0, exit: 3, cause: /meta\.total said 1000000000/},
]

let bin: string
let sim: SimulatorProcess
let prefix: string
const matrix = new Map<string, Map<string, string>>()

beforeAll(async () => {
  bin = installPackedCli().bin
  sim = await startSimulatorProcess(['--active-after', '0s'], bin)
  const validated = runInstalled(bin, ['config', 'validate', '--json', '-c', configFile], {TS_KEY: FAKE_TAILSCALE_KEY})
  prefix = (JSON.parse(validated.stdout) as {pools: {prefix: string}[]}).pools[0]?.prefix ?? ''
}, 240_000)

afterAll(async () => {
  await sim?.stop()
  const header = ['fault \\ command', ...COMMANDS.map((c) => c.name)]
  const rows = FAULTS.map((f) => [f.name, ...COMMANDS.map((c) => matrix.get(f.name)?.get(c.name) ?? 'not run')])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)))
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')
  console.log(`\nFault matrix (installed package against velda-do simulator; exit code, then what was checked)\n${line(header)}\n${rows.map(line).join('\n')}\n`)
})

type Droplet = {id: number; name: string; tags: string[]}

describe('the fault matrix, through the installed package', () => {
  const cells = FAULTS.flatMap((fault) => COMMANDS.map((command) => ({fault, command})))
  it.each(cells.map((c) => [c.fault.name, c.command.name, c]))('%s x %s', async (_f, _c, {fault, command}) => {
    await sim.admin('POST', 'reset')
    if (command.name === 'pool down') await sim.admin('POST', 'droplets', {count: 4, namePrefix: prefix, tags: ['velda', 'velda-pool:cpu']})
    const before = (await sim.admin('GET', 'state')).droplets as Droplet[]
    const action = typeof fault.action === 'function' ? fault.action(command) : fault.action
    const target = fault.target === 'list' ? {method: 'GET', path: command.list.path} : {method: command.method, path: command.path}
    await sim.admin('POST', 'faults', {...target, count: fault.count, action})

    const result = runInstalled(bin, command.args, {
      DIGITALOCEAN_API_ENDPOINT: sim.url,
      DIGITALOCEAN_API_TOKEN: sim.token,
      TS_KEY: FAKE_TAILSCALE_KEY,
      VELDA_DO_REQUEST_TIMEOUT: '1s',
    })
    const checks: string[] = []
    // The fault must really have been met: a matrix of faults that never fired would prove nothing.
    const log = (await sim.admin('GET', 'requests')) as {requests: {fault: string | null}[]}
    expect(log.requests.some((r) => r.fault === action.type)).toBe(true)
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
    if (command.name === 'pool up') {
      // A failure before any create (a broken guard listing) reports no `created`: nothing was.
      const created = ((json.created ?? []) as Droplet[]).map((d) => d.name).sort()
      expect(after.map((d) => d.name).sort()).toEqual(created)
      expect(created).toHaveLength(fault.exit === 0 ? 3 : 0)
      checks.push(`${created.length} created = reported`)
    } else if (command.name === 'pool down') {
      const deleted = ((json.deleted ?? []) as Droplet[]).map((d) => d.id)
      expect(after.map((d) => d.id).sort()).toEqual(before.filter((d) => !deleted.includes(d.id)).map((d) => d.id).sort())
      expect(deleted).toHaveLength(fault.exit === 0 ? 2 : 0)
      checks.push(`${deleted.length} deleted = reported`)
    } else {
      expect(after).toEqual(before)
    }
    row(fault.name).set(command.name, checks.join(', '))
  })
})

function row(fault: string): Map<string, string> {
  if (!matrix.has(fault)) matrix.set(fault, new Map())
  return matrix.get(fault) as Map<string, string>
}

