import {afterEach, describe, expect, it} from 'vitest'

import {createDigitalOceanApi} from '../../src/lib/do/client.js'
import {ExitCode, type VeldaError} from '../../src/lib/base/errors.js'
import {Secret} from '../../src/lib/base/secret.js'
import type {FaultRule} from '../../src/lib/simulator/faults.js'
import {parseCapacitySpecs} from '../../src/lib/simulator/capacity.js'
import {type Simulator, startSimulator} from '../../src/lib/simulator/server.js'
import {poolUp, type PoolUpOptions, type PoolUpOutcome} from '../../src/lib/pool/pool-up.js'
import {poolFromYaml} from '../support/pools.js'

// pool up when capacity is short (create-chain.ts): --retry-until-up and --fallback against the simulator's
// capacity, on one fake clock shared by the simulator (capacity frees by its clock) and the run (every wait moves it).

const GPU = 'gpu-mi300x1-192gb-devcloud'
const GPU8 = 'gpu-mi300x8-1536gb-devcloud'
const H100 = 'gpu-h100x1-80gb'
const amd = poolFromYaml(`size: ${GPU}\nregion: atl1\nimage: amd-rocm71software\nssh_key_ids: [52896465]`, {}, 'amd')
const amd8 = poolFromYaml(`size: ${GPU8}\nregion: atl1\nimage: amd-rocm71software\nssh_key_ids: [52896465]`, {}, 'amd8')
const h100 = poolFromYaml(`size: ${H100}\nregion: nyc2\nimage: gpu-h100x1-base\nssh_key_ids: [52896465]`, {}, 'h100')
const cappedYaml = `size: ${GPU}\nregion: atl1\nimage: amd-rocm71software\nssh_key_ids: [52896465]`

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

interface Setup {
  capacity: string[]
  faults?: FaultRule[]
  /** Called after each wait of the run, with the simulator and the time gone by: another process acting meanwhile. */
  onSleep?: (elapsedMs: number, sim: Simulator) => Promise<void>
  stopAfterSleeps?: number
}

async function setup(options: Setup) {
  const start = Date.UTC(2026, 11, 4, 10, 0, 0)
  let now = start
  let sleeps = 0
  const sleepsTaken: number[] = []
  const clock = () => now
  let stopped = false
  const sleep = async (ms: number) => {
    now += ms
    sleepsTaken.push(ms)
    sleeps++
    if (options.stopAfterSleeps !== undefined && sleeps >= options.stopAfterSleeps) stopped = true
    if (sim) await options.onSleep?.(now - start, sim)
  }
  const started = await startSimulator({now: clock, faults: options.faults, activeAfterMs: () => null, capacity: parseCapacitySpecs(options.capacity)})
  sim = started
  const api = await createDigitalOceanApi({endpoint: started.url, token: new Secret(started.token), now: clock, sleep, random: () => 0.5})
  const progress: {text: string; state?: string}[] = []
  const notices: string[] = []
  const up = (opts: Partial<PoolUpOptions>) =>
    poolUp(api, {pool: amd, count: 25, force: false, userData: '#!/bin/bash\necho hi\n', wait: null, ...opts}, {
      sleep,
      now: clock,
      random: () => 0.5,
      isInterrupted: () => stopped,
      onProgress: (text, state) => progress.push({text, state}),
      onNotice: (text) => notices.push(text),
    })
  const posts = () => started.requests().filter((r) => r.method === 'POST' && r.path === '/v2/droplets')
  const droplets = () => started.core.dropletList() as {id: number; name: string; size_slug: string}[]
  return {sim: started, up, progress, notices, posts, droplets, elapsed: () => now - start, sleepsTaken}
}

function errorOf(outcome: PoolUpOutcome): VeldaError {
  if (!outcome.error) throw new Error(`expected an error, got a whole result: ${JSON.stringify(outcome.created.length)} created`)
  return outcome.error
}

/** What the simulator holds is exactly what the run reports: each name once, none missing, none extra. */
function expectExactlyReported(droplets: {id: number; name: string}[], outcome: PoolUpOutcome) {
  expect(new Set(droplets.map((d) => d.name)).size).toBe(droplets.length)
  expect(outcome.created.map((d) => d.id).sort()).toEqual(droplets.map((d) => d.id).sort())
}

describe('--retry-until-up', () => {
  it('reaches the count as capacity frees (10 now, 5 more every 30s): what was made is kept, only the rest is asked for', async () => {
    const {up, posts, droplets, progress, elapsed} = await setup({capacity: [`${GPU}@atl1=10,+5/30s`]})
    const outcome = await up({retryUntilUp: {timeoutMs: 2 * 3_600_000}})
    expect(outcome.error).toBeUndefined()
    expect(outcome.created).toHaveLength(25)
    expect(outcome.failed).toEqual([])
    expectExactlyReported(droplets(), outcome)
    // 10 at once, then 5 every 30s: the count is reached in the third period, not hours later.
    expect(elapsed()).toBeGreaterThanOrEqual(90_000)
    expect(elapsed()).toBeLessThan(150_000)
    expect(outcome.tries).toBeGreaterThanOrEqual(4)
    // Never more names asked for than missing: every POST's names sum to at most what was missing then.
    for (const post of posts()) {
      const body = JSON.parse(post.body) as {names?: string[]}
      expect(body.names?.length ?? 1).toBeLessThanOrEqual(15)
    }
    const waiting = progress.map((p) => p.text).filter((text) => text.includes('waiting for capacity'))
    expect(waiting[0]).toMatch(/^10\/25 created, waiting for capacity \(next try in 1s\), 0s of 2h$/)
    // One line a try where there is no spinner: the state changes once a try, not once a second.
    const states = new Set(progress.filter((p) => p.text.includes('waiting for capacity')).map((p) => p.state))
    expect(states.size).toBe(outcome.tries as number - 1)
  })

  it('the waits double from 1s while nothing frees, start again from 1s after a try that created, and never pass 5 minutes', async () => {
    const {up, sleepsTaken} = await setup({capacity: [`${GPU}@atl1=2,+1/20m`]})
    const outcome = await up({count: 4, retryUntilUp: {timeoutMs: 3_600_000}})
    expect(outcome.created).toHaveLength(4)
    // The countdown sleeps a second at a time: the waits are the runs of them between two tries.
    expect(Math.max(...sleepsTaken)).toBeLessThanOrEqual(1_000)
    expect(sleepsTaken.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(40 * 60_000)
  })

  it('no duplicate when a create mid-wait is performed but its answer is lost, nor under a 429 storm', async () => {
    const faults: FaultRule[] = [
      // The third POST creates, then the answer is lost: the run lists the pool and finds them.
      {method: 'POST', path: '/v2/droplets', nth: 3, action: {type: 'ambiguous', then: 'drop'}},
      // A storm of 429s on everything, later on.
      {nth: 40, count: 12, action: {type: 'rate-limit', retryAfterSeconds: 2}},
    ]
    const {up, droplets} = await setup({capacity: [`${GPU}@atl1=10,+5/30s`], faults})
    const outcome = await up({retryUntilUp: {timeoutMs: 2 * 3_600_000}})
    expect(outcome.error).toBeUndefined()
    expect(outcome.created).toHaveLength(25)
    expect(droplets()).toHaveLength(25)
    expectExactlyReported(droplets(), outcome)
  })

  it('times out with exit 5 when capacity never comes: everything created listed, the last try made when the time is up', async () => {
    const {up, droplets, elapsed, posts} = await setup({capacity: [`${GPU}@atl1=3`]})
    const error = errorOf(await up({count: 5, retryUntilUp: {timeoutMs: 10 * 60_000}}).then((outcome) => {
      expect(outcome.created).toHaveLength(3)
      expect(outcome.failed).toHaveLength(2)
      expectExactlyReported(droplets(), outcome)
      return outcome
    }))
    expect(error.exitCode).toBe(ExitCode.waitTimeout)
    expect(error.code).toBe('capacity_timeout')
    expect(error.message).toMatch(/^timed out waiting for capacity: 3 of 5 created in 10m \(\d+ tries\); no capacity for gpu-mi300x1-192gb-devcloud in atl1 right now$/)
    expect(error.suggestions[0]).toBe('velda-do pool up amd -n 2 --retry-until-up --retry-timeout 4h goes on waiting for the 2 droplets missing')
    expect(elapsed()).toBe(10 * 60_000)
    // 1+2+4+…+256 s, then the rest to the deadline: 10 tries after the first, each ending in one refused POST.
    const refusedTries = posts().filter((p) => p.status === 422 && (JSON.parse(p.body) as {names?: string[]; name?: string}).name !== undefined)
    expect(refusedTries.length).toBe(11)
  })

  it('stops at once when stopped while waiting: what exists is listed, the stop is the error', async () => {
    const {up, droplets} = await setup({capacity: [`${GPU}@atl1=3`], stopAfterSleeps: 3})
    const outcome = await up({count: 5, retryUntilUp: {timeoutMs: 3_600_000}})
    const error = errorOf(outcome)
    expect(error.exitCode).toBe(ExitCode.interrupted)
    expect(error.message).toBe('stopped while waiting for capacity: 3 of 5 droplets had been created (all listed); nothing more was sent')
    expectExactlyReported(droplets(), outcome)
  })

  it('re-checks max_agents on every try: a broker that created meanwhile is never exceeded', async () => {
    const capped = poolFromYaml(cappedYaml, {}, 'capped')
    const pool = {...capped, maxAgents: 6}
    let brokerMade = false
    const {up, droplets} = await setup({
      capacity: [`${GPU}@atl1=3,+3/30s`],
      // While velda-do waits, the broker takes 2 of the 3 places freed at 30s (its own create, with the pool's
      // prefix and tags).
      onSleep: async (elapsed, simulator) => {
        if (elapsed < 30_000 || brokerMade) return
        brokerMade = true
        const names = droplets().slice(0, 1).map((d) => d.name.replace(/-[^-]+$/, '-broker1'))
        const created = await fetch(`${simulator.url}/v2/droplets`, {
          method: 'POST',
          headers: {authorization: `Bearer ${simulator.token}`, 'content-type': 'application/json'},
          body: JSON.stringify({names: [...names, names[0]?.replace('broker1', 'broker2')], size: GPU, region: 'atl1', image: 'amd-rocm71software', tags: pool.tags}),
        })
        expect(created.status).toBe(202)
      },
    })
    const outcome = await up({pool, count: 6, retryUntilUp: {timeoutMs: 3_600_000}})
    const error = errorOf(outcome)
    // 3 made by the run, 2 by the broker: the 3 still missing would take the pool to 8. The guard refuses them
    // (nothing more sent), and the pool was never past its max_agents.
    expect(droplets()).toHaveLength(5)
    expect(outcome.created).toHaveLength(3)
    expect(error.exitCode).toBe(ExitCode.partial)
    expect(error.message).toMatch(/^3 of 6 created; then pool capped could not take more: .*max_agents/)
  })
})

describe('--fallback', () => {
  it('what the first pool has no capacity for is created in the next, then the next; the result says what each gave', async () => {
    const {up, droplets, notices} = await setup({capacity: [`${GPU}@atl1=3`, `${GPU8}@atl1=4`]})
    const outcome = await up({count: 10, fallbacks: [{pool: amd8, userData: '#!/bin/bash\necho eight\n'}, {pool: h100, userData: '#!/bin/bash\necho h100\n'}]})
    expect(outcome.error).toBeUndefined()
    expect(outcome.pools).toEqual([
      {pool: 'amd', created: 3, refusal: 'no_capacity'},
      {pool: 'amd8', created: 4, refusal: 'no_capacity'},
      {pool: 'h100', created: 3},
    ])
    expect(outcome.created.map((d) => d.pool)).toEqual([...Array(3).fill('amd'), ...Array(4).fill('amd8'), ...Array(3).fill('h100')])
    const sizes = droplets().map((d) => d.size_slug).sort()
    expect(sizes).toEqual([...Array(3).fill(GPU), ...Array(4).fill(GPU8), ...Array(3).fill(H100)].sort())
    expectExactlyReported(droplets(), outcome)
    expect(notices).toContain('pool amd: no capacity for gpu-mi300x1-192gb-devcloud in atl1 right now; 7 droplets to go, trying pool amd8')
  })

  it('without --retry-until-up, no capacity anywhere is said once for the chain, with what each pool gave', async () => {
    const {up} = await setup({capacity: [`${GPU}@atl1=1`, `${GPU8}@atl1=1`]})
    const outcome = await up({count: 5, fallbacks: [{pool: amd8, userData: '#!/bin/bash\n'}]})
    const error = errorOf(outcome)
    expect(error.code).toBe('no_capacity')
    expect(error.exitCode).toBe(ExitCode.partial)
    expect(error.message).toMatch(/^2 of 5 created; no capacity for gpu-mi300x1-192gb-devcloud in atl1 right now \(pool amd\); no capacity for gpu-mi300x8-1536gb-devcloud in atl1 right now \(pool amd8\): /)
    expect(error.suggestions[0]).toBe('--retry-until-up waits for capacity in these pools (2h at most; --retry-timeout to change)')
    expect(outcome.failed).toHaveLength(3)
  })

  it('with --retry-until-up the chain is tried again in order, the first pool first, until the count is reached', async () => {
    const {up, droplets} = await setup({capacity: [`${GPU}@atl1=0,+1/30s`, `${GPU8}@atl1=0,+1/30s`]})
    const outcome = await up({count: 4, fallbacks: [{pool: amd8, userData: '#!/bin/bash\n'}], retryUntilUp: {timeoutMs: 3_600_000}})
    expect(outcome.error).toBeUndefined()
    expect(outcome.created).toHaveLength(4)
    // Each place as it frees, the first pool first: at 60 s amd, probed with one name, gives one and is refused the
    // next (so its last answer was no capacity), and amd8 gives the last.
    expect(outcome.pools).toEqual([{pool: 'amd', created: 2, refusal: 'no_capacity'}, {pool: 'amd8', created: 2}])
    expectExactlyReported(droplets(), outcome)
  })

  it('a refusal other than capacity in a fallback pool ends the run: it is not skipped over', async () => {
    const missingKey = poolFromYaml(`size: ${GPU8}\nregion: atl1\nimage: amd-rocm71software\nssh_key_ids: [1]`, {}, 'nokey')
    const {up} = await setup({capacity: [`${GPU}@atl1=2`]})
    const outcome = await up({count: 4, fallbacks: [{pool: missingKey, userData: '#!/bin/bash\n'}]})
    const error = errorOf(outcome)
    expect(error.exitCode).toBe(ExitCode.partial)
    expect(error.message).toMatch(/^2 of 4 created; then pool nokey could not take more: /)
    expect(outcome.created).toHaveLength(2)
  })
})
