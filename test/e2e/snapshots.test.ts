import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {EXAMPLE_CONFIG, PROJECT_ROOT} from '../support/cli.js'
import {runInProcess} from '../support/in-process-cli.js'
import {FAKE_TAILSCALE_KEY} from '../support/secrets.js'
import {type SimulatorProcess, startSimulatorProcess} from '../support/simulator-process.js'

/**
 * Scripts depend on every flag and JSON key (docs/cli.md): both are snapshotted, so changing the contract is a
 * deliberate diff of test/e2e/__snapshots__/ (update with `npx vitest run -u` after an intended change).
 */

/**
 * The JSON's shape: keys kept, values replaced by their type. A list's shape merges the shapes of all its elements,
 * and a command's entry merges the documents of several runs (a success and a partial failure), so that every field
 * is shown by an example that has it: a value that is sometimes null reads "null | string" (or {"null |": {...}} for
 * an object), a key that only some documents or elements have ends in "?". A field whose only example is null or
 * an empty list would hide a change of its shape, so the test fails on one (see ONLY_EMPTY_ALLOWED).
 */
type Shape = string | Shape[] | {[key: string]: Shape}

function shape(value: unknown): Shape {
  if (Array.isArray(value)) return value.length === 0 ? [] : [value.map(shape).reduce(merge)]
  if (value === null) return 'null'
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, shape(v)]))
  return typeof value
}

const NULLABLE = 'null |'
const isObject = (s: Shape): s is {[key: string]: Shape} => typeof s === 'object' && !Array.isArray(s)
const bare = (key: string) => key.replace(/\?$/, '')

function merge(a: Shape, b: Shape): Shape {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === 0 ? b : b.length === 0 ? a : [merge(a[0] as Shape, b[0] as Shape)]
  // Null beside a list or an object: the object's shape, marked nullable.
  if (a === 'null' && typeof b !== 'string') return isObject(b) && NULLABLE in b ? b : {[NULLABLE]: b}
  if (b === 'null' && typeof a !== 'string') return merge(b, a)
  if (isObject(a) && NULLABLE in a) return {[NULLABLE]: merge(a[NULLABLE] as Shape, isObject(b) && NULLABLE in b ? (b[NULLABLE] as Shape) : b)}
  if (isObject(b) && NULLABLE in b) return merge(b, a)
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)].map(bare))].sort()
    return Object.fromEntries(keys.map((key) => {
      const inA = a[key] ?? a[`${key}?`]
      const inB = b[key] ?? b[`${key}?`]
      const optional = !(key in a) || !(key in b)
      return [optional ? `${key}?` : key, inA === undefined ? (inB as Shape) : inB === undefined ? inA : merge(inA, inB)]
    }))
  }
  if (typeof a === 'string' && typeof b === 'string') return [...new Set([...a.split(' | '), ...b.split(' | ')])].sort().join(' | ')
  throw new Error(`cannot merge the shapes ${JSON.stringify(a)} and ${JSON.stringify(b)}`)
}

/** The paths of every field whose every example was null or an empty list. */
function onlyEmpty(s: Shape, path = ''): string[] {
  if (s === 'null' || (Array.isArray(s) && s.length === 0)) return [path]
  if (Array.isArray(s)) return onlyEmpty(s[0] as Shape, `${path}[]`)
  if (isObject(s)) return Object.entries(s).flatMap(([k, v]) => onlyEmpty(v, k === NULLABLE ? path : `${path}.${bare(k)}`))
  return []
}

/**
 * Fields no run from outside can fill; each with where it is covered instead. Keep it empty where possible. (pool
 * down's `remaining` appears only when droplets keep appearing through three rounds of --all, a race no run here
 * can stage; it is absent from the shape, not empty, and test/pool/down-rounds.test.ts covers it.)
 */
const ONLY_EMPTY_ALLOWED: string[] = []

describe('the flag set of every command', () => {
  it('is unchanged', () => {
    const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'oclif.manifest.json'), 'utf8')) as {
      commands: Record<string, {args: Record<string, {required?: boolean}>; flags: Record<string, {type: string; char?: string; default?: unknown; multiple?: boolean; required?: boolean; hidden?: boolean}>}>
    }
    const flags = Object.fromEntries(
      Object.entries(manifest.commands)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([id, command]) => [
          id,
          {
            args: Object.entries(command.args).map(([name, arg]) => `${name}${arg.required ? '' : '?'}`),
            flags: Object.fromEntries(
              Object.entries(command.flags)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([name, flag]) => [name, [flag.type, flag.char ? `-${flag.char}` : '', flag.multiple ? 'multiple' : '', flag.default === undefined ? '' : `default ${JSON.stringify(flag.default)}`, flag.hidden ? 'hidden' : ''].filter(Boolean).join(' ')]),
            ),
          },
        ]),
    )
    expect(flags).toMatchSnapshot()
  })
})

/**
 * A config that gives every field of the JSON an example: a note, a warning (agent_config.broker without an
 * address), an unchecked backend, a pool with a description, one with Tailscale, a VPC, IPv6 and kill_unknown_after,
 * and a pool whose ssh key the account lacks (ssh-keys and doctor report it).
 */
const SHAPES_CONFIG = `default_broker_info:
  address: "broker.example.com:50051"
agent_pools:
  - name: cpu
    auto_scaler:
      max_agents: 20
      min_agents: 1
      kill_unknown_after: 600s
      backend:
        digitalocean_droplet:
          size: s-2vcpu-4gb
          region: nyc3
          image: ubuntu-24-04-x64
          ssh_key_ids: [52896465]
          ipv6: true
          vpc_uuid: 5a4981aa-9653-4bd1-bef5-d6bff52042e4
          agent_version_override: "1.0.0"
          tailscale_config: {server: "https://headscale.example.com", pre_auth_key: "\${TAILSCALE_AUTH_KEY}"}
          agent_config: {broker: {public_address: "broker.example.com:443"}}
  - name: old-keys
    auto_scaler:
      backend:
        digitalocean_droplet: {size: s-1vcpu-1gb, region: nyc3, image: ubuntu-24-04-x64, ssh_key_ids: [99999999], agent_config: {}}
  - name: k8s
    auto_scaler:
      backend:
        kubernetes: {namespace: velda}
provisioners:
  - digitalocean_auto:
      region: atl1
      ssh_key_ids: [52896465]
      agent_version_override: "1.0.0"
      pool_details:
        - pool_name: gpu
          size: gpu-mi300x1-192gb-devcloud
          image: amd-rocm71software
          description: AMD MI300X
`

describe('the --json shape of every command', () => {
  let sim: SimulatorProcess
  const dir = mkdtempSync(join(tmpdir(), 'velda-shapes-'))
  const config = join(dir, 'velda.yaml')
  writeFileSync(config, SHAPES_CONFIG)
  beforeAll(async () => {
    sim = await startSimulatorProcess(['--active-after', '0s'])
  })
  afterAll(async () => {
    await sim.stop()
  })

  const env = () => ({DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, TAILSCALE_AUTH_KEY: FAKE_TAILSCALE_KEY})
  const json = async (args: string[], expectedStatus = 0) => {
    const result = await runInProcess([...args, '--json'], {env: env()})
    expect(result.status, `${args.join(' ')}: ${result.stderr}`).toBe(expectedStatus)
    return shape(JSON.parse(result.stdout))
  }
  /** DigitalOcean refuses the nth request matching and the `count - 1` after it; the next run meets it. */
  const refuse = (method: string, path: string, nth: number, count = 1) =>
    sim.admin('POST', 'faults', {method, path, nth, count, action: {type: 'status', status: 422, body: {id: 'unprocessable_entity', message: 'You have reached your droplet limit.'}}})

  it('is unchanged, with an example of every field', async () => {
    const shapes: Record<string, Shape> = {}
    shapes['config validate'] = merge((await json(['config', 'validate', '-c', EXAMPLE_CONFIG])), (await json(['config', 'validate', '-c', config])))
    shapes['render-userdata'] = merge((await json(['render-userdata', 'amd-mi300x', '-c', EXAMPLE_CONFIG])), (await json(['render-userdata', 'amd-mi300x', '-c', EXAMPLE_CONFIG, '--output-file', join(dir, 'boot.sh')])))
    shapes.sizes = (await json(['sizes']))
    shapes.regions = (await json(['regions']))
    shapes['ssh-keys'] = (await json(['ssh-keys', '-c', config]))
    // A run with misses, and one whose GET /v2/account redirects (never followed): accounts[].location has an example.
    const doctorMisses = await json(['doctor', '-c', config], 2)
    await sim.admin('POST', 'faults', {method: 'GET', path: '/v2/account', count: 1, action: {type: 'redirect', location: 'http://127.0.0.1:9/v2/account'}})
    shapes.doctor = merge(doctorMisses, await json(['doctor', '-c', config], 3))
    // A success, and a run whose second batch of creates is refused: created, failed and error all have examples.
    const upGpu = await json(['pool', 'up', 'gpu', '-n', '2', '--wait', '--poll-interval', '1s', '--ttl', '4h', '-c', config])
    // The refused create of 2 (the account has room: no capacity) is tried as 1, refused too: 10 made, 2 failed.
    await refuse('POST', '/v2/droplets', 2, 2)
    shapes['pool up'] = merge(upGpu, (await json(['pool', 'up', 'cpu', '-n', '12', '--ttl', '30m', '-c', config], 4)))
    // A plan the guards pass, and one they refuse as the run would (cpu has 10 of its max_agents of 20): error beside it.
    shapes['pool up --dry-run'] = merge(await json(['pool', 'up', 'cpu', '-n', '5', '--dry-run', '-c', config]), await json(['pool', 'up', 'cpu', '-n', '12', '--dry-run', '-c', config], 2))
    // A velda droplet of no configured pool: `pool: null` in --all.
    await sim.admin('POST', 'droplets', {count: 1, namePrefix: 'velda-0badc0de', tags: ['velda']})
    shapes['pool list'] = (await json(['pool', 'list', '--all', '-c', config]))
    const downGpu = await json(['pool', 'down', 'gpu', '-n', '1', '--yes', '-c', config])
    await refuse('DELETE', '/v2/droplets/*', 1)
    shapes['pool down'] = merge(downGpu, (await json(['pool', 'down', 'cpu', '-n', '2', '--yes', '-c', config], 4)))
    shapes['pool down --dry-run'] = (await json(['pool', 'down', 'cpu', '--all', '--dry-run', '--ignore-limits', '-c', config]))
    // Up by 3 (created, cost; the cpu pool has IPv6), then down by 2 with the first delete refused (deleted and failed).
    const cpuNow = (JSON.parse((await runInProcess(['pool', 'list', 'cpu', '--json', '-c', config], {env: env()})).stdout) as {droplets: unknown[]}).droplets.length
    const scaleUp = await json(['pool', 'scale', 'cpu', '--to', String(cpuNow + 3), '--ttl', '1h', '--wait', '--poll-interval', '1s', '-c', config])
    await refuse('DELETE', '/v2/droplets/*', 1)
    shapes['pool scale'] = merge(scaleUp, await json(['pool', 'scale', 'cpu', '--to', String(cpuNow + 1), '--yes', '-c', config], 4))
    const scaleDryRun = (to: number) => json(['pool', 'scale', 'cpu', '--to', String(to), '--dry-run', '--ignore-limits', '-c', config])
    shapes['pool scale --dry-run'] = merge(await scaleDryRun(cpuNow + 5), await scaleDryRun(0))
    // Reap: the cpu pool (min_agents 1) emptied, then 2 expired and 2 stuck members: both expired and one stuck go,
    // one stuck is kept for min_agents; the first delete is refused (failed).
    await json(['pool', 'scale', 'cpu', '--to', '0', '--yes', '--ignore-limits', '-c', config])
    const cpuPrefix = (JSON.parse((await runInProcess(['config', 'validate', '--json', '-c', config], {env: env()})).stdout) as {pools: {name: string; prefix: string}[]}).pools.find((p) => p.name === 'cpu')?.prefix
    const cpuTags = ['velda', 'velda-pool:cpu']
    await sim.admin('POST', 'droplets', {count: 2, namePrefix: `${cpuPrefix}-x`, ipv6: true, tags: [...cpuTags, `velda-expires:${Math.floor(Date.now() / 1000) - 60}`]})
    await sim.admin('POST', 'droplets', {count: 2, namePrefix: `${cpuPrefix}-s`, ipv6: true, tags: cpuTags, status: 'new', ageSeconds: 7200})
    shapes['pool reap --dry-run'] = await json(['pool', 'reap', 'cpu', '--dry-run', '-c', config])
    await refuse('DELETE', '/v2/droplets/*', 1)
    shapes['pool reap'] = await json(['pool', 'reap', 'cpu', '--yes', '-c', config], 4)
    shapes['an error'] = (await json(['pool', 'up', 'amd-mi300x', '-n', '11', '-c', EXAMPLE_CONFIG], 2))
    shapes['an invalid config'] = (await json(['config', 'validate', '-c', join(PROJECT_ROOT, 'package.json')], 2))

    // A failure before anything was done carries its command's keys empty, on purpose (docs/cli.md, "Errors for
    // scripts"; test/e2e/failure-shapes.test.ts records them per command): the two error runs are not held to it.
    const FAILED_BEFORE_ANYTHING = new Set(['an error', 'an invalid config'])
    expect(Object.entries(shapes).filter(([command]) => !FAILED_BEFORE_ANYTHING.has(command)).flatMap(([command, s]) => onlyEmpty(s, command))).toEqual(ONLY_EMPTY_ALLOWED)
    expect(shapes).toMatchSnapshot()
    // Some twenty CLI runs one after the other: 13 to 20 s on two busy cores, more than the default 30 s leaves room for.
  }, 120_000)
})
