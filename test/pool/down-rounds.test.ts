import {afterEach, describe, expect, it} from 'vitest'

import {createDigitalOceanApi, type DigitalOceanApi} from '../../src/lib/do/client.js'
import {ExitCode} from '../../src/lib/base/errors.js'
import {ALL_ROUNDS, planPoolDown, runPoolDown} from '../../src/lib/pool/pool-down.js'
import {parseFaultRule} from '../../src/lib/simulator/faults.js'
import {Secret} from '../../src/lib/base/secret.js'
import {type Simulator, startSimulator} from '../../src/lib/simulator/server.js'
import {poolFromYaml} from '../support/pools.js'

const pool = poolFromYaml('size: s-1vcpu-1gb\nregion: nyc3\nimage: ubuntu-24-04-x64', {}, 'cpu')
const seed = (sim: Simulator, count: number) => sim.core.seedDroplets({count, namePrefix: `${pool.prefix}-late${count}`, tags: ['velda', 'velda-pool:cpu']})

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

/** The API, with a hook run after each delete (by id, or of a bulk delete's tag): what another process does meanwhile. */
async function setup(afterDelete: (deletes: number, sim: Simulator) => void) {
  const started = await startSimulator({activeAfterMs: null})
  sim = started
  const api = await createDigitalOceanApi({endpoint: started.url, token: new Secret(started.token), sleep: async () => {}})
  let deletes = 0
  const watched: DigitalOceanApi = Object.assign(Object.create(api) as DigitalOceanApi, {
    deleteDroplet: async (id: number) => {
      const outcome = await api.deleteDroplet(id)
      afterDelete(++deletes, started)
      return outcome
    },
    deleteDropletsByTag: async (tag: string) => {
      await api.deleteDropletsByTag(tag)
      afterDelete(++deletes, started)
    },
  })
  const down = async () => {
    const {chosen} = await planPoolDown(watched, pool, {all: true}, false)
    return runPoolDown(watched, pool, chosen, {all: true}, {isInterrupted: () => false, onProgress: () => {}})
  }
  return {sim: started, down}
}

describe('pool down --all finishes the job', () => {
  it('reports what it deleted when the listing of a further round fails: exit 4, every deleted droplet named', async () => {
    const {sim, down} = await setup((deletes, s) => {
      // After the last delete of round 1, every listing is refused (403: not retried).
      if (deletes === 5) s.core.faults.add(parseFaultRule({method: 'GET', path: '/v2/droplets', count: 0, action: {type: 'status', status: 403}}))
    })
    seed(sim, 5)
    const outcome = await down()
    expect(outcome.error?.exitCode).toBe(ExitCode.partial)
    expect(outcome.error?.message).toMatch(/^deleted 5 droplets, then could not list the pool again to delete what appeared meanwhile: /)
    expect(outcome.deleted).toHaveLength(5)
    expect(sim.core.dropletList()).toEqual([])
  })

  it('deletes the droplets that appear while it deletes, in further rounds, and reports them', async () => {
    const {sim, down} = await setup((deletes, s) => {
      if (deletes === 1) seed(s, 2)
    })
    seed(sim, 30)
    const result = await down()
    expect(sim.core.dropletList()).toEqual([])
    expect(result.deleted).toHaveLength(32)
    expect(result.remaining).toBeUndefined()
  })

  it(`stops after ${ALL_ROUNDS} rounds when droplets keep appearing, and reports what remains: exit 4`, async () => {
    const {sim, down} = await setup((_deletes, s) => {
      seed(s, 1)
    })
    seed(sim, 3)
    const partial = await down()
    expect(partial.error?.exitCode).toBe(ExitCode.partial)
    const existing = (sim.core.dropletList() as {id: number}[]).map((d) => d.id).sort()
    expect(partial.remaining?.map((d) => d.id).sort()).toEqual(existing)
    // Each round deletes the 3 it found, and 3 new ones appear meanwhile.
    expect(partial.deleted).toHaveLength(3 * ALL_ROUNDS)
    expect(existing).toHaveLength(3)
  })
})

describe('pool down --all and droplets two pools may own', () => {
  it('leaves the broker-made droplets of a shared prefix alone in every round, and says which', async () => {
    const twin = poolFromYaml('size: s-1vcpu-1gb\nregion: nyc3\nimage: ubuntu-24-04-x64', {}, 'cpu-twin')
    expect(twin.prefix).toBe(pool.prefix)
    const {sim} = await setup(() => {})
    const own = sim.core.seedDroplets({count: 4, namePrefix: `${pool.prefix}-own`, tags: ['velda', 'velda-pool:cpu']})
    const shared = sim.core.seedDroplets({count: 2, namePrefix: `${pool.prefix}-broker`, tags: ['velda']})
    const api = await createDigitalOceanApi({endpoint: sim.url, token: new Secret(sim.token), sleep: async () => {}})
    const plan = await planPoolDown(api, pool, {all: true}, false, [pool, twin])
    expect(plan.chosen.map((d) => d.id).sort()).toEqual(own.map((d) => d.id).sort())
    expect(plan.sharedLeftAlone.map((d) => d.id).sort()).toEqual(shared.map((d) => d.id).sort())
    const result = await runPoolDown(api, pool, plan.chosen, {all: true, configured: [pool, twin]}, {isInterrupted: () => false, onProgress: () => {}})
    expect(result.deleted).toHaveLength(4)
    expect((sim.core.dropletList() as {id: number}[]).map((d) => d.id).sort()).toEqual(shared.map((d) => d.id).sort())
  })
})

describe("pool down's progress", () => {
  it('counts the deletes that succeeded, and says the failed apart', async () => {
    const started = await startSimulator({activeAfterMs: null})
    sim = started
    seed(started, 4)
    // The third delete is refused for good: 3 of 4 go.
    started.core.faults.add(parseFaultRule({method: 'DELETE', path: '/v2/droplets/*', nth: 3, count: 1, action: {type: 'status', status: 403}}))
    const api = await createDigitalOceanApi({endpoint: started.url, token: new Secret(started.token), sleep: async () => {}})
    const progress: string[] = []
    const {chosen} = await planPoolDown(api, pool, {all: true}, false)
    const outcome = await runPoolDown(api, pool, chosen, {all: false}, {isInterrupted: () => false, onProgress: (text) => progress.push(text)})
    expect(outcome.deleted).toHaveLength(3)
    expect(progress.at(-1)).toBe('deleted 3/4, 1 failed')
    expect(progress).not.toContain('deleted 4/4')
  })
})
