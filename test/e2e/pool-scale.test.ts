import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {parseConfig} from '../../src/lib/config/parse.js'
import {CPU_DROPLET, veldaYaml} from '../support/configs.js'
import {runInProcess} from '../support/in-process-cli.js'
import {runOnPty} from '../support/pty.js'
import {haveTool} from '../support/tools.js'
import {type AdminSimulator, startAdminSimulator} from '../support/in-process-simulator.js'

const CONFIG = veldaYaml([
  {name: 'cpu', droplet: CPU_DROPLET, scaler: {max_agents: 200, min_agents: 1}},
  {name: 'other', droplet: {...CPU_DROPLET, size: 's-1vcpu-2gb'}},
])
const configFile = join(mkdtempSync(join(tmpdir(), 'velda-scale-')), 'velda.yaml')
writeFileSync(configFile, CONFIG)
const prefixOf = Object.fromEntries((parseConfig(CONFIG, {file: 'x', env: {}}).config?.pools ?? []).map((p) => [p.name, p.prefix]))

let sim: AdminSimulator
beforeAll(async () => {
  // Droplets stay `new` until activated: seeded ones are `new` or `active` as asked, created ones `new`.
  sim = await startAdminSimulator({dropletLimit: 1000, activeAfterMs: null})
})
afterAll(async () => {
  await sim.close()
})
beforeEach(async () => {
  await sim.admin('POST', 'reset')
})

const env = () => ({DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token})
const velda = (args: string[]) => runInProcess([...args, '-c', configFile], {env: env()})
type Listed = {id: number; name: string; status: string; tags: string[]}
const droplets = async () => (await sim.admin('GET', 'state')).droplets as Listed[]
const poolDroplets = async (pool: string) => (await droplets()).filter((d) => d.name.startsWith(`${prefixOf[pool]}-`))
const sent = (method: string) => sim.requests().filter((r) => r.method === method && r.path.startsWith('/v2/droplets'))
const seed = (pool: string, count: number, extra: Record<string, unknown> = {}) =>
  sim.admin('POST', 'droplets', {count, namePrefix: `${prefixOf[pool]}-`, tags: ['velda', `velda-pool:${pool}`], size: 's-1vcpu-1gb', region: 'nyc3', ...extra})

describe('velda-do pool scale --to N', () => {
  it('from 0 to 25: creates 25 in 3 POSTs; again: a no-op with exit 0, the account and one listing, nothing else', async () => {
    const up = await velda(['pool', 'scale', 'cpu', '--to', '25', '--json'])
    expect(up.status, up.stderr).toBe(0)
    const json = JSON.parse(up.stdout)
    expect(json).toMatchObject({pool: 'cpu', before: {total: 0, new: 0, active: 0, off: 0}, target: 25, deleted: [], failed: []})
    expect(json.created).toHaveLength(25)
    expect(await poolDroplets('cpu')).toHaveLength(25)
    expect(sent('POST')).toHaveLength(3)
    await sim.admin('DELETE', 'requests')
    const again = await velda(['pool', 'scale', 'cpu', '--to', '25', '--json'])
    expect(again.status).toBe(0)
    expect(JSON.parse(again.stdout)).toEqual({pool: 'cpu', before: {total: 25, new: 25, active: 0, off: 0}, target: 25, created: [], deleted: [], failed: []})
    // The account names the pool's lock (its uuid), then one listing.
    expect(sim.requests().map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v2/account', 'GET /v2/droplets'])
    expect((await velda(['pool', 'scale', 'cpu', '--to', '25'])).stderr).toMatch(/already at 25: nothing to do/)
  })

  it('down: deletes the surplus in pool down\'s order (not yet active first, then the newest), never another pool\'s', async () => {
    await seed('cpu', 4, {status: 'active'})
    await seed('cpu', 2, {status: 'new'})
    await seed('other', 3, {size: 's-1vcpu-2gb'})
    const result = await velda(['pool', 'scale', 'cpu', '--to', '3', '--yes', '--json'])
    expect(result.status, result.stderr).toBe(0)
    const json = JSON.parse(result.stdout)
    expect(json.before).toEqual({total: 6, new: 2, active: 4, off: 0})
    expect(json.deleted).toHaveLength(3)
    const left = await poolDroplets('cpu')
    expect(left.map((d) => d.status)).toEqual(['active', 'active', 'active'])
    expect(await poolDroplets('other')).toHaveLength(3)
  })

  it('counts powered-off members: they are the pool\'s and they bill', async () => {
    await seed('cpu', 2, {status: 'off'})
    await seed('cpu', 1)
    const result = await velda(['pool', 'scale', 'cpu', '--to', '3', '--json'])
    expect(JSON.parse(result.stdout).before).toEqual({total: 3, new: 0, active: 1, off: 2})
    expect(sent('POST')).toEqual([])
  })

  it('--dry-run says "would create", "would delete" (listing them) or "already at", and changes nothing', async () => {
    await seed('cpu', 5)
    expect((await velda(['pool', 'scale', 'cpu', '--to', '8', '--dry-run'])).stdout).toBe('would create 3 droplets: pool cpu has 5, target 8 (nothing sent)\n')
    const down = await velda(['pool', 'scale', 'cpu', '--to', '3', '--dry-run'])
    expect(down.stdout).toMatch(/^would delete 2 droplets: pool cpu has 5, target 3 \(nothing deleted\):\nPOOL +NAME/)
    expect(down.stdout.trim().split('\n')).toHaveLength(4)
    expect((await velda(['pool', 'scale', 'cpu', '--to', '5', '--dry-run'])).stdout).toBe('already at 5: pool cpu has 5\n')
    const json = JSON.parse((await velda(['pool', 'scale', 'cpu', '--to', '3', '--dry-run', '--json'])).stdout)
    expect(json).toMatchObject({pool: 'cpu', before: {total: 5}, target: 3, dry_run: true, would_create: 0})
    expect(json.would_delete).toHaveLength(2)
    expect(sent('POST')).toEqual([])
    expect(sent('DELETE')).toEqual([])
  })

  it('exactly N at the end when creates lose their answers or meet 429s: none duplicated', async () => {
    await seed('cpu', 2)
    sim.addFault({method: 'POST', path: '/v2/droplets', nth: 1, count: 2, action: {type: 'ambiguous', then: 'drop'}})
    sim.addFault({method: 'POST', path: '/v2/droplets', nth: 3, count: 1, action: {type: 'rate-limit', retryAfterSeconds: 1}})
    const result = await velda(['pool', 'scale', 'cpu', '--to', '30', '--json'])
    expect(result.status, result.stderr).toBe(0)
    const names = (await poolDroplets('cpu')).map((d) => d.name)
    expect(names).toHaveLength(30)
    expect(new Set(names).size).toBe(30)
    expect(JSON.parse(result.stdout).created).toHaveLength(28)
  })

  it('keeps the guards: min_agents (exit 2, nothing deleted) and max_agents (exit 2, nothing created) unless --ignore-limits', async () => {
    await seed('cpu', 2)
    const below = await velda(['pool', 'scale', 'cpu', '--to', '0', '--yes'])
    expect(below.status).toBe(2)
    expect(below.stderr).toMatch(/below its min_agents of 1/)
    const over = await velda(['pool', 'scale', 'cpu', '--to', '201'])
    expect(over.status).toBe(2)
    expect(over.stderr).toMatch(/exceed its max_agents of 200/)
    expect([sent('POST'), sent('DELETE')]).toEqual([[], []])
    expect((await velda(['pool', 'scale', 'cpu', '--to', '0', '--yes', '--ignore-limits'])).status).toBe(0)
    expect(await poolDroplets('cpu')).toEqual([])
  })

  it('caps what one run creates or deletes at 1,000, as pool up does, with its message: --to 1500 on a pool without max_agents is exit 2, nothing sent', async () => {
    const cap = /is more than velda-do creates in one run \(1000\): every name, request and report is planned in memory first/
    const up = await velda(['pool', 'up', 'other', '-n', '1500'])
    expect(up.stderr).toMatch(cap)
    for (const dryRun of [[], ['--dry-run']]) {
      const result = await velda(['pool', 'scale', 'other', '--to', '1500', ...dryRun])
      expect(result.status).toBe(2)
      expect(result.stderr).toMatch(/--to 1500 creates 1500 droplets: that is more than velda-do creates in one run \(1000\)/)
      expect(result.stderr).toMatch(cap)
      expect(result.stderr).toMatch(/scale in steps: --to 1000 first, then --to 1500/)
    }
    expect(sent('POST')).toEqual([])
    expect(JSON.parse((await velda(['pool', 'scale', 'other', '--to', '1000', '--dry-run', '--json'])).stdout).would_create).toBe(1000)
    await seed('other', 1500, {size: 's-1vcpu-2gb'})
    const down = await velda(['pool', 'scale', 'other', '--to', '0', '--yes'])
    expect(down.status).toBe(2)
    expect(down.stderr).toMatch(/--to 0 deletes 1500 droplets: that is more than velda-do deletes in one run \(1000\)/)
    expect(down.stderr).toMatch(/scale in steps: --to 500 first, then --to 0/)
    expect(sent('DELETE')).toEqual([])
    expect(JSON.parse((await velda(['pool', 'scale', 'other', '--to', '500', '--dry-run', '--json'])).stdout).would_delete).toHaveLength(1000)
    expect(await poolDroplets('other')).toHaveLength(1500)
  })

  it('shrinking without a terminal needs --yes: exit 2 and nothing deleted', async () => {
    await seed('cpu', 4)
    const result = await velda(['pool', 'scale', 'cpu', '--to', '2'])
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('scaling pool cpu from 4 to 2 deletes 2 droplets: without a terminal to confirm on, pass --yes')
    expect(sent('DELETE')).toEqual([])
  })

  it('--max-hourly-cost and --ttl apply to what it creates', async () => {
    await seed('cpu', 1)
    const refused = await velda(['pool', 'scale', 'cpu', '--to', '200', '--max-hourly-cost', '1'])
    expect(refused.status).toBe(2)
    expect(refused.stderr).toMatch(/over --max-hourly-cost \$1\.00\/h/)
    const leased = JSON.parse((await velda(['pool', 'scale', 'cpu', '--to', '3', '--ttl', '2h', '--json'])).stdout)
    expect(leased.created.map((d: {expires_at: string | null}) => d.expires_at)).toEqual([expect.any(String), expect.any(String)])
    expect(leased.cost).toMatchObject({count: 2, price_hourly: 0.00893})
  })

  it('a delete that fails part-way: exit 4, what was deleted and what was not', async () => {
    await seed('cpu', 5)
    sim.addFault({method: 'DELETE', path: '/v2/droplets/*', nth: 2, count: 1, action: {type: 'status', status: 422, body: {id: 'unprocessable_entity', message: 'Droplet is locked.'}}})
    const result = await velda(['pool', 'scale', 'cpu', '--to', '2', '--yes', '--json'])
    expect(result.status).toBe(4)
    const json = JSON.parse(result.stdout)
    expect(json.deleted).toHaveLength(2)
    expect(json.failed).toEqual([expect.objectContaining({error: expect.stringMatching(/Droplet is locked/)})])
    expect(await poolDroplets('cpu')).toHaveLength(3)
  })
})

describe.runIf(haveTool('script', 'bsdutils', 'the prompt on a real terminal'))('velda-do pool scale at a terminal', () => {
  it('shows the surplus and asks: "n" deletes nothing (exit 130), "y" deletes exactly the surplus', async () => {
    await seed('cpu', 4, {status: 'active'})
    const no = runOnPty(['pool', 'scale', 'cpu', '--to', '1', '-c', configFile], env())
    await no.waitFor(/Delete these 3 droplets of pool cpu\? \[y\/N\]/)
    no.type('n\r')
    expect((await no.exited).status).toBe(130)
    expect(no.screen()).toMatch(/cancelled: nothing was deleted/)
    expect(sent('DELETE')).toEqual([])
    const yes = runOnPty(['pool', 'scale', 'cpu', '--to', '1', '-c', configFile], env())
    await yes.waitFor(/Delete these 3 droplets of pool cpu\? \[y\/N\]/)
    yes.type('y\r')
    expect((await yes.exited).status).toBe(0)
    expect(await poolDroplets('cpu')).toHaveLength(1)
  })
})
