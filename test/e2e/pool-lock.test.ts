import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readdirSync} from 'node:fs'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {accountLockKey} from '../../src/lib/do/account.js'
import {type Simulator, startSimulator} from '../../src/lib/simulator/server.js'
import {type CliChild, startCli} from '../support/cli.js'
import {sshWorkspace} from '../support/hosts.js'
import {runInProcess} from '../support/in-process-cli.js'
import {otherLocalUser} from '../support/other-user.js'
import {runOnPty} from '../support/pty.js'
import {haveTool} from '../support/tools.js'

const POOL_TAGS = ['velda', 'velda-pool:gpu']
const PREFIX = 'velda-b2f06752-'

/**
 * A second token of the simulator's one account: a proxy in front of it that takes either token and passes the
 * simulator's own on, as DigitalOcean takes every token of an account.
 */
async function secondToken(sim: Simulator, token: string): Promise<{url: string; close(): Promise<void>}> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      void (async () => {
        if (req.headers.authorization !== `Bearer ${token}` && req.headers.authorization !== `Bearer ${sim.token}`) {
          res.writeHead(401, {'content-type': 'application/json'}).end(JSON.stringify({id: 'unauthorized', message: 'Unable to authenticate you'}))
          return
        }
        const headers = {'content-type': req.headers['content-type'] ?? 'application/json', accept: req.headers.accept ?? '*/*', 'user-agent': req.headers['user-agent'] ?? '', authorization: `Bearer ${sim.token}`}
        const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined
        const answer = await fetch(`${sim.url}${req.url}`, {method: req.method, headers, body})
        const text = Buffer.from(await answer.arrayBuffer())
        res.writeHead(answer.status, {'content-type': answer.headers.get('content-type') ?? 'application/json'}).end(text)
      })()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve()))}
}

/** Fails at once (instead of at the test's timeout) when the run ends without having waited. */
async function waits(child: CliChild): Promise<void> {
  await Promise.race([
    child.stderrShows(/waiting for another velda-do \(pid \d+, "velda-do pool down gpu"/),
    child.exited.then((run) => {
      throw new Error(`it did not wait for the pool's lock: exit ${run.status}\n${run.stderr}`)
    }),
  ])
}

describe('the pool lock, through the binary', () => {
  const {configFile} = sshWorkspace('velda-lock-')
  let sim: Simulator
  let proxy: {url: string; close(): Promise<void>}
  const otherToken = `dop_v1_${'7'.repeat(64)}`

  beforeAll(async () => {
    sim = await startSimulator({seed: 1, activeAfterMs: 0})
    proxy = await secondToken(sim, otherToken)
  })
  afterAll(async () => {
    await proxy?.close()
    await sim?.close()
  })
  beforeEach(() => {
    sim.core.reset()
  })

  const lockEnv = () => ({XDG_RUNTIME_DIR: mkdtempSync(join(tmpdir(), 'velda-runtime-'))})

  it.runIf(haveTool('script', 'bsdutils', 'a velda-do holding a pool at its prompt on a terminal'))('is one lock per account and API: another token of the account, or the endpoint written HTTP://...:P/, waits for it', async () => {
    sim.seedDroplets({count: 2, namePrefix: PREFIX, tags: POOL_TAGS, size: 'gpu-mi300x1-192gb-devcloud'})
    const runtime = lockEnv()
    const port = new URL(proxy.url).port
    const holder = runOnPty(['pool', 'down', 'gpu', '--count', '1', '-c', configFile], {...runtime, DIGITALOCEAN_API_ENDPOINT: proxy.url, DIGITALOCEAN_API_TOKEN: sim.token})
    await holder.waitFor(/Delete this droplet of pool gpu\? \[y\/N\]/)

    const up = ['pool', 'up', 'gpu', '-n', '1', '--json', '-c', configFile]
    const byOtherToken = startCli(up, {...runtime, DIGITALOCEAN_API_ENDPOINT: proxy.url, DIGITALOCEAN_API_TOKEN: otherToken})
    const byOtherSpelling = startCli(up, {...runtime, DIGITALOCEAN_API_ENDPOINT: `HTTP://127.0.0.1:${port}/`, DIGITALOCEAN_API_TOKEN: sim.token})
    await Promise.all([waits(byOtherToken), waits(byOtherSpelling)])

    for (const waiter of [byOtherToken, byOtherSpelling]) waiter.kill('SIGINT')
    for (const waiter of [byOtherToken, byOtherSpelling]) expect((await waiter.exited).status).toBe(130)
    holder.type('n\r')
    await holder.exited
    expect(sim.counts()['POST /v2/droplets']).toBeUndefined()
  })

  it('refuses a lock folder another local user made first in the temp folder: exit 2, naming it, its owner and the fix; nothing created', async () => {
    const other = otherLocalUser('a lock folder made first by another local user')
    if (!other) return
    const shared = other.sharedDir()
    const dir = join(shared, `velda-do-${process.getuid?.()}`)
    expect(other.run(['mkdir', '-m', '777', `velda-do-${process.getuid?.()}`], shared).status).toBe(0)
    // No XDG_RUNTIME_DIR (su, cron, CI): the locks go to the temp folder, the attacker's shared one here.
    const result = await runInProcess(['pool', 'up', 'gpu', '-n', '1', '-c', configFile], {env: {XDG_RUNTIME_DIR: '', TMPDIR: shared, DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token}})
    expect(result.status).toBe(2)
    expect(result.stderr).toContain(`the lock folder ${dir} is owned by uid ${other.uid} (velda-do-test-other)`)
    expect(result.stderr).toContain(`rm -r ${dir}`)
    expect(readdirSync(dir)).toEqual([])
    expect(sim.counts()['POST /v2/droplets']).toBeUndefined()
  })

  it('passes over an XDG_RUNTIME_DIR of another local user (su without -, sudo -E): the lock goes to the temp folder, nothing is written in theirs', async () => {
    const other = otherLocalUser('an XDG_RUNTIME_DIR inherited from another local user')
    if (!other) return
    const shared = other.sharedDir()
    expect(other.run(['mkdir', '-m', '700', 'runtime'], shared).status).toBe(0)
    const theirs = join(shared, 'runtime')
    const tmp = mkdtempSync(join(tmpdir(), 'velda-tmp-'))
    const result = await runInProcess(['pool', 'up', 'gpu', '-n', '1', '--json', '-c', configFile], {env: {XDG_RUNTIME_DIR: theirs, TMPDIR: tmp, DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token}})
    expect(result.status, result.stderr).toBe(0)
    expect(readdirSync(theirs)).toEqual([])
    expect(readdirSync(tmp)).toContain(`velda-do-${process.getuid?.()}`)
  })

  it.each([
    [['pool', 'up', 'gpu', '-n', '1']],
    [['pool', 'down', 'gpu', '--count', '1', '--yes']],
    [['pool', 'scale', 'gpu', '--to', '3', '--yes']],
    [['pool', 'reap', 'gpu', '--yes']],
  ])('%j with a token refused GET /v2/account (403, no account:read scope): exit 3, saying the token lacks account:read, needed for the pool lock; nothing changed', async (args) => {
    sim.seedDroplets({count: 2, namePrefix: PREFIX, tags: POOL_TAGS, size: 'gpu-mi300x1-192gb-devcloud'})
    sim.addFault({method: 'GET', path: '/v2/account', count: 0, action: {type: 'status', status: 403, body: {id: 'Forbidden', message: 'You are not authorized to perform this operation'}}})
    const result = await runInProcess([...args, '--json', '-c', configFile], {env: {...lockEnv(), DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token}})
    expect(result.status, result.stderr).toBe(3)
    const {error} = JSON.parse(result.stdout) as {error: {code: string; message: string; suggestions: string[]; status: number}}
    expect(error).toMatchObject({code: 'api_error', status: 403})
    expect(error.message).toMatch(/^DigitalOcean answered 403 Forbidden to GET \/v2\/account: You are not authorized to perform this operation \(after 1 attempt[^)]*\): the token lacks the account:read scope, which velda-do needs to key the pool lock /)
    expect(error.suggestions[0]).toMatch(/account:read/)
    const counts = sim.counts()
    expect([counts['POST /v2/droplets'], Object.keys(counts).filter((request) => request.startsWith('DELETE'))]).toEqual([undefined, []])
  })

  it('pool up reads the account once, for its lock and its droplet-limit guard alike', async () => {
    const result = await runInProcess(['pool', 'up', 'gpu', '-n', '1', '--json', '-c', configFile], {env: {...lockEnv(), DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token}})
    expect(result.status, result.stderr).toBe(0)
    expect(sim.counts()['GET /v2/account']).toBe(1)
  })

  it('does not block on a FIFO named like the pool\'s lock file: it is moved aside and the run goes on', async () => {
    const runtime = lockEnv()
    const dir = join(runtime.XDG_RUNTIME_DIR, 'velda-do')
    mkdirSync(dir, {mode: 0o700})
    // The simulator's account is in a team: the team's uuid names it.
    const {account} = (await (await fetch(`${sim.url}/v2/account`, {headers: {authorization: `Bearer ${sim.token}`}})).json()) as {account: {team: {uuid: string}}}
    expect(spawnSync('mkfifo', [join(dir, `${accountLockKey(sim.url, account.team.uuid)}-gpu.lock`)]).status).toBe(0)
    // A run that blocked reading the FIFO would ignore SIGINT and SIGTERM (a synchronous read): only SIGKILL ends it.
    const run = startCli(['pool', 'up', 'gpu', '-n', '1', '--json', '-c', configFile], {...runtime, DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token})
    const killer = setTimeout(() => run.kill('SIGKILL'), 20_000)
    const {status, stderr} = await run.exited
    clearTimeout(killer)
    expect(status, stderr).toBe(0)
    expect(sim.counts()['POST /v2/droplets']).toBe(1)
    expect(readdirSync(dir)).toEqual([])
  })
})
