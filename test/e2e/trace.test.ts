import {readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {type Simulator, startSimulator} from '../../src/lib/simulator/server.js'
import {MI300X_DROPLET, veldaYaml} from '../support/configs.js'
import {canRunHosts, hostSshFlags, sshWorkspace} from '../support/hosts.js'
import {runInProcess} from '../support/in-process-cli.js'
import {expectNoSecrets, FAKE_DO_TOKEN, FAKE_TAILSCALE_KEY} from '../support/secrets.js'

/**
 * `--trace`, `--trace=body` and `$VELDA_DO_TRACE` on the four commands the issue names, as a user runs them: the
 * real transport and ssh against the simulator and its sshd hosts, with a DigitalOcean token and a Tailscale key
 * (inside every create's user_data) that must appear in no line of stderr nor of the file.
 */
const canHost = canRunHosts('--trace of pool status over ssh')

const HTTP_LINE = String.raw`trace: (GET|POST|DELETE) http://127\.0\.0\.1:\d+(/v2/\S+) -> (\d{3}) in \d+ms, attempt 1, request id [0-9a-f-]+, ratelimit \d+/5000 reset \d+, retry: none`
const SSH_LINE = String.raw`trace: ssh (velda-\S+) \((127\.1\.\d+\.\d+)\) -> exit \d+ in \d+ms, stdout \d+ bytes, stderr \d+ bytes: ssh -o LogLevel=ERROR .* -- 127\.1\.\d+\.\d+ `

interface TraceLine {
  v: number
  kind: 'http' | 'ssh'
  method?: string
  url?: string
  status?: number
  request_body?: unknown
  response_body?: unknown
  member?: string
}

describe.runIf(canHost)('--trace and $VELDA_DO_TRACE on pool up, pool status, sizes and pool down', () => {
  const {dir, configFile, key, state} = sshWorkspace('velda-trace-')
  let sim: Simulator

  beforeAll(async () => {
    writeFileSync(configFile, veldaYaml([{name: 'gpu', droplet: {...MI300X_DROPLET, tailscale_config: '{pre_auth_key: "${TS_KEY}"}'}}]))
    sim = await startSimulator({seed: 1, token: FAKE_DO_TOKEN, activeAfterMs: 0, hosts: {authorizedKeys: readFileSync(`${key}.pub`, 'utf8'), bootMs: 0}})
  })
  afterAll(async () => {
    await sim?.close()
  })
  beforeEach(() => {
    sim.core.reset()
  })

  let runs = 0
  const velda = async (args: string[], traceFile: string) => {
    const env = {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: FAKE_DO_TOKEN, TS_KEY: FAKE_TAILSCALE_KEY, XDG_STATE_HOME: state, VELDA_DO_TRACE: traceFile}
    const result = await runInProcess([...args, ...(args[0] === 'pool' ? ['-c', configFile] : [])], {env})
    expectNoSecrets(result.stdout)
    expectNoSecrets(result.stderr)
    return result
  }
  const traceLines = (file: string): TraceLine[] => {
    const text = readFileSync(file, 'utf8')
    expectNoSecrets(text)
    return text.trimEnd().split('\n').map((line) => JSON.parse(line) as TraceLine)
  }
  const httpLines = (stderr: string) => [...stderr.matchAll(new RegExp(`^${HTTP_LINE}$`, 'gm'))].map((m) => `${m[1]} ${m[2]} ${m[3]}`)

  it.each([['--trace'], ['--trace=body']])('%s: a line per request and per ssh run, the bodies with =body, no secret on stderr or in the file', async (flag) => {
    const file = join(dir, `trace-${++runs}.jsonl`)
    const body = flag === '--trace=body'

    const up = await velda(['pool', 'up', 'gpu', '-n', '2', flag], file)
    expect(up.status, up.stderr).toBe(0)
    expect(httpLines(up.stderr)).toContain('POST /v2/droplets 202')
    expect(httpLines(up.stderr)).toContain('GET /v2/account 200')
    // The create's body holds the boot script, the Tailscale key in it: there, and cut out.
    const createBody = /^trace: {3}request body: (\{"names?".*)$/m.exec(up.stderr)?.[1]
    if (body) expect(createBody).toMatch(/TAILSCALE_AUTHKEY='<redacted>'/)
    else expect(createBody).toBeUndefined()
    expect(up.stderr.includes('response body:')).toBe(body)

    await sim.hostsReady()
    const status = await velda(['pool', 'status', 'gpu', ...hostSshFlags(sim, key), flag], file)
    expect(status.stderr).toMatch(/GET http:\/\/\S+\/v2\/droplets\?\S+ -> 200/)
    const probed = [...status.stderr.matchAll(new RegExp(`^${SSH_LINE}`, 'gm'))].map((m) => m[1])
    expect(probed.sort()).toEqual((up.stdout.match(/velda-\S+/g) ?? []).sort())

    const sizes = await velda(['sizes', '--gpu', flag], file)
    expect(sizes.status, sizes.stderr).toBe(0)
    expect(httpLines(sizes.stderr)).toEqual(['GET /v2/sizes?page=1&per_page=200 200'])
    expect(/^trace: {3}response body: \{"sizes":\[/m.test(sizes.stderr)).toBe(body)

    const down = await velda(['pool', 'down', 'gpu', '--all', '--yes', flag], file)
    expect(down.status, down.stderr).toBe(0)
    expect(httpLines(down.stderr).filter((line) => line.startsWith('DELETE'))).toEqual([expect.stringMatching(/^DELETE \/v2\/droplets\/\d+ 204$/), expect.stringMatching(/^DELETE \/v2\/droplets\/\d+ 204$/)])

    // The file: the same exchanges as JSON lines, always with the bodies, mode 0600.
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const lines = traceLines(file)
    expect(new Set(lines.map((line) => line.v))).toEqual(new Set([1]))
    const stderrs = [up, status, sizes, down].map((run) => run.stderr).join('')
    expect(lines.filter((line) => line.kind === 'http')).toHaveLength(httpLines(stderrs).length)
    expect(lines.filter((line) => line.kind === 'ssh').map((line) => line.member).sort()).toEqual(probed.sort())
    const create = lines.find((line) => line.method === 'POST' && line.url?.endsWith('/v2/droplets'))
    expect((create?.request_body as {user_data: string}).user_data).toMatch(/TAILSCALE_AUTHKEY='<redacted>'/)
    expect(create?.response_body).toMatchObject({droplets: expect.any(Array)})
  })

  it('refuses a trace file that is a symlink before sending anything (exit 2), and leaves its target alone', async () => {
    const target = join(dir, 'not-a-trace')
    writeFileSync(target, 'kept\n')
    const link = join(dir, 'linked.jsonl')
    symlinkSync(target, link)
    const sizes = await velda(['sizes', '--trace'], link)
    expect(sizes.status).toBe(2)
    expect(sizes.stderr).toContain(`Error: $VELDA_DO_TRACE is ${JSON.stringify(link)}: it is a symbolic link, and a trace is never written through one`)
    expect(sim.counts()).toEqual({})
    expect(readFileSync(target, 'utf8')).toBe('kept\n')
  })

  it('writes the file without --trace, and nothing of it on stderr', async () => {
    const file = join(dir, 'quiet.jsonl')
    const sizes = await velda(['sizes'], file)
    expect(sizes.status, sizes.stderr).toBe(0)
    expect(sizes.stderr).not.toContain('trace:')
    expect(traceLines(file).map((line) => [line.kind, line.method, line.status])).toEqual([['http', 'GET', 200]])
  })
})
