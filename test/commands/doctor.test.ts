import {mkdtempSync, writeFileSync} from 'node:fs'
import {createServer, type IncomingMessage, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import Doctor from '../../src/commands/doctor.js'
import {runCommand} from '../support/command.js'
import {FakeApi} from '../support/fake-api.js'
import {EXAMPLE_CONFIG} from '../support/cli.js'
import {STARTER_CONFIG, starterConfig} from '../../src/lib/config/starter.js'
import {CLOUD_IDS, CLOUDS} from '../../src/lib/config/clouds.js'
import {connectApi} from '../../src/lib/cli/connection.js'
import {UnauthorizedError} from '../../src/lib/do/errors.js'
import type {Size} from '../../src/lib/do/types.js'
import {MI300X_DROPLET, veldaYaml, type YamlSettings} from '../support/configs.js'

/** examples/velda.yaml's broker is broker.example.com, a placeholder doctor refuses: a real one, as pool up takes it. */
const BROKER = ['--broker', 'velda-broker.internal:50051']
const ENV = {TAILSCALE_AUTH_KEY: 'tskey-auth-' + 'k'.repeat(40), DIGITALOCEAN_API_TOKEN: 'dop_v1_' + 'a'.repeat(64)}

describe('doctor (the command, with a fake API)', () => {
  it('every check of every pool passes against an account that has what the config names: exit 0', async () => {
    const run = await runCommand(Doctor, ['-c', EXAMPLE_CONFIG, ...BROKER, '--json'], {api: new FakeApi(), env: ENV})
    const report = JSON.parse(run.stdout)
    expect(report.pools.flatMap((p: {checks: {id: string; ok: boolean}[]}) => p.checks.filter((c) => !c.ok).map((c) => c.id))).toEqual([])
    expect(run.status).toBe(0)
  })

  it('a configured ssh key the account lacks fails that check, with the fix: exit 2', async () => {
    const api = new FakeApi({sshKeys: []})
    const run = await runCommand(Doctor, ['-c', EXAMPLE_CONFIG, ...BROKER], {api, env: ENV})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('3 checks failed: cpu-small: ssh_keys, amd-mi300x: ssh_keys, amd-mi300x-8: ssh_keys')
    // The checklist itself, on stdout, names the missing key.
    expect(run.stdout).toContain('52896465')
  })

  it("config init's starter as written: the broker placeholder, the values marked CHANGE and the missing ssh_key_ids are misses with their fixes (exit 2)", async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'velda-doctor-starter-')), 'velda.yaml')
    writeFileSync(file, STARTER_CONFIG)
    const run = await runCommand(Doctor, ['-c', file], {api: new FakeApi(), env: ENV})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('Error: 3 checks failed: amd-mi300x: ssh_keys, amd-mi300x: broker, amd-mi300x: placeholders')
    expect(run.stdout).toContain('✗ no ssh_key_ids: droplets get no ssh key, so pool ssh, pool status and pool logs cannot reach them\n      fix: add ssh_key_ids: [ID] to pool amd-mi300x')
    expect(run.stdout).toContain('✗ broker address broker.example.com:50051 (from default_broker_info) is a placeholder')
    expect(run.stdout).toContain(`✗ 2 values still marked CHANGE: default_broker_info.address "broker.example.com:50051" (${file}:9:12), provisioners[0].digitalocean_auto.agent_version_override "v1.1.4" (${file}:17:31)\n      fix: set each to your own value, then delete the "# CHANGE" comment on their lines in ${file}`)
    expect(run.stdout).not.toMatch(/✓ broker|✓ no ssh_key_ids/)
  })

  it('without a token the starter still gets its config misses, the missing ssh_key_ids included: nothing sent', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'velda-doctor-starter-')), 'velda.yaml')
    writeFileSync(file, STARTER_CONFIG)
    const api = new FakeApi()
    const run = await runCommand(Doctor, ['-c', file, '--json'], {api, env: {}})
    expect(run.status).toBe(2)
    const [pool] = JSON.parse(run.stdout).pools as {checks: {id: string; ok: boolean}[]}[]
    expect(pool?.checks.filter((c) => !c.ok).map((c) => c.id)).toEqual(['token', 'ssh_keys', 'broker', 'placeholders'])
    expect(api.calls).toEqual([])
  })

  it('the starter filled in, its marks deleted and a key added: every check passes (exit 0)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'velda-doctor-filled-')), 'velda.yaml')
    writeFileSync(file, STARTER_CONFIG
      .replace(/"broker\.example\.com:50051" +# CHANGE.*/, '"velda-broker.internal:50051"')
      .replace(/"v1\.1\.4" +# CHANGE.*/, '"v1.1.3"')
      .replace('# ssh_key_ids: [52896465]', 'ssh_key_ids: [52896465]'))
    const run = await runCommand(Doctor, ['-c', file], {api: new FakeApi(), env: ENV})
    expect(run.stdout).toContain('✓ no value marked CHANGE')
    expect(run.stdout).toContain('all checks passed')
    expect(run.status).toBe(0)
  })
})

describe.each(CLOUD_IDS)("config init --cloud %s's starter, filled in, against an account of that cloud", (cloud) => {
  it('every check passes: its size and image are what that catalog has; the account line names the cloud', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'velda-doctor-cloud-')), 'velda.yaml')
    writeFileSync(file, starterConfig(cloud)
      .replace(/"broker\.example\.com:50051" +# CHANGE.*/, '"velda-broker.internal:50051"')
      .replace(/"v1\.1\.4" +# CHANGE.*/, '"v1.1.3"')
      .replace('# ssh_key_ids: [52896465]', 'ssh_key_ids: [52896465]'))
    const api = new FakeApi()
    // The catalog of that cloud: its MI300X size, as the starter names it, in atl1.
    api.listSizes = async () => [{slug: CLOUDS[cloud].size, description: 'AMD MI300X', vcpus: 20, memory_mb: 245_760, disk_gb: 720, price_hourly: 1.99, price_monthly: null, available: true, regions: ['atl1'], gpu: {count: 1, model: 'amd_mi300x', vram_gb: 192}}]
    const run = await runCommand(Doctor, ['-c', file], {api, env: ENV})
    expect(run.stdout).toContain(`account on ${CLOUDS[cloud].endpoint} (the ${cloud === 'digitalocean' ? 'standard endpoint' : 'AMD Developer Cloud'}), token from $DIGITALOCEAN_API_TOKEN, for amd-mi300x\n  GET /v2/account: 200: `)
    expect(run.stdout).toContain(`✓ size ${CLOUDS[cloud].size} is offered in atl1`)
    expect(api.callsOf('getImage')).toEqual([[CLOUDS[cloud].image]])
    expect(run.stdout).toContain('all checks passed')
    expect(run.status).toBe(0)
  })
})

describe('doctor per account: the endpoint, what GET /v2/account answered, the nearest sizes', () => {
  interface AccountJson {endpoint: string; pools: string[]; token: string | null; answer: string; status: number | null; location: string | null; message: string}
  interface ReportJson {accounts: AccountJson[]; pools: {name: string; checks: {id: string; ok: boolean; message: string; fix: string | null}[]}[]}

  function writeGpuConfig(droplet: YamlSettings): string {
    const file = join(mkdtempSync(join(tmpdir(), 'velda-doctor-account-')), 'velda.yaml')
    writeFileSync(file, veldaYaml([{name: 'gpu', droplet: {...MI300X_DROPLET, ssh_key_ids: '[52896465]', ...droplet}}, {name: 'gpu-8', droplet: {...MI300X_DROPLET, size: 'gpu-mi300x8-1536gb-devcloud', ssh_key_ids: '[52896465]', ...droplet}}], {broker: 'velda-broker.internal:50051'}))
    return file
  }
  const checkOf = (report: ReportJson, pool: string, id: string) => report.pools.find((p) => p.name === pool)?.checks.find((c) => c.id === id)

  it('an account that answers: its endpoint, the pools that share it, where the token came from, and 200', async () => {
    const file = writeGpuConfig({api_endpoint: 'https://api.devcloud.amd.com'})
    const run = await runCommand(Doctor, ['-c', file, '--json'], {api: new FakeApi(), env: ENV})
    expect(run.status).toBe(0)
    const report = JSON.parse(run.stdout) as ReportJson
    expect(report.accounts).toEqual([{endpoint: 'https://api.devcloud.amd.com', pools: ['gpu', 'gpu-8'], token: '$DIGITALOCEAN_API_TOKEN', answer: 'ok', status: 200, location: null, message: '200: account op…@example.com, status active'}])
    const text = await runCommand(Doctor, ['-c', file], {api: new FakeApi(), env: ENV})
    expect(text.stdout).toMatch(/^account on https:\/\/api\.devcloud\.amd\.com \(the AMD Developer Cloud\), token from \$DIGITALOCEAN_API_TOKEN, for gpu, gpu-8\n {2}GET \/v2\/account: 200: account op…@example\.com, status active\n\ngpu \(https:\/\/api\.devcloud\.amd\.com, the AMD Developer Cloud\)\n/)
  })

  it('a token the endpoint refuses: 401 in the account entry, the token check says which token each endpoint takes (exit 3)', async () => {
    const refused = new UnauthorizedError('https://api.digitalocean.com', 'unauthorized', 'Unable to authenticate you', null, {method: 'GET', path: '/v2/account', attempts: 1})
    const api = new FakeApi({fail: {describeAccount: () => refused}})
    const run = await runCommand(Doctor, ['-c', writeGpuConfig({api_endpoint: 'https://api.digitalocean.com'}), '--json'], {api, env: ENV})
    expect(run.status).toBe(3)
    const report = JSON.parse(run.stdout) as ReportJson
    expect(report.accounts[0]).toMatchObject({endpoint: 'https://api.digitalocean.com', answer: 'unauthorized', status: 401, message: '401: Unable to authenticate you'})
    expect(checkOf(report, 'gpu', 'token')?.fix).toMatch(/https:\/\/api\.digitalocean\.com takes a DigitalOcean token \(dop_v1_\.\.\.\); https:\/\/api\.devcloud\.amd\.com takes an AMD Developer Cloud token/)
    expect(api.calls.map((c) => c.method)).toEqual(['describeAccount'])
  })

  describe('an endpoint that redirects (the old AMD host, played by a server on 127.0.0.1)', () => {
    let moved: Server
    let target: Server
    const seenByMoved: IncomingMessage[] = []
    const seenByTarget: IncomingMessage[] = []
    const listen = async (server: Server) => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    }
    let movedUrl = ''
    let targetUrl = ''
    beforeAll(async () => {
      target = createServer((request, response) => {
        seenByTarget.push(request)
        response.writeHead(200, {'content-type': 'application/json'}).end('{"account": {}}')
      })
      targetUrl = await listen(target)
      moved = createServer((request, response) => {
        seenByMoved.push(request)
        response.writeHead(301, {location: `${targetUrl}${request.url}`}).end()
      })
      movedUrl = await listen(moved)
    })
    afterAll(async () => {
      await Promise.all([moved, target].map((server) => new Promise((resolve) => server.close(resolve))))
    })

    it('is reported with where it points, never followed: the token reached only the endpoint the config named (exit 3)', async () => {
      const run = await runCommand(Doctor, ['-c', writeGpuConfig({api_endpoint: movedUrl}), '--json'], {connectApi, env: ENV})
      expect(run.status).toBe(3)
      const report = JSON.parse(run.stdout) as ReportJson
      expect(report.accounts).toEqual([{
        endpoint: movedUrl, pools: ['gpu', 'gpu-8'], token: '$DIGITALOCEAN_API_TOKEN', answer: 'redirect', status: null, location: `${targetUrl}/v2/account`,
        message: `a redirect to ${targetUrl}/v2/account, not followed: the token was sent to ${new URL(movedUrl).host} only`,
      }])
      expect(checkOf(report, 'gpu', 'token')?.message).toBe(`${movedUrl} answered GET /v2/account with a redirect to ${targetUrl}/v2/account, not followed: the token from $DIGITALOCEAN_API_TOKEN was sent to ${new URL(movedUrl).host} only; the account, size, ssh keys and image were not checked`)
      expect(checkOf(report, 'gpu', 'token')?.fix).toContain(targetUrl)
      expect(seenByMoved.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /v2/account'])
      expect(seenByTarget).toEqual([])
      expect(run.stdout).not.toContain(ENV.DIGITALOCEAN_API_TOKEN)
    })
  })

  describe('a size the catalog lacks: the nearest names it does offer', () => {
    /** DigitalOcean's own catalog: the MI300X sizes without -devcloud. */
    const DIGITALOCEAN_SIZES: Size[] = [
      {slug: 'gpu-mi300x1-192gb', description: 'AMD MI300X', vcpus: 20, memory_mb: 245_760, disk_gb: 720, price_hourly: 1.99, price_monthly: 1432.8, available: true, regions: ['atl1'], gpu: {count: 1, model: 'amd_mi300x', vram_gb: 192}},
      {slug: 'gpu-mi300x8-1536gb', description: '8x AMD MI300X', vcpus: 160, memory_mb: 1_966_080, disk_gb: 2046, price_hourly: 15.92, price_monthly: 11_462.4, available: true, regions: ['atl1'], gpu: {count: 8, model: 'amd_mi300x', vram_gb: 1536}},
    ]

    it('Developer Cloud sizes against DigitalOcean: the same size without -devcloud first, then the other count (exit 2)', async () => {
      const api = new FakeApi()
      api.listSizes = async () => DIGITALOCEAN_SIZES
      const run = await runCommand(Doctor, ['-c', writeGpuConfig({api_endpoint: 'https://api.digitalocean.com'}), '--json'], {api, env: ENV})
      expect(run.status).toBe(2)
      const report = JSON.parse(run.stdout) as ReportJson
      expect(checkOf(report, 'gpu', 'size')).toMatchObject({
        ok: false,
        message: 'the size gpu-mi300x1-192gb-devcloud of pool gpu is not in the catalog of the standard endpoint (api.digitalocean.com); nearest it offers: gpu-mi300x1-192gb (the same size without -devcloud), gpu-mi300x8-1536gb (8 of the same GPU)',
        fix: expect.stringMatching(/^set size: gpu-mi300x1-192gb in pool gpu /),
      })
      expect(checkOf(report, 'gpu-8', 'size')?.message).toMatch(/nearest it offers: gpu-mi300x8-1536gb \(the same size without -devcloud\), gpu-mi300x1-192gb \(1 of the same GPU\)$/)
    })

    it('a DigitalOcean size against the Developer Cloud: the same size with -devcloud', async () => {
      const run = await runCommand(Doctor, ['-c', writeGpuConfig({size: 'gpu-mi300x1-192gb', image: 'gpu-amd-base'}), '--json'], {api: new FakeApi(), env: ENV})
      expect(run.status).toBe(2)
      expect(checkOf(JSON.parse(run.stdout) as ReportJson, 'gpu', 'size')?.message).toMatch(/nearest it offers: gpu-mi300x1-192gb-devcloud \(the same size with -devcloud\), gpu-mi300x8-1536gb-devcloud \(8 of the same GPU\)$/)
    })
  })
})
