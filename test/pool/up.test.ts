import {afterEach, describe, expect, it} from 'vitest'

import {parseConfig} from '../../src/lib/config/parse.js'
import type {PoolConfig} from '../../src/lib/config/types.js'
import {createDigitalOceanApi, type DigitalOceanApi} from '../../src/lib/do/client.js'
import type {DropletCreateRequest} from '../../src/lib/do/types.js'
import {ExitCode, type VeldaError} from '../../src/lib/base/errors.js'
import {Secret} from '../../src/lib/base/secret.js'
import type {FaultRule} from '../../src/lib/simulator/faults.js'
import {type Simulator, startSimulator} from '../../src/lib/simulator/server.js'
import {poolUp, type PoolUpOptions, type PoolUpOutcome, type PoolUpResult} from '../../src/lib/pool/pool-up.js'
import {poolFromYaml} from '../support/pools.js'
import {CPU_DROPLET, veldaYaml} from '../support/configs.js'
import {failure} from '../support/failure.js'

const gpuPool = poolFromYaml('size: gpu-mi300x1-192gb-devcloud\nregion: atl1\nimage: amd-rocm71software\nssh_key_ids: [52896465]', {}, 'gpu')
let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

/** Simulator, API layer and pool operations on one fake clock: every sleep moves time on, nothing really waits. */
async function setup(options: {faults?: FaultRule[]; activeAfterMs?: (index: number) => number | null; onSleep?: (sleeps: number) => Promise<void>} = {}) {
  let now = Date.UTC(2026, 10, 27, 10, 0, 0)
  let sleeps = 0
  const clock = () => now
  const sleep = async (ms: number) => {
    now += ms
    await options.onSleep?.(++sleeps)
  }
  sim = await startSimulator({now: clock, faults: options.faults, activeAfterMs: options.activeAfterMs ?? (() => null)})
  const api = await createDigitalOceanApi({endpoint: sim.url, token: new Secret(sim.token), now: clock, sleep, random: () => 0.5})
  const progress: string[] = []
  const up = (opts: Partial<PoolUpOptions> = {}) =>
    poolUp(api, {pool: gpuPool, count: 25, force: false, userData: '#!/bin/bash\necho hi\n', wait: null, ...opts}, {
      sleep, now: clock, random: () => 0.5, isInterrupted: () => false, onProgress: (text) => progress.push(text),
    })
  return {sim, up, progress, clock}
}

/** The outcome of an operation that must have ended with an error (no throw): the error, and what it did. */
async function ended(outcome: Promise<PoolUpOutcome>): Promise<{error: VeldaError; done: PoolUpOutcome}> {
  const done = await outcome
  if (!done.error) throw new Error('expected the outcome to carry an error, but it has none')
  return {error: done.error, done}
}

function expectExactly(sim: Simulator, result: Pick<PoolUpResult, 'created'>, count: number) {
  const state = sim.core.dropletList() as {name: string; id: number}[]
  expect(state).toHaveLength(count)
  expect(new Set(state.map((d) => d.name)).size).toBe(count)
  expect(result.created.map((d) => d.id).sort()).toEqual(state.map((d) => d.id).sort())
}

describe('pool up against the simulator', () => {
  it('creates 25 droplets with 3 POSTs', async () => {
    const {sim, up} = await setup()
    const result = await up()
    expect(result.created).toHaveLength(25)
    expect(result.failed).toEqual([])
    expect(sim.counts()['POST /v2/droplets']).toBe(3)
    expectExactly(sim, result, 25)
  })

  it.each([
    ['a 500 after the work is done', {type: 'ambiguous', then: 'status'}],
    ['a dropped connection after the work is done', {type: 'ambiguous', then: 'drop'}],
  ] as [string, FaultRule['action']][])('on every batch, %s: exactly 25, all reported, no duplicates', async (_name, action) => {
    const {sim, up} = await setup({faults: [{method: 'POST', path: '/v2/droplets', count: 0, action}]})
    const result = await up()
    expect(result.failed).toEqual([])
    expectExactly(sim, result, 25)
    expect(sim.counts()['POST /v2/droplets']).toBe(3)
  })

  it('through a 429 storm: rejected creates are checked, then made again after retry-after', async () => {
    const {sim, up, clock} = await setup({faults: [{method: 'POST', path: '/v2/droplets', count: 4, action: {type: 'rate-limit', retryAfterSeconds: 30}}]})
    const start = clock()
    const result = await up()
    expectExactly(sim, result, 25)
    expect(sim.counts()['POST /v2/droplets']).toBe(7)
    expect(clock() - start).toBe(4 * 30_000)
  })

  it('creates that keep failing say their attempts once: the creates sent, with the last request id', async () => {
    const {up} = await setup({faults: [{method: 'POST', path: '/v2/droplets', count: 0, action: {type: 'status', status: 500}}]})
    const {error, done} = await ended(up({count: 2}))
    // Every create was answered 500 and the listing found none of the names: nothing was changed.
    expect(error.exitCode).toBe(ExitCode.api)
    expect(done.failed).toHaveLength(2)
    for (const failed of done.failed) {
      expect(failed.error).toMatch(/^DigitalOcean answered 500 \S+ to POST \/v2\/droplets: .* \(after 5 attempts, request id [0-9a-f-]+\)$/)
      expect(failed.error.match(/after \d+ attempt/g)).toHaveLength(1)
    }
  })

  it('a wait DigitalOcean asks for past what velda-do waits is said as the transport says it, with when to try again', async () => {
    const {sim, up, clock} = await setup({faults: [{method: 'POST', path: '/v2/droplets', count: 0, action: {type: 'rate-limit', retryAfterSeconds: 300}}]})
    const {done} = await ended(up({count: 2}))
    expect(sim.counts()['POST /v2/droplets']).toBe(1)
    const retryAt = new Date(clock() + 300_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
    expect(done.failed[0]?.error).toBe(`DigitalOcean asks to wait 300s, longer than velda-do waits (120s) before creating more; try again after ${retryAt} (in 5m)`)
  })

  it('after a 429 that gives only ratelimit-reset, creates again when the limit resets', async () => {
    const {sim, up, clock} = await setup({faults: [{method: 'POST', path: '/v2/droplets', action: {type: 'rate-limit', resetInSeconds: 45}}]})
    const start = clock()
    const result = await up({count: 2})
    expectExactly(sim, result, 2)
    expect(clock() - start).toBe(45_000)
  })

  it('stops at a 422 from the middle batch on: the first batch reported as created, the refused one tried smaller (5, 2, 1), exit 4', async () => {
    const {sim, up} = await setup({faults: [{method: 'POST', path: '/v2/droplets', nth: 2, count: 0, action: {type: 'status', status: 422, body: {id: 'unprocessable_entity', message: 'creating 10 Droplets will exceed your droplet limit of 10.'}}}]})
    const {error, done: partial} = await ended(up())
    expect(error.exitCode).toBe(ExitCode.partial)
    expect(partial.created).toHaveLength(10)
    expect(partial.failed).toHaveLength(15)
    expect(partial.failed[0]?.error).toMatch(/exceed your droplet limit/)
    expect(partial.failed[9]?.error).toMatch(/exceed your droplet limit/)
    expect(partial.failed[14]?.error).toBe('not attempted: an earlier create was refused')
    // The account has room: the refusal is for capacity, so the batch of 10 is sent again as 5, then 2, then 1.
    expect(sim.counts()['POST /v2/droplets']).toBe(5)
    expectExactly(sim, partial, 10)
  })

  it('when nothing could be created: exit 3', async () => {
    const {up} = await setup({faults: [{method: 'POST', path: '/v2/droplets', count: 0, action: {type: 'status', status: 422}}]})
    const {error, done} = await ended(up({count: 3}))
    expect(error.exitCode).toBe(ExitCode.api)
    expect(done.failed).toHaveLength(3)
  })

  it('checks which droplets exist when a create answers 2xx without listing them', async () => {
    const {sim, up} = await setup({faults: [{method: 'POST', path: '/v2/droplets', action: {type: 'ambiguous', then: 'status', status: 202}}]})
    const result = await up({count: 3})
    expect(result.failed).toEqual([])
    expectExactly(sim, result, 3)
  })

  it('gives up, without creating more, when DigitalOcean asks to wait longer than velda-do waits', async () => {
    const {sim, up} = await setup({faults: [{method: 'POST', path: '/v2/droplets', action: {type: 'rate-limit', retryAfterSeconds: 3600}}]})
    const {error, done} = await ended(up({count: 2}))
    expect(error.exitCode).toBe(ExitCode.api)
    expect(done.failed[0]?.error).toMatch(/asks to wait 3600s/)
    expect(sim.counts()['POST /v2/droplets']).toBe(1)
  })

  it('reports what exists with exit 5 when the droplets cannot be watched while waiting', async () => {
    // Before creating: the pool's listing and the account's two droplet counts; the 4th GET is the first poll.
    const {up} = await setup({faults: [{method: 'GET', path: '/v2/droplets', nth: 4, count: 0, action: {type: 'status', status: 403}}]})
    const {error, done} = await ended(up({count: 2, wait: {timeoutMs: 60_000, pollIntervalMs: 5_000}}))
    expect(error.exitCode).toBe(ExitCode.waitTimeout)
    expect(error.message).toMatch(/created 2 droplets, but could not check that they turned active/)
    expect(done.created).toHaveLength(2)
  })

  it('waits with one list request per poll until every droplet is active', async () => {
    const {sim, up, progress} = await setup({activeAfterMs: (index) => [7_000, 21_000, 12_000][index] ?? null})
    const result = await up({count: 3, wait: {timeoutMs: 60_000, pollIntervalMs: 5_000}})
    expect(result.created.map((d) => d.status)).toEqual(['active', 'active', 'active'])
    expect(result.created.every((d) => d.public_ipv4 !== null)).toBe(true)
    // Before creating, one listing and two counts (the guards), then polls at 0, 5, 10, 15, 20 and 25 s: active after 21 s.
    expect(sim.counts()['GET /v2/droplets']).toBe(3 + 6)
    // Each poll says how far and how long of how long (the spinner shows each; plain lines only the changes).
    expect(progress.filter((p) => p.includes(' active, '))).toEqual([
      '0/3 active, 0s of 1m', '0/3 active, 5s of 1m', '1/3 active, 10s of 1m', '2/3 active, 15s of 1m', '2/3 active, 20s of 1m', '3/3 active, 25s of 1m',
    ])
  })

  it('times out waiting with exit 5, listing what exists', async () => {
    const {up} = await setup({activeAfterMs: (index) => (index === 0 ? 1_000 : null)})
    const {error, done} = await ended(up({count: 2, wait: {timeoutMs: 30_000, pollIntervalMs: 10_000}}))
    expect(error.exitCode).toBe(ExitCode.waitTimeout)
    expect(error.message).toBe('timed out waiting: 1 of 2 droplets is active; they all exist')
    expect(done.created.map((d) => d.status)).toEqual(['active', 'new'])
  })

  it('stops waiting for a droplet someone else deleted: reported as gone, exit 4, the rest waited for', async () => {
    let victim: {id: number; name: string} | undefined
    const {sim, up} = await setup({
      activeAfterMs: (index) => (index === 0 ? null : 15_000),
      onSleep: async (sleeps) => {
        if (sleeps !== 1 || !sim) return
        victim = (sim.core.dropletList() as {id: number; name: string}[])[0]
        await fetch(`${sim.url}/v2/droplets/${victim?.id}`, {method: 'DELETE', headers: {authorization: `Bearer ${sim.token}`}})
      },
    })
    const {error, done: partial} = await ended(up({count: 3, wait: {timeoutMs: 600_000, pollIntervalMs: 5_000}}))
    expect(error.exitCode).toBe(ExitCode.partial)
    expect(error.message).toMatch(new RegExp(`2 of 3 created droplets are active; 1 was deleted while waiting .*${victim?.name}`))
    expect(partial.gone).toEqual([{id: victim?.id, name: victim?.name}])
    expect(partial.created).toHaveLength(3)
    // Active after 15 s: polls at 0, 5, 10, 15 s; not one poll more for the deleted droplet.
    expect(sim.counts()['GET /v2/droplets']).toBe(3 + 4)
  })
})

describe('pool up against the account and other processes', () => {
  const capped = parseConfig(veldaYaml([{name: 'capped', droplet: CPU_DROPLET, scaler: {max_agents: 10}}]), {file: 'capped.yaml', env: {}}).config?.pools[0] as PoolConfig

  async function start(options: {dropletLimit?: number; afterCreate?: (sim: Simulator) => void} = {}) {
    const started = await startSimulator({activeAfterMs: null, dropletLimit: options.dropletLimit})
    sim = started
    const api = await createDigitalOceanApi({endpoint: started.url, token: new Secret(started.token), sleep: async () => {}})
    const racing: DigitalOceanApi = Object.assign(Object.create(api) as DigitalOceanApi, {
      createDroplets: async (request: DropletCreateRequest) => {
        const created = await api.createDroplets(request)
        options.afterCreate?.(started)
        return created
      },
    })
    const up = (count: number) =>
      poolUp(racing, {pool: capped, count, force: false, userData: '#!/bin/bash\n', wait: null}, {
        sleep: async () => {}, now: Date.now, random: () => 0.5, isInterrupted: () => false, onProgress: () => {},
      })
    return {sim: started, up}
  }

  it('refuses, before any create, a count past the account\'s droplet limit, with the numbers (exit 2)', async () => {
    const {sim, up} = await start({dropletLimit: 25})
    sim.core.seedDroplets({count: 20, namePrefix: 'web', tags: ['www']})
    sim.core.seedDroplets({count: 2, namePrefix: 'gpu', size: 'gpu-h100x1-80gb', tags: ['ml']})
    const error = await failure(up(5))
    expect(error.exitCode).toBe(ExitCode.usage)
    expect(error.message).toBe('the account\'s droplet limit is 25; 22 droplets exist and 5 more were asked for')
    expect(error.suggestions[0]).toBe('ask for at most 3: --count 3')
    expect(sim.counts()['POST /v2/droplets']).toBeUndefined()
  })

  it('counts the pool again after creating: over max_agents because of another process is exit 4, all reported', async () => {
    const {sim, up} = await start({afterCreate: (s) => s.core.seedDroplets({count: 6, namePrefix: `${capped.prefix}-other`, tags: ['velda', 'velda-pool:capped']})})
    const {error, done} = await ended(up(8))
    expect(error.exitCode).toBe(ExitCode.partial)
    expect(error.code).toBe('over_max_agents')
    expect(error.message).toMatch(/created 8 droplets, and pool capped now has 14, over its max_agents of 10/)
    expect(done.created).toHaveLength(8)
    expect(error.partialResult.members_after).toBe(14)
    expect(sim.core.dropletList()).toHaveLength(14)
  })
})

describe('pool up --wait-for agent, when the probe itself fails', () => {
  it('a probe that throws (a member answered with what it cannot hold): every created droplet is still reported, exit 5', async () => {
    let now = Date.UTC(2026, 10, 27, 10, 0, 0)
    const clock = () => now
    const sleep = async (ms: number) => {
      now += ms
    }
    sim = await startSimulator({now: clock, activeAfterMs: () => 0})
    const api = await createDigitalOceanApi({endpoint: sim.url, token: new Secret(sim.token), now: clock, sleep, random: () => 0.5})
    const {error, done} = await ended(
      poolUp(api, {pool: gpuPool, count: 3, force: false, userData: '#!/bin/bash\n', wait: {timeoutMs: 600_000, pollIntervalMs: 5_000}}, {
        sleep,
        now: clock,
        random: () => 0.5,
        isInterrupted: () => false,
        onProgress: () => {},
        agents: {probe: () => Promise.reject(new RangeError('Invalid string length'))},
      }),
    )
    expect(error.exitCode).toBe(ExitCode.waitTimeout)
    expect(error.message).toBe('created 3 droplets, but could not check their agents: Invalid string length')
    expectExactly(sim, done, 3)
  })
})

describe('pool up --wait-for agent, members whose GPUs are not all there', () => {
  it('says they are not healthy (their agent runs), not that the agent did not start', async () => {
    const started = await startSimulator({activeAfterMs: () => 0})
    sim = started
    const api = await createDigitalOceanApi({endpoint: started.url, token: new Secret(started.token), sleep: async () => {}})
    const outcome = await poolUp(api, {pool: gpuPool, count: 2, force: false, userData: '#!/bin/bash\n', wait: {timeoutMs: 60_000, pollIntervalMs: 1_000}}, {
      sleep: async () => {}, now: Date.now, random: () => 0.5, isInterrupted: () => false, onProgress: () => {},
      agents: {
        probe: async (members) => ({
          pool: 'gpu',
          healthy: 0,
          members: members.map((m) => ({id: m.id, name: m.name, status: 'active', address: null, state: 'gpu-missing', detail: '1 of 8 GPUs missing', boot: null, gpu: null, agent: 'active', last_line: null})),
        }),
      },
    })
    expect(outcome.error?.exitCode).toBe(ExitCode.partial)
    expect(outcome.error?.message).toMatch(/^2 of 2 created droplets are not healthy: velda-\S+: 1 of 8 GPUs missing$/)
  })
})
