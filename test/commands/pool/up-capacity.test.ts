import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import PoolUp from '../../../src/commands/pool/up.js'
import PoolScale from '../../../src/commands/pool/scale.js'
import type {DropletCreateRequest} from '../../../src/lib/do/types.js'
import {fakeFactory, runCommand} from '../../support/command.js'
import {CPU_DROPLET, veldaYaml} from '../../support/configs.js'
import {FakeApi, unprocessable} from '../../support/fake-api.js'

// pool up and pool scale with --retry-until-up and --fallback, as the command: flags, what is printed, --json.

/** Two CPU pools: `cpu` (s-1vcpu-1gb) and `big` (s-2vcpu-4gb), and a GPU one, `amd`. */
function config(purpose: string): string {
  const file = join(mkdtempSync(join(tmpdir(), `velda-${purpose}-`)), 'velda.yaml')
  writeFileSync(file, veldaYaml([
    {name: 'cpu', droplet: CPU_DROPLET},
    {name: 'big', droplet: {...CPU_DROPLET, size: 's-2vcpu-4gb'}},
    {name: 'amd', droplet: {...CPU_DROPLET, size: 'gpu-mi300x1-192gb-devcloud', region: 'atl1', image: 'amd-rocm71software'}},
  ]))
  return file
}

/** A command's fakes with a clock that each wait moves on, as real waits do. */
function movingClock(api: FakeApi) {
  const start = Date.parse('2026-12-04T12:00:00Z')
  const factory = fakeFactory({api, now: () => start + factory.sleeps.reduce((a, b) => a + b, 0)})
  return factory
}

/** `s-1vcpu-1gb` (pool cpu) is sold out: every create of it is refused as DigitalOcean refuses one for capacity. */
const cpuSoldOut = (request: unknown) => ((request as DropletCreateRequest).size === 's-1vcpu-1gb' ? unprocessable('size is unavailable') : null)

/**
 * Places free per size, as the simulator's --capacity keeps them: a create that does not fit is refused whole, for
 * capacity; one that fits takes its places. `onRefused` is told of each refusal (where a test stops the run).
 */
function capacity(free: Record<string, number>, onRefused: (size: string, count: number) => void = () => {}) {
  return (request: unknown) => {
    const {size, names} = request as DropletCreateRequest
    const left = free[size]
    if (left === undefined) return null
    if (names.length > left) {
      onRefused(size, names.length)
      return unprocessable('size is unavailable')
    }
    free[size] = left - names.length
    return null
  }
}

describe('pool up --fallback', () => {
  it('creates in the next pool what the first has no capacity for; --json says what each pool gave', async () => {
    const api = new FakeApi({fail: {createDroplets: cpuSoldOut}})
    const run = await runCommand(PoolUp, ['cpu', '-n', '3', '--fallback', 'big', '-c', config('fallback'), '--json'], {api})
    expect(run.status, run.stderr).toBe(0)
    const output = JSON.parse(run.stdout) as {created: {pool: string; size: string}[]; pools: unknown; failed: unknown[]}
    expect(output.created.map((d) => [d.pool, d.size])).toEqual(Array(3).fill(['big', 's-2vcpu-4gb']))
    expect(output.pools).toEqual([{pool: 'cpu', created: 0, refusal: 'no_capacity'}, {pool: 'big', created: 3}])
    expect(output.failed).toEqual([])
    expect(run.stderr).toContain('pool cpu: no capacity for s-1vcpu-1gb in nyc3 right now; 3 droplets to go, trying pool big\n')
    // The fallback pool's own price is said before its droplets are created.
    expect(run.stderr).toMatch(/≈ \$[\d.]+\/h for 3 droplets \(s-2vcpu-4gb at \$[\d.]+\/h\); pool big: /)
  })

  it('on a terminal, the last line says where they went', async () => {
    const api = new FakeApi({fail: {createDroplets: capacity({'s-1vcpu-1gb': 3})}})
    const run = await runCommand(PoolUp, ['cpu', '-n', '4', '--fallback', 'big', '-c', config('fallback-tty')], {api, tty: true})
    expect(run.status, run.stderr).toBe(0)
    // 4 refused, 2 made, 2 refused, 1 made, 1 refused: 3 in cpu; the last one in big.
    expect(run.stderr).toContain('created 4 droplets: 3 in pool cpu, 1 in pool big')
  })

  it.each([
    [['--fallback', 'nope'], '--fallback nope: there is no DigitalOcean pool "nope" in the config file'],
    [['--fallback', 'cpu'], '--fallback cpu: that is the pool asked for; a fallback is another configured pool'],
    [['--fallback', 'big,big'], '--fallback big is given twice'],
    [['--retry-timeout', '1h'], '--retry-until-up'],
    [['--retry-until-up', '--retry-timeout', '90'], '--retry-timeout 90: a duration needs a unit: 90s or 90m?'],
  ])('refuses %j with exit 2 before anything is read', async (flags, message) => {
    const api = new FakeApi()
    const run = await runCommand(PoolUp, ['cpu', '-n', '1', ...flags, '-c', config('bad-flags')], {api})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(message)
    expect(api.calls).toEqual([])
  })

  it('warns when a fallback pool has other GPUs than the first, and goes on', async () => {
    const api = new FakeApi()
    const run = await runCommand(PoolUp, ['amd', '-n', '1', '--fallback', 'cpu', '-c', config('fallback-gpus'), '--dry-run'], {api})
    expect(run.status, run.stderr).toBe(0)
    expect(run.stderr).toContain('warning: fallback pool cpu (s-1vcpu-1gb) has no GPU per droplet, pool amd (gpu-mi300x1-192gb-devcloud) 1 AMD GPU: droplets made there run other hardware')
    expect(run.stderr).toContain('not planned: what pool amd has no capacity for goes to pool cpu, with their own requests')
  })

  it('a stop leaves droplets in both pools: the line that deletes them names each pool', async () => {
    const pressed: {factory?: ReturnType<typeof fakeFactory>} = {}
    // One place in each pool; when big refuses even one name, the operator presses Ctrl-C (the run is about to wait).
    const api = new FakeApi({fail: {createDroplets: capacity({'s-1vcpu-1gb': 1, 's-2vcpu-4gb': 1}, (size, count) => {
      if (size === 's-2vcpu-4gb' && count === 1) pressed.factory?.signals.emit('SIGINT')
    })}})
    pressed.factory = movingClock(api)
    const run = await runCommand(PoolUp, ['cpu', '-n', '4', '--fallback', 'big', '--retry-until-up', '-c', config('fallback-stop')], pressed.factory)
    expect(run.status).toBe(130)
    const [cpu, big] = [api.droplets.find((d) => d.size === 's-1vcpu-1gb'), api.droplets.find((d) => d.size === 's-2vcpu-4gb')]
    expect(cpu).toBeDefined()
    expect(run.stderr).toContain('stopped while waiting for capacity: 2 of 4 droplets had been created (all listed); nothing more was sent\n')
    expect(run.stderr).toMatch(new RegExp(`\\n2 droplets are running \\(\\$0\\.0446/h\\): velda-do pool down cpu --all -c \\S+ && velda-do pool down big --id ${big?.id} -c \\S+\\n`))
  })
})

describe('pool up --retry-until-up', () => {
  it('keeps trying the rest until capacity comes; --json counts the tries', async () => {
    let refusals = 4
    const api = new FakeApi({fail: {createDroplets: () => (refusals-- > 0 ? unprocessable('size is unavailable') : null)}})
    const factory = movingClock(api)
    const run = await runCommand(PoolUp, ['cpu', '-n', '2', '--retry-until-up', '-c', config('retry'), '--json'], factory)
    expect(run.status, run.stderr).toBe(0)
    const output = JSON.parse(run.stdout) as {created: unknown[]; tries: number}
    expect(output.created).toHaveLength(2)
    // Try 1: 2 refused, then 1 (the shrink); tries 2 and 3 probe with one name, refused; try 4: 1, then 1 made.
    expect(output.tries).toBe(4)
    expect(api.callsOf('createDroplets').map(([request]) => (request as DropletCreateRequest).names.length)).toEqual([2, 1, 1, 1, 1, 1])
    // The waits between: 1s, 2s, then 4s, a second at a time (the jitter's middle).
    expect(factory.sleeps).toEqual(Array(7).fill(1_000))
  })

  it('times out with exit 5, naming what exists and the command that goes on', async () => {
    const api = new FakeApi({fail: {createDroplets: () => unprocessable('size is unavailable')}})
    const factory = movingClock(api)
    const run = await runCommand(PoolUp, ['cpu', '-n', '2', '--retry-until-up', '--retry-timeout', '30s', '-c', config('retry-timeout'), '--json'], factory)
    expect(run.status).toBe(5)
    const output = JSON.parse(run.stdout) as {created: unknown[]; failed: unknown[]; tries: number; refusal: string; error: {code: string; message: string}}
    expect(output.error.code).toBe('capacity_timeout')
    expect(output.refusal).toBe('no_capacity')
    expect(output.created).toEqual([])
    expect(output.failed).toHaveLength(2)
    // 1 + 2 + 4 + 8 s, then the 15 s left: the last try when the 30 s are up.
    expect(output.tries).toBe(6)
    expect(output.error.message).toBe('timed out waiting for capacity: no droplet was created in 30s (6 tries); no capacity for s-1vcpu-1gb in nyc3 right now')
  })
})

describe('pool scale --fallback', () => {
  it('counts the pools together: a second run with the same --to is a no-op', async () => {
    const api = new FakeApi({fail: {createDroplets: cpuSoldOut}})
    const file = config('scale-fallback')
    const first = await runCommand(PoolScale, ['cpu', '--to', '3', '--fallback', 'big', '-c', file, '--json'], {api})
    expect(first.status, first.stderr).toBe(0)
    expect((JSON.parse(first.stdout) as {pools: unknown}).pools).toEqual([{pool: 'cpu', created: 0, refusal: 'no_capacity'}, {pool: 'big', created: 3}])
    const again = await runCommand(PoolScale, ['cpu', '--to', '3', '--fallback', 'big', '-c', file, '--json'], {api})
    expect(again.status, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({before: {total: 3}, created: [], deleted: []})
  })

  it('does not shrink a chain: which pool to take from is the operator\'s call', async () => {
    const api = new FakeApi({fail: {createDroplets: cpuSoldOut}})
    const file = config('scale-fallback-down')
    await runCommand(PoolScale, ['cpu', '--to', '3', '--fallback', 'big', '-c', file], {api})
    const down = await runCommand(PoolScale, ['cpu', '--to', '1', '--fallback', 'big', '-c', file, '--yes'], {api})
    expect(down.status).toBe(2)
    expect(down.stderr).toContain('--to 1 with --fallback: the pools have 3 droplets together (cpu 0, big 3), more than 1; with --fallback, pool scale only creates')
    expect(down.stderr).toContain('velda-do pool scale big --to 1')
    expect(api.droplets).toHaveLength(3)
  })
})

describe('pool up --fallback: each pool prepared as the first', () => {
  it('warns of a fallback pool\'s agent version that is not a release name, as of the first pool\'s', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'velda-fallback-release-')), 'velda.yaml')
    writeFileSync(file, veldaYaml([
      {name: 'cpu', droplet: {...CPU_DROPLET, agent_version_override: '"v1.1.4"'}},
      {name: 'big', droplet: {...CPU_DROPLET, size: 's-2vcpu-4gb', agent_version_override: '"1.0.0"'}},
    ]))
    const run = await runCommand(PoolUp, ['cpu', '-n', '1', '--fallback', 'big', '-c', file, '--dry-run'], {api: new FakeApi()})
    expect(run.status, run.stderr).toBe(0)
    expect(run.stderr).toMatch(/warning: pool big's agent_version_override: "1\.0\.0" does not look like a Velda release name/)
    expect(run.stderr).not.toMatch(/pool cpu's agent_version_override/)
  })
})
