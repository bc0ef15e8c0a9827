import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {CPU_DROPLET, MI300X_DROPLET, veldaYaml} from '../support/configs.js'
import {runInProcess} from '../support/in-process-cli.js'
import {runOnPty} from '../support/pty.js'
import {haveTool} from '../support/tools.js'
import {expectNoSecrets} from '../support/secrets.js'
import {type SimulatorProcess, startSimulatorProcess} from '../support/simulator-process.js'

let sim: SimulatorProcess
beforeAll(async () => {
  sim = await startSimulatorProcess()
})
afterAll(async () => {
  await sim.stop()
})
beforeEach(async () => {
  await sim.admin('POST', 'reset')
})

const env = () => ({DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token})

function json(stdout: string): Record<string, unknown> {
  // One JSON document and nothing else: JSON.parse fails on anything around it.
  return JSON.parse(stdout) as Record<string, unknown>
}

describe('sizes, regions and ssh-keys against `velda-do simulator`', () => {
  it('sizes --json prints one document with the sizes of docs/cli.md', async () => {
    const result = await runInProcess(['sizes', '--json'], {env: env()})
    expect(result.status).toBe(0)
    const sizes = json(result.stdout).sizes as Record<string, unknown>[]
    expect(sizes.find((s) => s.slug === 'gpu-mi300x1-192gb-devcloud')).toEqual({
      slug: 'gpu-mi300x1-192gb-devcloud',
      description: expect.any(String),
      vcpus: expect.any(Number),
      memory_mb: expect.any(Number),
      disk_gb: expect.any(Number),
      price_hourly: expect.any(Number),
      price_monthly: expect.any(Number),
      available: true,
      regions: ['atl1'],
      gpu: {count: 1, model: 'amd_mi300x', vram_gb: 192},
    })
    expect(sizes.find((s) => s.slug === 's-1vcpu-1gb')?.gpu).toBeNull()
  })

  it('sizes filters by region, GPU and availability', async () => {
    const slugs = async (args: string[]) => (json((await runInProcess(['sizes', '--json', ...args], {env: env()})).stdout).sizes as {slug: string}[]).map((s) => s.slug)
    expect((await slugs(['--gpu', '--region', 'atl1']))).toEqual(['gpu-mi300x1-192gb-devcloud', 'gpu-mi300x8-1536gb-devcloud'])
    const available = await slugs(['--available'])
    expect(available).not.toContain('s-8vcpu-16gb-amd')
    expect(available).not.toContain('s-3vcpu-1gb')
    expect((await slugs([]))).toContain('s-8vcpu-16gb-amd')
  })

  it('sizes prints a table with GPU and price columns', async () => {
    const result = await runInProcess(['sizes', '--gpu'], {env: env()})
    expect(result.status).toBe(0)
    expect(result.stdout.split('\n')[0]).toMatch(/^SLUG +DESCRIPTION +VCPUS +MEMORY +DISK +GPU +\$\/HOUR +\$\/MONTH +REGIONS$/)
    expect(result.stdout).toMatch(/gpu-mi300x1-192gb-devcloud .* 1x amd_mi300x 192 GiB +\$1\.99 +\$1337\.28 +atl1/)
    expect(result.stdout).not.toContain("\u001b[")
  })

  it('regions --json and --available', async () => {
    const result = await runInProcess(['regions', '--json', '--available'], {env: env()})
    expect(result.status).toBe(0)
    const regions = json(result.stdout).regions as {slug: string; available: boolean; sizes: string[]; features: string[]; name: string}[]
    expect(regions.map((r) => r.slug)).toContain('atl1')
    expect(regions.every((r) => r.available)).toBe(true)
    expect(regions.find((r) => r.slug === 'atl1')).toMatchObject({name: 'Atlanta 1', sizes: expect.arrayContaining(['gpu-mi300x1-192gb-devcloud'])})
  })

  it('ssh-keys marks configured ids the account does not have, naming the pools that use each', async () => {
    const {writeFileSync, mkdtempSync} = await import('node:fs')
    const {join} = await import('node:path')
    const {tmpdir} = await import('node:os')
    const dir = mkdtempSync(join(tmpdir(), 'velda-keys-'))
    writeFileSync(join(dir, 'velda.yaml'), veldaYaml([
      {name: 'cpu', droplet: {...CPU_DROPLET, ssh_key_ids: '[52896465, 777]'}},
      {name: 'gpu', droplet: {...MI300X_DROPLET, ssh_key_ids: '[777, 888]'}},
    ]))
    const result = await runInProcess(['ssh-keys', '--json'], {env: env(), cwd: dir})
    expect(result.status).toBe(0)
    expect(json(result.stdout)).toMatchObject({
      missing_configured_ids: [777, 888],
      missing_configured_keys: [{id: 777, pools: ['cpu', 'gpu']}, {id: 888, pools: ['gpu']}],
    })
    const table = await runInProcess(['ssh-keys'], {env: env(), cwd: dir})
    expect(table.stdout).toMatch(/^ID +NAME +FINGERPRINT\n52896465 +ops-laptop/)
    expect(table.stdout).toContain('configured in ssh_key_ids but not on the account:\n  777, used by pools cpu, gpu\n  888, used by pool gpu\n')
    // Rows only: nothing a script would have to cut away.
    const rows = await runInProcess(['ssh-keys', '--format', 'ID', '--no-header'], {env: env(), cwd: dir})
    expect(rows.stdout).toBe('52896465\n52896511\n41873302\n')
  })

  describe('--format and --no-header, as doctl spells them', () => {
    it('pick columns by header name in any case, or by JSON key, in the order given', async () => {
      const result = await runInProcess(['sizes', '--gpu', '--region', 'atl1', '--format', 'price_hourly,Slug,GPU'], {env: env()})
      expect(result.status).toBe(0)
      const lines = result.stdout.trimEnd().split('\n')
      expect(lines[0]).toBe('$/HOUR  SLUG                         GPU')
      expect(lines[1]).toBe('$1.99   gpu-mi300x1-192gb-devcloud   1x amd_mi300x 192 GiB')
      expect(lines[2]).toMatch(/^\$\d+(\.\d+)? +gpu-mi300x8-1536gb-devcloud +8x amd_mi300x 1536 GiB$/)
    })

    it('--no-header leaves rows a script can read with cut or awk', async () => {
      const result = await runInProcess(['regions', '--available', '--format', 'slug', '--no-header'], {env: env()})
      expect(result.status).toBe(0)
      const slugs = result.stdout.trimEnd().split('\n')
      expect(slugs).toContain('atl1')
      expect(slugs.every((slug) => /^[a-z]+\d$/.test(slug))).toBe(true)
      const full = await runInProcess(['regions', '--no-header'], {env: env()})
      expect(full.stdout.split('\n')[0]).not.toMatch(/SLUG/)
      expect(full.stdout.split('\n')[0]).toMatch(/^\S+ +\S.* +(yes|no) +\d+$/)
    })

    it('an unknown column is exit 2 naming --format and the columns there are, before anything is sent', async () => {
      await sim.admin('DELETE', 'requests')
      const result = await runInProcess(['sizes', '--format', 'slug,cost'], {env: env()})
      expect(result.status).toBe(2)
      expect(result.stderr).toContain('--format: no column "cost"')
      expect(result.stderr).toContain('pick from: Slug,Description,Vcpus,Memory,Disk,GPU,PriceHourly,PriceMonthly,Regions')
      expect((await sim.admin('GET', 'requests')).counts).toEqual({})
    })

    it('--format with --json is refused: JSON has every key, jq picks', async () => {
      const result = await runInProcess(['regions', '--json', '--format', 'slug'], {env: env()})
      expect(result.status).toBe(2)
      expect(JSON.parse(result.stdout)).toMatchObject({error: {code: 'usage', message: expect.stringMatching(/--format.*--json|--json.*--format/)}})
    })
  })

  it('without a token: exit 2 naming the variables, and nothing sent', async () => {
    const result = await runInProcess(['sizes', '--json'], {env: {DIGITALOCEAN_API_ENDPOINT: sim.url}})
    expect(result.status).toBe(2)
    const error = json(result.stdout).error as {code: string; message: string; suggestions: string[]}
    expect(error.code).toBe('missing_token')
    expect(error.suggestions.join(' ')).toMatch(/DIGITALOCEAN_API_TOKEN.*DIGITALOCEAN_ACCESS_TOKEN, DIGITALOCEAN_TOKEN/)
    expect((await sim.admin('GET', 'requests')).requests).toEqual([])
  })

  it('a rejected token: exit 3 with a hint about the endpoint, the token never shown', async () => {
    const token = 'dop_v1_FAKE_rejected_token_for_tests'
    const result = await runInProcess(['regions'], {env: {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: token}})
    expect(result.status).toBe(3)
    expect(result.stderr).toContain(`the endpoint ${sim.url} refused the token: 401 unauthorized to GET /v2/regions`)
    expect(result.stderr).toMatch(/Try this:\n.*\n.*https:\/\/api\.digitalocean\.com takes a DigitalOcean token .*https:\/\/api\.devcloud\.amd\.com takes an AMD Developer Cloud token/)
    expect(result.stdout + result.stderr).not.toContain(token)
  })

  it('refuses a token with a line break (exit 2) and never prints it', async () => {
    const token = 'dop_v1_FAKE_token_with\na_line_break'
    const result = await runInProcess(['regions', '--json'], {env: {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: token, DEBUG: '1'}})
    expect(result.status).toBe(2)
    expect(JSON.parse(result.stdout).error.message).toMatch(/contains characters a token cannot have/)
    expect(result.stdout + result.stderr).not.toContain('a_line_break')
  })

  it('says on stderr that it waits, and how long, then succeeds', async () => {
    await sim.admin('POST', 'faults', {path: '/v2/regions', action: {type: 'rate-limit', retryAfterSeconds: 1}})
    const result = await runInProcess(['regions', '--json'], {env: env()})
    expect(result.status).toBe(0)
    expect(result.stderr).toMatch(/waiting: GET \/v2\/regions\?page=1&per_page=200: rate limited; waiting 1\.0s before attempt 2 of 5/)
    expect(json(result.stdout).regions).toBeDefined()
  })

  it('a retry-after longer than velda-do waits: exit 3 saying so, with the time to try again, not "in a minute"', async () => {
    await sim.admin('POST', 'faults', {path: '/v2/regions', action: {type: 'rate-limit', retryAfterSeconds: 300}})
    const before = Date.now()
    const result = await runInProcess(['regions', '--json'], {env: env()})
    expect(result.status).toBe(3)
    const error = json(result.stdout).error as {code: string; message: string; suggestions: string[]}
    expect(error.code).toBe('api_error')
    expect(error.message).toMatch(/^DigitalOcean answered 429 .*\(after 1 attempt.*\); DigitalOcean asks to wait 300s, longer than velda-do waits \(120s\)$/)
    expect(error.suggestions).toHaveLength(1)
    const at = /^try again after (\S+Z) \(in 5m\), the time DigitalOcean gave$/.exec(error.suggestions[0] ?? '')
    expect(at).not.toBeNull()
    // The simulator's 300 s from when it answered, to the second the header and the time are written in.
    const retryAt = Date.parse(at?.[1] ?? '')
    expect(retryAt).toBeGreaterThanOrEqual(before + 299_000)
    expect(retryAt).toBeLessThanOrEqual(Date.now() + 300_000)
    expect(result.stdout + result.stderr).not.toContain('try again in a minute')
    expect((await sim.admin('GET', 'requests')).requests).toHaveLength(1)
  })

  it('an API error with --json: exit 3, the error document with the request id', async () => {
    await sim.admin('POST', 'faults', {path: '/v2/sizes', action: {type: 'status', status: 422, body: {id: 'unprocessable_entity', message: 'nope', request_id: 'req-123'}}})
    const result = await runInProcess(['sizes', '--json'], {env: env()})
    expect(result.status).toBe(3)
    expect(json(result.stdout).error).toMatchObject({code: 'api_error', status: 422, request_id: 'req-123', message: expect.stringMatching(/nope/)})
    expectNoSecrets(result.stdout + result.stderr)
    expect(result.stdout + result.stderr).not.toContain(sim.token)
  })

  it('an error message with terminal escape sequences reaches the terminal inert; --json keeps it exact', async () => {
    const hostile = 'bad\x1b]0;pwned\x07\x1b[2J\rfake line\x9b31m'
    await sim.admin('POST', 'faults', {path: '/v2/sizes', count: 0, action: {type: 'status', status: 422, body: {id: 'unprocessable_entity', message: hostile}}})
    const human = await runInProcess(['sizes'], {env: env()})
    expect(human.status).toBe(3)
    expect(human.stderr).toContain('bad\\x1b]0;pwned\\x07\\x1b[2J\\rfake line\\x9b31m')
    for (const control of ['\x1b', '\x07', '\r', '\x9b']) expect(human.stderr).not.toContain(control)
    const machine = await runInProcess(['sizes', '--json'], {env: env()})
    expect(json(machine.stdout).error).toMatchObject({message: expect.stringContaining(hostile)})
  })

  const hostileJson = async () => {
    const hostile = 'bad\x9b2J\x7f\u202eevil\u2066'
    await sim.admin('POST', 'faults', {path: '/v2/sizes', count: 0, action: {type: 'status', status: 422, body: {id: 'unprocessable_entity', message: hostile}}})
    return hostile
  }
  /** DEL, C1 and the bidi controls, raw. */
  const RAW_CONTROL = /[\x7f-\x9f\u202a-\u202e\u2066-\u2069]/

  it('--json writes C1, DEL and bidi controls from the API as \\u escapes: no raw control, the same data when parsed', async () => {
    const hostile = await hostileJson()
    const piped = await runInProcess(['sizes', '--json'], {env: env()})
    expect(piped.stdout).not.toMatch(RAW_CONTROL)
    expect(piped.stdout).toContain('bad\\u009b2J\\u007f\\u202eevil\\u2066')
    expect(json(piped.stdout).error).toMatchObject({message: expect.stringContaining(hostile)})
  })

  it.runIf(haveTool('script', 'bsdutils', '--json on a real terminal'))('--json on a terminal (coloured by oclif) shows C1, DEL and bidi controls as \\u escapes, and parses to the same data', async () => {
    const hostile = await hostileJson()
    const terminal = runOnPty(['sizes', '--json'], env(), {stdout: 'terminal'})
    expect((await terminal.exited).status).toBe(3)
    const screen = terminal.screen()
    expect(screen).not.toMatch(RAW_CONTROL)
    // The document as the terminal showed it, without colours and the carriage returns the terminal adds.
    // eslint-disable-next-line no-control-regex -- removing colour sequences is the point
    const shown = screen.replace(/\x1b\[[0-9;]*m/g, '').replaceAll('\r', '')
    expect(json(shown.slice(shown.indexOf('{'), shown.lastIndexOf('}') + 1)).error).toMatchObject({message: expect.stringContaining(hostile)})
  })

  it('a redirect: exit 3, naming where it points, the token not sent there', async () => {
    await sim.admin('POST', 'faults', {path: '/v2/sizes', action: {type: 'redirect', location: 'https://api.devcloud.amd.com/v2/sizes'}})
    const result = await runInProcess(['sizes'], {env: env()})
    expect(result.status).toBe(3)
    expect(result.stderr).toMatch(/redirects GET \/v2\/sizes\?page=1&per_page=200 to https:\/\/api\.devcloud\.amd\.com/)
  })

  it('loads the DigitalOcean client only in commands that call the API', () => {
    const withApi = runCli(['regions', '--json'], {env: env(), recordModules: true})
    expect(withApi.status).toBe(0)
    expect(withApi.modules.some((m) => m.endsWith('/dist/do-client.js'))).toBe(true)
    const help = runCli(['sizes', '--help'], {recordModules: true})
    expect(help.status).toBe(0)
    expect(help.modules.some((m) => /@digitalocean\/dots|@microsoft\/kiota|\/dist\/do-client\.js/.test(m))).toBe(false)
  })
})
