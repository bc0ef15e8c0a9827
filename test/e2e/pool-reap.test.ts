import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {parseConfig} from '../../src/lib/config/parse.js'
import {startCli} from '../support/cli.js'
import {CPU_DROPLET, MI300X_DROPLET, veldaYaml} from '../support/configs.js'
import {runInProcess} from '../support/in-process-cli.js'
import {type AdminSimulator, startAdminSimulator} from '../support/in-process-simulator.js'
import {runOnPty} from '../support/pty.js'
import {haveTool} from '../support/tools.js'

const CONFIG = veldaYaml([
  {name: 'cpu', droplet: CPU_DROPLET, scaler: {min_agents: 2}},
  {name: 'other', droplet: {...CPU_DROPLET, size: 's-1vcpu-2gb'}},
])
const configFile = join(mkdtempSync(join(tmpdir(), 'velda-reap-')), 'velda.yaml')
writeFileSync(configFile, CONFIG)
const prefixOf = Object.fromEntries((parseConfig(CONFIG, {file: 'x', env: {}}).config?.pools ?? []).map((p) => [p.name, p.prefix]))
const PAST = `velda-expires:${Math.floor(Date.now() / 1000) - 600}`
const FUTURE = `velda-expires:${Math.floor(Date.now() / 1000) + 3600}`

let sim: AdminSimulator
beforeAll(async () => {
  sim = await startAdminSimulator({dropletLimit: 2000})
})
afterAll(async () => {
  await sim.close()
})
beforeEach(async () => {
  await sim.admin('POST', 'reset')
})

const env = () => ({DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token})
const velda = (args: string[]) => runInProcess([...args, '-c', configFile], {env: env()})
const seed = async (pool: string, count: number, fields: Record<string, unknown> = {}, extraTags: string[] = []) =>
  ((await sim.admin('POST', 'droplets', {count, namePrefix: `${prefixOf[pool]}-${Object.keys(fields).join('')}${extraTags.length}-`, tags: ['velda', `velda-pool:${pool}`, ...extraTags], ...fields})) as {droplets: {id: number; name: string}[]}).droplets
const ids = async () => ((await sim.admin('GET', 'state')).droplets as {id: number}[]).map((d) => d.id).sort()
const deletes = () => sim.requests().filter((r) => r.method === 'DELETE')

describe('velda-do pool reap', () => {
  it('nothing to do: exit 0, "nothing to reap", no delete; --json has empty lists', async () => {
    await seed('cpu', 3, {}, [FUTURE])
    const result = await velda(['pool', 'reap', 'cpu', '--yes'])
    expect([result.status, result.stderr]).toEqual([0, expect.stringContaining('nothing to reap')])
    expect(JSON.parse((await velda(['pool', 'reap', '--all', '--yes', '--json'])).stdout)).toEqual({reaped: [], failed: [], kept: []})
    expect(deletes()).toEqual([])
  })

  it('deletes expired, stuck and (with --off) powered-off members, saying why; never a foreign or another pool\'s droplet', async () => {
    const keep = await seed('cpu', 2, {}, [FUTURE])
    const expired = await seed('cpu', 2, {}, [PAST])
    const stuck = await seed('cpu', 1, {status: 'new', ageSeconds: 3600})
    const young = await seed('cpu', 1, {status: 'new', ageSeconds: 60})
    const off = await seed('cpu', 1, {status: 'off'})
    const otherPool = await seed('other', 2, {size: 's-1vcpu-2gb'}, [PAST])
    const foreign = ((await sim.admin('POST', 'droplets', {count: 2, namePrefix: 'velda-0badc0de-', tags: ['velda', PAST]})) as {droplets: {id: number}[]}).droplets
    const before = await ids()
    const result = await velda(['pool', 'reap', 'cpu', '--yes', '--off', '--json'])
    expect(result.status, result.stderr).toBe(0)
    const reaped = (JSON.parse(result.stdout) as {reaped: {id: number; pool: string; reason: string; detail: string}[]}).reaped
    expect(reaped.map((d) => [d.id, d.reason])).toEqual([...expired.map((d) => [d.id, 'expired']), [stuck[0]!.id, 'stuck'], [off[0]!.id, 'off']])
    // PAST is ten minutes before this file began: a minute more if it ran long.
    expect(reaped.map((d) => d.detail)).toEqual([expect.stringMatching(/^lease ended 1[01]m ago$/), expect.stringMatching(/^lease ended 1[01]m ago$/), 'new for 1h', 'powered off'])
    expect(await ids()).toEqual(before.filter((id) => !reaped.some((d) => d.id === id)))
    for (const survivor of [...keep, ...young, ...otherPool, ...foreign]) expect(await ids()).toContain(survivor.id)
    // --all reaps the other pool's expired members too, still not the foreign ones.
    const all = JSON.parse((await velda(['pool', 'reap', '--all', '--yes', '--json'])).stdout) as {reaped: {id: number; pool: string}[]}
    expect(all.reaped.map((d) => [d.id, d.pool])).toEqual(otherPool.map((d) => [d.id, 'other']))
    for (const survivor of foreign) expect(await ids()).toContain(survivor.id)
  })

  it('keeps min_agents for stuck and off members, not for expired ones; --ignore-limits goes below', async () => {
    await seed('cpu', 2, {}, [PAST])
    const stuck = await seed('cpu', 2, {status: 'new', ageSeconds: 3600})
    const result = await velda(['pool', 'reap', 'cpu', '--yes', '--json'])
    const json = JSON.parse(result.stdout) as {reaped: {reason: string}[]; kept: {id: number; why: string}[]}
    expect(json.reaped.map((d) => d.reason)).toEqual(['expired', 'expired'])
    expect(json.kept.map((k) => [k.id, k.why])).toEqual(stuck.map((d) => [d.id, 'pool cpu would go below its min_agents of 2']))
    expect((await velda(['pool', 'reap', 'cpu', '--yes'])).stdout).toContain(`kept ${stuck[0]!.name} (${stuck[0]!.id}), stuck: pool cpu would go below its min_agents of 2`)
    expect(JSON.parse((await velda(['pool', 'reap', 'cpu', '--yes', '--ignore-limits', '--json'])).stdout).reaped).toHaveLength(2)
  })

  it('is safe from cron: --yes required without a terminal when there is something to reap (exit 2, nothing deleted); --dry-run deletes nothing', async () => {
    const quiet = await velda(['pool', 'reap', 'cpu'])
    expect([quiet.status, quiet.stderr]).toEqual([0, expect.stringContaining('nothing to reap')])
    await seed('cpu', 3, {}, [PAST])
    const refused = await velda(['pool', 'reap', 'cpu'])
    expect([refused.status, refused.stderr]).toEqual([2, expect.stringContaining('without a terminal to confirm on, pass --yes (it would delete 3 droplets; nothing was deleted)')])
    const dry = await velda(['pool', 'reap', 'cpu', '--dry-run'])
    expect(dry.stdout).toMatch(/^would reap 3 droplets \(nothing deleted\):\nPOOL +NAME +ID +STATUS +AGE +EXPIRES +REASON\n/)
    expect(dry.stdout).toMatch(/expired: lease ended 10m ago$/m)
    expect(JSON.parse((await velda(['pool', 'reap', 'cpu', '--dry-run', '--json'])).stdout).would_reap).toHaveLength(3)
    expect(deletes()).toEqual([])
    const neither = await velda(['pool', 'reap'])
    expect([neither.status, neither.stderr]).toEqual([2, expect.stringContaining('say which pools: a POOL, or --all')])
  })

  it('a delete that fails: exit 4, what was reaped and what was not; the next run picks up the rest', async () => {
    await seed('cpu', 4, {}, [PAST])
    sim.addFault({method: 'DELETE', path: '/v2/droplets/*', nth: 2, count: 1, action: {type: 'status', status: 422, body: {id: 'unprocessable_entity', message: 'Droplet is locked.'}}})
    const result = await velda(['pool', 'reap', 'cpu', '--yes', '--json'])
    expect(result.status).toBe(4)
    const json = JSON.parse(result.stdout) as {reaped: unknown[]; failed: {error: string}[]}
    expect([json.reaped.length, json.failed.length]).toEqual([3, 1])
    expect(json.failed[0]?.error).toMatch(/Droplet is locked/)
    expect(JSON.parse((await velda(['pool', 'reap', 'cpu', '--yes', '--json'])).stdout).reaped).toHaveLength(1)
    expect(await ids()).toEqual([])
  })

  it.runIf(haveTool('script', 'bsdutils', 'pool reap at its prompt on a terminal'))('on a terminal: shows what would go and why, asks, and deletes on a yes', async () => {
    await seed('cpu', 2, {}, [FUTURE])
    const expired = await seed('cpu', 1, {}, [PAST])
    const stuck = await seed('cpu', 1, {status: 'new', ageSeconds: 3600})
    const session = runOnPty(['pool', 'reap', 'cpu', '-c', configFile], env())
    await session.waitFor(/Delete these 2 droplets\? \[y\/N\]/)
    expect(session.screen()).toMatch(/NAME[\s\S]*REASON/)
    expect(session.screen()).toMatch(new RegExp(`${expired[0]!.name}.*expired: lease ended 1[01]m ago`))
    expect(session.screen()).toMatch(new RegExp(`${stuck[0]!.name}.*stuck: new for 1h`))
    expect(deletes()).toEqual([])
    session.type('y\r')
    const {status, stdout} = await session.exited
    expect(status).toBe(0)
    expect(stdout).toContain(`reaped ${stuck[0]!.name} (${stuck[0]!.id}) of pool cpu: stuck: new for 1h\n`)
    expect(stdout).toMatch(new RegExp(`reaped ${expired[0]!.name} \\(${expired[0]!.id}\\) of pool cpu: expired: lease ended 1[01]m ago\n`))
    expect(await ids()).not.toContain(expired[0]!.id)
    expect(await ids()).toHaveLength(2)
  })

  it.runIf(haveTool('script', 'bsdutils', 'a velda-do holding a pool at its prompt on a terminal'))('waits for the pool\'s lock: a pool down at its prompt holds the pool, pool reap waits, saying so, then reaps', async () => {
    const expired = await seed('cpu', 3, {}, [PAST])
    const holder = runOnPty(['pool', 'down', 'cpu', '--count', '1', '-c', configFile], env())
    await holder.waitFor(/Delete this droplet of pool cpu\? \[y\/N\]/)
    const waiter = startCli(['pool', 'reap', 'cpu', '--yes', '--json', '-c', configFile], env())
    await waiter.stderrShows(/waiting for another velda-do \(pid \d+, "velda-do pool down cpu"/)
    expect(deletes()).toEqual([])
    holder.type('n\r')
    expect((await holder.exited).status).toBe(130)
    const {status, stdout, stderr} = await waiter.exited
    expect(status, stderr).toBe(0)
    expect((JSON.parse(stdout) as {reaped: {id: number}[]}).reaped.map((d) => d.id)).toEqual(expired.map((d) => d.id))
  })

  it('stops on SIGINT part-way: exit 130, what was reaped and what was not sent, nothing more deleted', async () => {
    let firstDeleteAnswered: () => void = () => undefined
    const deleting = new Promise<void>((resolve) => (firstDeleteAnswered = resolve))
    const slow = await startAdminSimulator({latencyMs: 300, onRequest: (entry) => entry.method === 'DELETE' && /^\/v2\/droplets\/\d+$/.test(entry.path) && firstDeleteAnswered()})
    try {
      await slow.admin('POST', 'droplets', {count: 45, namePrefix: `${prefixOf.cpu}-x`, tags: ['velda', 'velda-pool:cpu', PAST]})
      // More than 20 go by a tag of the run's own, in one request: a token that may not make tags (403) has them
      // deleted one by one, which is what a stop part-way is about (a stop between tagging and deleting is
      // test/e2e/bulk-delete.test.ts's).
      await slow.admin('POST', 'faults', {method: 'POST', path: '/v2/tags', count: 0, action: {type: 'status', status: 403}})
      const child = startCli(['pool', 'reap', 'cpu', '--yes', '--json', '-c', configFile], {DIGITALOCEAN_API_ENDPOINT: slow.url, DIGITALOCEAN_API_TOKEN: slow.token})
      // Interrupt once the first delete has been answered: an event, not a guess at timing.
      await deleting
      child.kill('SIGINT')
      const {status, stdout} = await child.exited
      expect(status).toBe(130)
      const output = JSON.parse(stdout) as {reaped: {id: number}[]; failed: {id: number; error: string}[]; error: {code: string}}
      expect(output.error.code).toBe('interrupted')
      const left = ((await slow.admin('GET', 'state')).droplets as {id: number}[]).map((d) => d.id)
      expect(output.reaped.length).toBeGreaterThan(0)
      expect(output.reaped.length + output.failed.length).toBe(45)
      expect(left.sort()).toEqual(output.failed.map((d) => d.id).sort())
      expect(output.failed.every((f) => f.error === 'not attempted: interrupted')).toBe(true)
    } finally {
      await slow.close()
    }
  })
})

// Pools a and b have the same droplet settings, hence one prefix: a droplet the broker made with it (no pool tag)
// may be either's. gpu is listed apart (DigitalOcean hides GPU droplets from tag listings).
const SHARED_CONFIG = veldaYaml([{name: 'a', droplet: CPU_DROPLET}, {name: 'b', droplet: CPU_DROPLET}, {name: 'gpu', droplet: MI300X_DROPLET}])
const sharedConfigFile = join(mkdtempSync(join(tmpdir(), 'velda-reap-shared-')), 'velda.yaml')
writeFileSync(sharedConfigFile, SHARED_CONFIG)
const sharedPrefix = Object.fromEntries((parseConfig(SHARED_CONFIG, {file: 'x', env: {}}).config?.pools ?? []).map((p) => [p.name, p.prefix]))

describe('velda-do pool reap --all, with pools sharing a prefix and a GPU pool', () => {
  it('reaps every pool\'s own expired members from one listing of each kind, and leaves the shared ones alone, saying so', async () => {
    expect(sharedPrefix.a).toBe(sharedPrefix.b)
    const made = async (body: Record<string, unknown>) => ((await sim.admin('POST', 'droplets', body)) as {droplets: {id: number; name: string}[]}).droplets
    const ownA = await made({count: 2, namePrefix: `${sharedPrefix.a}-a`, tags: ['velda', 'velda-pool:a', PAST]})
    const brokerMade = await made({count: 2, namePrefix: `${sharedPrefix.a}-k`, tags: ['velda', PAST]})
    const gpu = await made({count: 1, namePrefix: `${sharedPrefix.gpu}-g`, tags: ['velda', 'velda-pool:gpu', PAST], size: 'gpu-mi300x1-192gb-devcloud', region: 'atl1', image: 'amd-rocm71software'})
    const result = await runInProcess(['pool', 'reap', '--all', '--yes', '--json', '-c', sharedConfigFile], {env: env()})
    expect(result.status, result.stderr).toBe(0)
    const reaped = (JSON.parse(result.stdout) as {reaped: {id: number; pool: string}[]}).reaped
    expect(reaped.map((d) => [d.id, d.pool]).sort()).toEqual([...ownA.map((d) => [d.id, 'a']), [gpu[0]!.id, 'gpu']].sort())
    expect(result.stderr).toContain(`left alone: 2 droplets that another configured pool may own too (${brokerMade.map((d) => d.name).join(', ')})`)
    for (const d of brokerMade) expect(await ids()).toContain(d.id)
    const listings = sim.requests().filter((r) => r.method === 'GET' && r.path === '/v2/droplets').map((r) => new URLSearchParams(r.query))
    expect(listings.map((q) => q.get('tag_name') ?? q.get('type')).sort()).toEqual(['gpus', 'velda'])
    expect(deletes()).toHaveLength(3)
  })
})
