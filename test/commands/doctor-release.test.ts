import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import Doctor from '../../src/commands/doctor.js'
import {headRequest} from '../../src/lib/net/head-request.js'
import {runCommand} from '../support/command.js'
import {EXAMPLE_CONFIG} from '../support/cli.js'
import {FakeApi} from '../support/fake-api.js'

const BROKER = ['--broker', 'velda-broker.internal:50051']
const ENV = {TAILSCALE_AUTH_KEY: 'tskey-auth-' + 'k'.repeat(40), DIGITALOCEAN_API_TOKEN: 'dop_v1_' + 'a'.repeat(64)}

/**
 * A release server on 127.0.0.1, as releases.velda.io and GitHub answer: the file (200), a redirect to where it is
 * kept (302, as GitHub's release downloads do), or 404. Every request is kept, to show what was asked and how.
 */
let server: Server
let base = ''
const asked: {method: string; url: string; authorization: string | undefined; cookie: string | undefined}[] = []
beforeAll(async () => {
  server = createServer((request, response) => {
    asked.push({method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization, cookie: request.headers.cookie})
    if (request.url === '/mirror/velda-v1.1.4-linux-amd64') return void response.writeHead(200, {'content-length': '123456'}).end()
    if (request.url === '/mirror/velda-v1.1.1-beta1-linux-amd64') return void response.writeHead(302, {location: 'http://127.0.0.1:9/storage/velda-v1.1.1-beta1?X-Signature=secret'}).end()
    if (request.url === '/mirror/velda-weekly-20260202-173400-linux-amd64') return void response.writeHead(503).end()
    response.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mirror`
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

/** doctor over the example config, asking the 127.0.0.1 server with the real HEAD request. */
async function doctor(version: string, env: Record<string, string> = {VELDA_DO_RELEASES_URL: base}) {
  asked.length = 0
  const run = await runCommand(Doctor, ['-c', EXAMPLE_CONFIG, ...BROKER, '--agent-version', version, '--json'], {api: new FakeApi(), env: {...ENV, ...env}, headRequest})
  const report = JSON.parse(run.stdout) as {pools: {name: string; checks: {id: string; ok: boolean; message: string; fix: string | null}[]}[]}
  const release = report.pools.map((pool) => pool.checks.find((check) => check.id === 'agent_release'))
  return {run, release}
}

describe("doctor's agent_release: a HEAD of the agent's download, at $VELDA_DO_RELEASES_URL", () => {
  it('200: the release exists; one HEAD for the three pools that install it, with no token and no cookie (exit 0)', async () => {
    const {run, release} = await doctor('v1.1.4')
    expect(run.status).toBe(0)
    expect(release.map((check) => check?.ok)).toEqual([true, true, true])
    expect(release[0]?.message).toBe(`agent release v1.1.4 exists (HEAD ${base}/velda-v1.1.4-linux-amd64: 200)`)
    expect(asked).toEqual([{method: 'HEAD', url: '/mirror/velda-v1.1.4-linux-amd64', authorization: undefined, cookie: undefined}])
  })

  it('a redirect: the release exists where the server points, never followed, named by its origin only (exit 0)', async () => {
    const {run, release} = await doctor('v1.1.1-beta1')
    expect(run.status).toBe(0)
    expect(release[0]).toMatchObject({ok: true, message: `agent release v1.1.1-beta1 exists (HEAD ${base}/velda-v1.1.1-beta1-linux-amd64: 302 to http://127.0.0.1:9, not followed)`})
    expect(run.stdout).not.toContain('X-Signature')
    expect(asked).toHaveLength(1)
  })

  it('404: no release of that name, a miss of the config with the likely name (exit 2, checks_failed)', async () => {
    const {run, release} = await doctor('1.0.0')
    expect(run.status).toBe(2)
    expect(release[0]).toEqual({
      id: 'agent_release',
      ok: false,
      message: `no agent release 1.0.0: HEAD ${base}/velda-1.0.0-linux-amd64 answered 404, so the droplets would fail at boot downloading it`,
      fix: 'did you mean v1.0.0? set agent_version_override (or --agent-version) to a release of velda-io/velda that exists, like v1.1.4 (its tags: https://github.com/velda-io/velda/tags)',
    })
    expect(JSON.parse(run.stdout).error.code).toBe('checks_failed')
  })

  it('a 503: doctor could not check, a miss it reports as unreachable (exit 3, checks_api_failed)', async () => {
    const {run, release} = await doctor('weekly-20260202-173400')
    expect(run.status).toBe(3)
    expect(release[0]).toMatchObject({ok: false, message: `could not check agent release weekly-20260202-173400: HEAD ${base}/velda-weekly-20260202-173400-linux-amd64: answered 503`})
    expect(JSON.parse(run.stdout).error.code).toBe('checks_api_failed')
  })

  it('no answer at all (nothing listens): could not check (exit 3)', async () => {
    // A port that was just free: nothing listens there now.
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const {port} = closed.address() as AddressInfo
    await new Promise((resolve) => closed.close(resolve))
    const {run, release} = await doctor('v1.1.4', {VELDA_DO_RELEASES_URL: `http://127.0.0.1:${port}/mirror`})
    expect(run.status).toBe(3)
    expect(release[0]?.message).toBe(`could not check agent release v1.1.4: HEAD http://127.0.0.1:${port}/mirror/velda-v1.1.4-linux-amd64: no answer (ECONNREFUSED)`)
  })

  it.each([
    ['http://releases.example.net', 'not https:// (plain http:// goes only to this machine)'],
    ['https://user:pw@releases.example.net', 'a URL with credentials (the releases are public: none is needed)'],
    ['releases.velda.io', 'not a URL'],
  ])('$VELDA_DO_RELEASES_URL=%s is refused before anything is sent (exit 2, naming the variable)', async (value, why) => {
    asked.length = 0
    const api = new FakeApi()
    const run = await runCommand(Doctor, ['-c', EXAMPLE_CONFIG, ...BROKER, '--json'], {api, env: {...ENV, VELDA_DO_RELEASES_URL: value}, headRequest})
    expect(run.status).toBe(2)
    expect(JSON.parse(run.stdout).error.message).toBe(`$VELDA_DO_RELEASES_URL is "${value}": ${why}`)
    expect(api.calls).toEqual([])
    expect(asked).toEqual([])
  })
})
