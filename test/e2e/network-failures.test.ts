import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {createServer, type Server, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {runCli, runCliAsync} from '../support/cli.js'

/**
 * Network failures through the built CLI, with no traffic leaving 127.0.0.1: an unresolvable host (a preloaded
 * module answers every lookup but localhost's with ENOTFOUND, so no query reaches a real resolver) and a black hole
 * (a server on 127.0.0.1 that accepts connections and never answers).
 */

const TOKEN = 'dop_v1_FAKE_token_for_network_tests'
const OFFLINE_DNS = new URL('../fixtures/network/offline-dns.mjs', import.meta.url).href

function lookupLog(): string {
  const log = join(mkdtempSync(join(tmpdir(), 'velda-dns-')), 'lookups.txt')
  writeFileSync(log, '')
  return log
}

describe('an API host that does not resolve', () => {
  it('fails at once with exit 3, naming the host, with no retry', () => {
    const log = lookupLog()
    // The default endpoint: the message a user without network gets.
    const result = runCli(['sizes'], {env: {DIGITALOCEAN_API_TOKEN: TOKEN, NODE_OPTIONS: `--import ${OFFLINE_DNS}`, OFFLINE_DNS_LOG: log}})
    expect(result.status).toBe(3)
    expect(result.stderr).toContain('GET https://api-amd.digitalocean.com/v2/sizes?page=1&per_page=200: cannot reach api-amd.digitalocean.com: host not found (ENOTFOUND) (after 1 attempt)')
    expect(result.stderr).toMatch(/check the host name in --api-endpoint, DIGITALOCEAN_API_ENDPOINT or the pool's api_endpoint/)
    expect(result.stderr).not.toMatch(/waiting/)
    // One lookup: one attempt (and the proof that the stand-in resolver, not a real one, was asked).
    expect(readFileSync(log, 'utf8')).toBe('api-amd.digitalocean.com\n')
  })

  it('says the same in --json, with the error code, naming a port that is not the default', () => {
    const log = lookupLog()
    const result = runCli(['sizes', '--json'], {
      env: {DIGITALOCEAN_API_TOKEN: TOKEN, DIGITALOCEAN_API_ENDPOINT: 'https://api.example.invalid:8443', NODE_OPTIONS: `--import ${OFFLINE_DNS}`, OFFLINE_DNS_LOG: log},
    })
    expect(readFileSync(log, 'utf8')).toBe('api.example.invalid\n')
    expect(result.status).toBe(3)
    const {error} = JSON.parse(result.stdout) as {error: {code: string; message: string; suggestions: string[]}}
    expect(error).toMatchObject({code: 'network', host: 'api.example.invalid:8443', error_code: 'ENOTFOUND', attempts: 1})
    expect(error.message).toMatch(/^GET https:\/\/api\.example\.invalid:8443\/v2\/sizes\?.*: cannot reach api\.example\.invalid:8443: host not found \(ENOTFOUND\) \(after 1 attempt\)$/)
  })
})

describe('a machine without network', () => {
  it('fails at once with exit 3, saying so, instead of retrying a name server that cannot answer', () => {
    const log = lookupLog()
    const result = runCli(['sizes'], {
      env: {DIGITALOCEAN_API_TOKEN: TOKEN, NODE_OPTIONS: `--import ${OFFLINE_DNS}`, OFFLINE_DNS_LOG: log, OFFLINE_DNS_NO_NETWORK: '1'},
    })
    expect(result.status).toBe(3)
    expect(result.stderr).toContain('cannot reach api-amd.digitalocean.com: this machine has no network (no interface but loopback has an address) (EAI_AGAIN) (after 1 attempt)')
    expect(result.stderr).not.toMatch(/waiting/)
    expect(readFileSync(log, 'utf8')).toBe('api-amd.digitalocean.com\n')
  })
})

describe('an API endpoint that accepts connections and never answers', () => {
  let server: Server | undefined
  const sockets = new Set<Socket>()
  afterEach(async () => {
    for (const socket of sockets) socket.destroy()
    sockets.clear()
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
    server = undefined
  })

  async function blackHole(): Promise<{origin: string; connections: () => number}> {
    let connections = 0
    server = createServer((socket) => {
      connections++
      sockets.add(socket)
      socket.on('error', () => {})
    })
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
    const {port} = server.address() as {port: number}
    return {origin: `http://127.0.0.1:${port}`, connections: () => connections}
  }

  it('gives up at the overall deadline (VELDA_DO_DEADLINE), naming the host, after the attempts it allows', async () => {
    const {origin, connections} = await blackHole()
    const host = new URL(origin).host
    const started = Date.now()
    const result = await runCliAsync(['sizes'], {
      env: {DIGITALOCEAN_API_TOKEN: TOKEN, DIGITALOCEAN_API_ENDPOINT: origin, VELDA_DO_DEADLINE: '3s', VELDA_DO_REQUEST_TIMEOUT: '1s'},
    })
    expect(result.status).toBe(3)
    const message = new RegExp(`GET ${origin}/v2/sizes\\?\\S*: gave up, no usable answer within the 3s deadline \\((\\d) attempts; the last: no answer from ${host} within 1s\\)`)
    expect(result.stderr).toMatch(message)
    expect(result.stderr).toMatch(/export VELDA_DO_DEADLINE=6s/)
    const attempts = Number(message.exec(result.stderr)![1])
    // 1s attempts with waits between them: 3s has room for 2 (3 at most), never the 5 attempts of the retry policy.
    expect(connections()).toBe(attempts)
    expect(attempts).toBeGreaterThanOrEqual(2)
    expect(attempts).toBeLessThanOrEqual(3)
    expect(result.stderr.match(/^waiting: /gm)).toHaveLength(attempts - 1)
    expect(result.stderr).toContain(`no answer from ${host} within 1s; waiting`)
    // A sanity bound only (start-up included), far below 5 attempts of 1s plus their waits.
    expect(Date.now() - started).toBeLessThan(20_000)
  })
})
