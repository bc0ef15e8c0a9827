import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {CPU_DROPLET, MI300X_DROPLET, veldaYaml} from '../support/configs.js'
import {runInProcess} from '../support/in-process-cli.js'
import {type AdminSimulator, startAdminSimulator} from '../support/in-process-simulator.js'

// An MI300X is $1.99/h and an s-1vcpu-1gb $0.00893/h in the simulator's catalog, as on DigitalOcean.
const CONFIG = veldaYaml([
  {name: 'gpu', droplet: MI300X_DROPLET, scaler: {max_agents: 20}},
  {name: 'cpu', droplet: CPU_DROPLET},
])
const configFile = join(mkdtempSync(join(tmpdir(), 'velda-cost-')), 'velda.yaml')
writeFileSync(configFile, CONFIG)

let sim: AdminSimulator
beforeAll(async () => {
  sim = await startAdminSimulator()
})
afterAll(async () => {
  await sim.close()
})
beforeEach(async () => {
  await sim.admin('POST', 'reset')
})

const env = () => ({DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token})
const velda = (args: string[], extra: Record<string, string> = {}) => runInProcess([...args, '-c', configFile], {env: {...env(), ...extra}})
const creates = () => sim.requests().filter((r) => r.method === 'POST' && r.path === '/v2/droplets')
const priceless = (slug: string) => sim.addFault({method: 'GET', path: '/v2/sizes', count: 0, action: {type: 'patch-json', set: {[`sizes.${sizeIndex(slug)}.price_hourly`]: null}}})
const sizeIndex = (slug: string) => sim.core.catalog.sizes.findIndex((s) => s.slug === slug)

describe('what a pool costs', () => {
  it('pool up says the burn rate before creating, on stderr and as cost in --json', async () => {
    expect((await velda(['pool', 'up', 'gpu', '-n', '2'])).status).toBe(0)
    const result = await velda(['pool', 'up', 'gpu', '-n', '3', '--json'])
    expect(result.status, result.stderr).toBe(0)
    expect(result.stderr).toContain('≈ $5.97/h for 3 droplets (gpu-mi300x1-192gb-devcloud at $1.99/h); pool gpu: $3.98/h now, $9.95/h after\n')
    expect(JSON.parse(result.stdout).cost).toEqual({
      size: 'gpu-mi300x1-192gb-devcloud', price_hourly: 1.99, count: 3, adding_hourly: 5.97, pool_hourly_before: 3.98, pool_hourly_after: 9.95, unpriced: 0,
    })
    expect((await velda(['pool', 'up', 'gpu', '-n', '1', '--quiet', '--agent-version', 'v1.1.4'])).stderr).toBe('')
  })

  it('pool list shows each droplet\'s price and each pool\'s burn rate; --json carries price_hourly and hourly_cost', async () => {
    await velda(['pool', 'up', 'gpu', '-n', '2'])
    await velda(['pool', 'up', 'cpu', '-n', '3'])
    const table = await velda(['pool', 'list'])
    expect(table.stdout).toMatch(/^gpu: 2 droplets \(2 active\); min 0, max 20; \$3\.98\/h$/m)
    expect(table.stdout).toMatch(/^cpu: 3 droplets \(3 active\); min 0, max unlimited; \$0\.0268\/h$/m)
    expect(table.stdout).toMatch(/^gpu +velda-\S+ .* \$1\.99 +-$/m)
    const json = JSON.parse((await velda(['pool', 'list', '--json'])).stdout) as {droplets: {pool: string; price_hourly: number}[]; pools: {name: string; hourly_cost: number; unpriced: number}[]}
    expect(json.pools.map((p) => [p.name, p.hourly_cost, p.unpriced])).toEqual([['gpu', 3.98, 0], ['cpu', 0.0268, 0]])
    expect(new Set(json.droplets.map((d) => `${d.pool} ${d.price_hourly}`))).toEqual(new Set(['gpu 1.99', 'cpu 0.00893']))
  })

  it('--max-hourly-cost refuses (exit 2) what would take the pool past it, and sends no create', async () => {
    await velda(['pool', 'up', 'gpu', '-n', '3'])
    const refused = await velda(['pool', 'up', 'gpu', '-n', '5', '--max-hourly-cost', '15'])
    expect(refused.status).toBe(2)
    expect(refused.stderr).toContain('5 more droplets would take pool gpu to $15.92/h, over --max-hourly-cost $15.00/h (now $5.97/h); nothing was created')
    expect(refused.stderr).toContain('ask for at most 4 (gpu-mi300x1-192gb-devcloud is $1.99/h)')
    expect(creates()).toHaveLength(1)
    // Set once for a cron job or CI: the variable, with the flag's rules.
    expect((await velda(['pool', 'up', 'gpu', '-n', '5'], {VELDA_DO_MAX_HOURLY_COST: '$15'})).status).toBe(2)
    expect((await velda(['pool', 'up', 'gpu', '-n', '4'], {VELDA_DO_MAX_HOURLY_COST: '$15'})).status).toBe(0)
    expect(creates()).toHaveLength(2)
    const bad = await velda(['pool', 'up', 'gpu', '--max-hourly-cost', 'lots'])
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringContaining('--max-hourly-cost: "lots" is not an amount of dollars an hour')])
  })

  it('a size without a price is said to be of unknown cost, never $0, and the ceiling then refuses', async () => {
    priceless('gpu-mi300x1-192gb-devcloud')
    const result = await velda(['pool', 'up', 'gpu', '-n', '1', '--json'])
    expect(result.status, result.stderr).toBe(0)
    expect(result.stderr).toContain('cost unknown: DigitalOcean gives no price for gpu-mi300x1-192gb-devcloud')
    expect(JSON.parse(result.stdout).cost).toMatchObject({price_hourly: null, adding_hourly: null, pool_hourly_after: null})
    const guarded = await velda(['pool', 'up', 'gpu', '-n', '1', '--max-hourly-cost', '100'])
    expect(guarded.status).toBe(2)
    expect(guarded.stderr).toContain('--max-hourly-cost $100.00 cannot be checked: DigitalOcean gives no price for gpu-mi300x1-192gb-devcloud; nothing was created')
    expect(creates()).toHaveLength(1)
  })

  it('--dry-run with a token reads what the guards read and prices the plan against the pool; without one it says unknown', async () => {
    await velda(['pool', 'up', 'gpu', '-n', '2'])
    const seen = sim.requests().length
    const priced = await velda(['pool', 'up', 'gpu', '-n', '12', '--dry-run'])
    expect(priced.status, priced.stderr).toBe(0)
    expect(priced.stdout).toMatch(/^# would create 12 droplets in 2 requests \(nothing sent\)\n# ≈ \$23\.88\/h for 12 droplets \(gpu-mi300x1-192gb-devcloud at \$1\.99\/h\); pool gpu: \$3\.98\/h now, \$27\.86\/h after\n/)
    // The real run's reads (the pool, sizes, account and its counts), none of its writes.
    expect(new Set(sim.requests().slice(seen).map((r) => `${r.method} ${r.path}`))).toEqual(new Set(['GET /v2/droplets', 'GET /v2/sizes', 'GET /v2/account']))
    const over = await velda(['pool', 'up', 'gpu', '-n', '12', '--dry-run', '--max-hourly-cost', '20'])
    expect(over.status).toBe(2)
    expect(over.stderr).toContain('Error: 12 more droplets would take pool gpu to $27.86/h, over --max-hourly-cost $20.00/h (now $3.98/h); nothing was created\n')
    expect(creates()).toHaveLength(1)
    const offline = await runInProcess(['pool', 'up', 'gpu', '-n', '12', '--dry-run', '--json', '-c', configFile])
    expect(offline.status).toBe(0)
    expect(JSON.parse(offline.stdout).cost).toBeNull()
    expect(offline.stderr).toMatch(/^cost unknown: no DigitalOcean API token/m)
  })
})

describe('leases', () => {
  it('pool up --ttl tags each droplet with the end of its lease; pool list shows the time left', async () => {
    const before = Date.now()
    const result = await velda(['pool', 'up', 'cpu', '-n', '2', '--ttl', '4h', '--json'])
    expect(result.status, result.stderr).toBe(0)
    const created = JSON.parse(result.stdout).created as {tags: string[]; expires_at: string}[]
    for (const droplet of created) {
      const tag = droplet.tags.find((t) => t.startsWith('velda-expires:'))
      const seconds = Number(tag?.slice('velda-expires:'.length))
      expect(seconds * 1000).toBeGreaterThanOrEqual(before + 4 * 3_600_000)
      expect(seconds * 1000).toBeLessThanOrEqual(Date.now() + 4 * 3_600_000 + 1000)
      expect(droplet.expires_at).toBe(new Date(seconds * 1000).toISOString().replace('.000Z', 'Z'))
    }
    // The tag went to DigitalOcean with the create, after the pool's own.
    expect(JSON.parse(creates()[0]?.body ?? '{}').tags).toEqual(['velda', 'velda-pool:cpu', expect.stringMatching(/^velda-expires:\d+$/)])
    const table = await velda(['pool', 'list', 'cpu', '--format', 'name,expires'])
    expect(table.stdout.split('\n').slice(1).filter(Boolean)).toEqual([expect.stringMatching(/ in (4h|3h59m)$/), expect.stringMatching(/ in (4h|3h59m)$/)])
  })

  it.each([
    [['--ttl', '30s'], '--ttl 30s is shorter than 1m'],
    [['--ttl', '91d'], '--ttl 91d is longer than 90 days'],
    [['--ttl', '9999999999999d'], '--ttl 9999999999999d is longer than 90 days, the longest lease velda-do gives'],
    [['--ttl', 'forever'], '--ttl: "forever" is not a duration'],
  ])('pool up %j is refused (exit 2) before any request', async (flags, message) => {
    const result = await velda(['pool', 'up', 'cpu', ...flags])
    expect(result.status).toBe(2)
    expect(result.stderr).toContain(message)
    expect(sim.requests()).toEqual([])
  })
})
