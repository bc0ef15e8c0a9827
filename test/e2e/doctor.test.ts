import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {MI300X_DROPLET, veldaYaml} from '../support/configs.js'
import {runInProcess} from '../support/in-process-cli.js'
import {expectNoSecrets, FAKE_TAILSCALE_KEY} from '../support/secrets.js'
import {type SimulatorProcess, startSimulatorProcess} from '../support/simulator-process.js'

let sim: SimulatorProcess
beforeAll(async () => {
  sim = await startSimulatorProcess(['--droplet-limit', '25'])
})
afterAll(async () => {
  await sim.stop()
})
beforeEach(async () => {
  await sim.admin('POST', 'reset')
})

interface DoctorJson {
  accounts: {endpoint: string; pools: string[]; token: string | null; answer: string; status: number | null; location: string | null; message: string}[]
  pools: {name: string; endpoint: string; checks: {id: string; ok: boolean; message: string; fix: string | null}[]}[]
  ok: boolean
  error?: {code: string; message: string}
}

const env = (extra: Record<string, string> = {}) => ({DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, ...extra})

/** Two pools sharing one endpoint and token; `cpu` gets the overrides, written as droplet settings. */
function writeConfig(cpu: Record<string, string> = {}, broker: string | null = 'velda-broker.internal:50051'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'velda-doctor-')), 'velda.yaml')
  writeFileSync(file, veldaYaml([
    {name: 'cpu', droplet: {size: 's-2vcpu-4gb', region: 'nyc3', image: 'ubuntu-24-04-x64', ssh_key_ids: '[52896465]', ...cpu}},
    {name: 'amd-mi300x', droplet: {...MI300X_DROPLET, ssh_key_ids: '[52896511]'}},
  ], {broker}))
  return file
}

async function doctor(file: string, extraEnv: Record<string, string> = {}, json = true) {
  const result = await runInProcess(['doctor', '-c', file, ...(json ? ['--json'] : [])], {env: env(extraEnv)})
  expect(result.stdout + result.stderr).not.toContain(sim.token)
  expectNoSecrets(result.stdout + result.stderr)
  return {...result, report: json ? (JSON.parse(result.stdout) as DoctorJson) : null}
}

/** The failed checks as `pool/id`, and the one asked for. */
function misses(report: DoctorJson | null): string[] {
  return (report?.pools ?? []).flatMap((p) => p.checks.filter((c) => !c.ok).map((c) => `${p.name}/${c.id}`))
}
const check = (report: DoctorJson | null, pool: string, id: string) => report?.pools.find((p) => p.name === pool)?.checks.find((c) => c.id === id)

describe('velda-do doctor against the simulator', () => {
  it('all checks pass: exit 0, every pool with its endpoint and checks, one account call for both pools', async () => {
    const {status, report} = await doctor(writeConfig())
    expect(status).toBe(0)
    expect(report?.ok).toBe(true)
    expect(report?.pools.map((p) => [p.name, p.endpoint])).toEqual([['cpu', sim.url], ['amd-mi300x', sim.url]])
    expect(report?.pools[0]?.checks.map((c) => c.id)).toEqual(['token', 'account_status', 'droplet_limit', 'size', 'ssh_keys', 'image', 'broker', 'agent_version', 'agent_release', 'tailscale_key', 'placeholders'])
    expect(Object.keys(report?.pools[0]?.checks[0] ?? {})).toEqual(['id', 'ok', 'message', 'fix'])
    expect(check(report, 'cpu', 'droplet_limit')?.message).toBe('droplet limit: 0 of 25 used, room for 25')
    const {counts} = (await sim.admin('GET', 'requests')) as {counts: Record<string, number>}
    expect(counts).toEqual({
      'GET /v2/account': 1,
      'GET /v2/droplets': 2,
      'GET /v2/sizes': 1,
      'GET /v2/account/keys': 1,
      'GET /v2/images/ubuntu-24-04-x64': 1,
      'GET /v2/images/amd-rocm71software': 1,
    })
  })

  it('prints a checklist for people, the fix under each miss, and exit 2', async () => {
    const result = await doctor(writeConfig({ssh_key_ids: '[52896465, 777]'}), {}, false)
    expect(result.status).toBe(2)
    expect(result.stdout).toContain(`cpu (${sim.url})\n  ✓ token from $DIGITALOCEAN_API_TOKEN accepted by ${sim.url} (account op…@example.com, status active)\n`)
    expect(result.stdout).toMatch(/ {2}✗ ssh key 777 of pool cpu is not on the account\n {6}fix: add it to the account \(doctl compute ssh-key import/)
    expect(result.stdout).toMatch(/\n1 check failed\n$/)
    expect(result.stderr).toMatch(/Error: 1 check failed: cpu: ssh_keys/)
  })

  it('a token the endpoint refuses (401): exit 3, says which endpoint and which token each known endpoint takes; only that endpoint asked', async () => {
    const {status, report} = await doctor(writeConfig(), {DIGITALOCEAN_API_TOKEN: 'dop_v1_FAKE_refused_token_for_doctor'})
    expect(status).toBe(3)
    expect(report?.error?.code).toBe('checks_api_failed')
    expect(misses(report)).toEqual(['cpu/token', 'amd-mi300x/token'])
    const token = check(report, 'cpu', 'token')
    expect(token?.message).toMatch(new RegExp(`^${sim.url} refused the token from \\$DIGITALOCEAN_API_TOKEN \\(401\\)`))
    expect(token?.fix).toMatch(/each endpoint takes its own tokens \(https:\/\/api\.digitalocean\.com takes a DigitalOcean token \(dop_v1_\.\.\.\); https:\/\/api\.devcloud\.amd\.com takes an AMD Developer Cloud token/)
    expect(report?.accounts).toEqual([{endpoint: sim.url, pools: ['cpu', 'amd-mi300x'], token: '$DIGITALOCEAN_API_TOKEN', answer: 'unauthorized', status: 401, location: null, message: expect.stringMatching(/^401: /)}])
    expect(((await sim.admin('GET', 'requests')).counts as Record<string, number>)).toEqual({'GET /v2/account': 1})
  })

  it('no token at all: exit 2, the config checks still run, nothing sent', async () => {
    const result = await runInProcess(['doctor', '-c', writeConfig(), '--json'], {env: {DIGITALOCEAN_API_ENDPOINT: sim.url}})
    expect(result.status).toBe(2)
    const report = JSON.parse(result.stdout) as DoctorJson
    expect(misses(report)).toEqual(['cpu/token', 'amd-mi300x/token'])
    expect(check(report, 'cpu', 'broker')?.ok).toBe(true)
    expect((await sim.admin('GET', 'requests')).requests).toEqual([])
  })

  it('a locked account: exit 2 with DigitalOcean\'s reason', async () => {
    await sim.admin('POST', 'account', {status: 'locked', status_message: 'Payment overdue'})
    const {status, report} = await doctor(writeConfig())
    expect(status).toBe(2)
    expect(report?.error?.code).toBe('checks_failed')
    expect(misses(report)).toEqual(['cpu/account_status', 'amd-mi300x/account_status'])
    expect(check(report, 'cpu', 'account_status')?.message).toBe('account status: locked: Payment overdue (a locked account cannot create droplets)')
  })

  it('no room under the droplet limit (GPU droplets counted too): exit 2', async () => {
    await sim.admin('POST', 'account', {droplet_limit: 3})
    await sim.admin('POST', 'droplets', {count: 2})
    await sim.admin('POST', 'droplets', {count: 1, size: 'gpu-mi300x1-192gb-devcloud'})
    const {status, report} = await doctor(writeConfig())
    expect(status).toBe(2)
    expect(misses(report)).toEqual(['cpu/droplet_limit', 'amd-mi300x/droplet_limit'])
    expect(check(report, 'cpu', 'droplet_limit')).toMatchObject({message: 'droplet limit: 3 of 3 used, no room for another droplet', fix: expect.stringMatching(/raise the limit/)})
  })

  it('an ssh key not on the account: exit 2, naming the key', async () => {
    const {status, report} = await doctor(writeConfig({ssh_key_ids: '[52896465, 777]'}))
    expect(status).toBe(2)
    expect(misses(report)).toEqual(['cpu/ssh_keys'])
    expect(check(report, 'cpu', 'ssh_keys')?.message).toBe('ssh key 777 of pool cpu is not on the account')
  })

  it('a size not offered in the region: exit 2, with the regions that offer it', async () => {
    const {status, report} = await doctor(writeConfig({size: 'gpu-mi300x1-192gb-devcloud', image: 'amd-rocm71software', region: 'nyc3'}))
    expect(status).toBe(2)
    expect(misses(report)).toEqual(['cpu/size'])
    expect(check(report, 'cpu', 'size')).toMatchObject({message: 'the size gpu-mi300x1-192gb-devcloud is not available in nyc3; it is offered in: atl1', fix: "set the pool's region to one of: atl1"})
  })

  it('an image that does not exist: exit 2', async () => {
    const {status, report} = await doctor(writeConfig({image: 'ubuntu-99-04-x64'}))
    expect(status).toBe(2)
    expect(misses(report)).toEqual(['cpu/image'])
    expect(check(report, 'cpu', 'image')?.message).toMatch(/^image ubuntu-99-04-x64 does not exist on this account/)
  })

  it('a numeric image id is looked up by id', async () => {
    const {status} = await doctor(writeConfig({image: '"159651797"'}))
    expect(status).toBe(0)
    expect(((await sim.admin('GET', 'requests')).counts as Record<string, number>)['GET /v2/images/159651797']).toBe(1)
  })

  it('no broker address: exit 2, with the fix; --broker, as pool up takes it, passes', async () => {
    const file = writeConfig({}, null)
    const {status, report} = await doctor(file)
    expect(status).toBe(2)
    expect(misses(report)).toEqual(['cpu/broker', 'amd-mi300x/broker'])
    expect(check(report, 'cpu', 'broker')?.fix).toMatch(/default_broker_info\.address/)
    expect((await runInProcess(['doctor', '-c', file, '--broker', '10.0.0.5:50051'], {env: env()})).status).toBe(0)
  })

  it('no agent version: exit 2', async () => {
    const {status, report} = await doctor(writeConfig({agent_version_override: '""'}))
    expect(status).toBe(2)
    expect(misses(report)).toEqual(['cpu/agent_version'])
  })

  it('a Tailscale key whose variable is unset: exit 2; set, it passes and is never shown', async () => {
    const file = writeConfig({tailscale_config: '{pre_auth_key: "${TS_KEY}"}'})
    const unset = await doctor(file)
    expect(unset.status).toBe(2)
    expect(misses(unset.report)).toEqual(['cpu/tailscale_key'])
    expect(check(unset.report, 'cpu', 'tailscale_key')?.fix).toBe('export TS_KEY=tskey-auth-... before pool up')
    const set = await doctor(file, {TS_KEY: FAKE_TAILSCALE_KEY})
    expect(set.status).toBe(0)
    expect(check(set.report, 'cpu', 'tailscale_key')?.message).toBe('Tailscale key present (from $TS_KEY)')
  })

  it('a lookup DigitalOcean fails (sizes answer 403): exit 3, that check says it could not be checked', async () => {
    await sim.admin('POST', 'faults', {path: '/v2/sizes', action: {type: 'status', status: 403}})
    const {status, report} = await doctor(writeConfig())
    expect(status).toBe(3)
    expect(misses(report)).toEqual(['cpu/size', 'amd-mi300x/size'])
    expect(check(report, 'cpu', 'size')?.message).toMatch(/^the size s-2vcpu-4gb could not be checked: DigitalOcean answered 403/)
  })

  it('an image lookup the token may not make (403): a known public slug passes, another image is not checked (exit 3)', async () => {
    await sim.admin('POST', 'faults', {path: '/v2/images/*', count: 0, action: {type: 'status', status: 403}})
    const known = await doctor(writeConfig())
    expect(known.status).toBe(0)
    expect(check(known.report, 'cpu', 'image')?.message).toMatch(/^image ubuntu-24-04-x64 is a known public slug \(the lookup failed: DigitalOcean answered 403/)
    const other = await doctor(writeConfig({image: '"159651797"'}))
    expect(other.status).toBe(3)
    expect(misses(other.report)).toEqual(['cpu/image'])
  })

  it('an invalid config: the usual config error (exit 2, file:line:col), nothing sent', async () => {
    const file = writeConfig({sizee: 's-1vcpu-1gb'})
    const result = await runInProcess(['doctor', '-c', file, '--json'], {env: env()})
    expect(result.status).toBe(2)
    const error = (JSON.parse(result.stdout) as {error: {code: string; problems: {file: string; line: number; col: number}[]}}).error
    expect(error.problems[0]).toMatchObject({file, line: expect.any(Number), col: expect.any(Number)})
    expect((await sim.admin('GET', 'requests')).requests).toEqual([])
  })
})
