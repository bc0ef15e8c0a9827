import {describe, expect, it} from 'vitest'

import {ApiError} from '../../src/lib/do/errors.js'
import type {DropletCreateRequest} from '../../src/lib/do/types.js'
import {shrinkSteps, shrunkBatchSize} from '../../src/lib/pool/batch-shrink.js'
import {runScaleUp, type ScaleUpDeps} from '../../src/lib/pool/create-batches.js'
import type {PoolDroplet} from '../../src/lib/pool/membership.js'
import {planScaleUp} from '../../src/lib/pool/scale-up-plan.js'
import {poolFromYaml} from '../support/pools.js'
import {scaleUpDeps} from '../support/scale-up-deps.js'

const pool = poolFromYaml('size: s-1vcpu-1gb\nregion: nyc3\nimage: ubuntu-24-04-x64', {}, 'cpu')
const droplet = (name: string, id: number): PoolDroplet => ({
  id, name, pool: 'cpu', status: 'new', region: 'nyc3', size: 's-1vcpu-1gb', image: 'x',
  public_ipv4: null, private_ipv4: null, public_ipv6: null, created_at: '', tags: [], price_hourly: 0.00893, expires_at: null,
})
const sizeUnavailable = () => new ApiError(422, 'unprocessable_entity', 'size is unavailable', null, {method: 'POST', path: '/v2/droplets', attempts: 1})

/** A region with `free` places that refuses any create larger than what is left, whole (all-or-nothing). */
function allOrNothing(free: number) {
  const made: PoolDroplet[] = []
  const sizes: number[] = []
  const createDroplets = async (request: DropletCreateRequest) => {
    sizes.push(request.names.length)
    if (request.names.length > free - made.length) throw sizeUnavailable()
    const answer = request.names.map((name) => droplet(name, made.length + 1))
    made.push(...answer)
    return answer
  }
  return {made, sizes, createDroplets}
}

// A refusal is for capacity here unless a test says otherwise: these tests are about the shrink.
const deps = (overrides: Partial<ScaleUpDeps>): ScaleUpDeps => scaleUpDeps({isCapacityRefusal: async () => true, ...overrides})

describe('the sizes a batch refused for capacity is tried at', () => {
  it.each([
    [10, [10, 5, 2, 1]],
    [7, [7, 3, 1]],
    [2, [2, 1]],
    [1, [1]],
  ])('a batch of %i: %j', (size, steps) => {
    expect(shrinkSteps(size)).toEqual(steps)
  })

  it('one name refused has nothing smaller to try', () => {
    expect(shrunkBatchSize(1)).toBeNull()
  })
})

describe('a scale-up whose creates are refused for capacity, all or nothing', () => {
  it.each([
    // free, asked: the creates sent, in order, and how many were made
    [3, 10, [10, 5, 2, 2, 1, 1], 3],
    [0, 10, [10, 5, 2, 1], 0],
    [9, 10, [10, 5, 5, 2, 2, 1], 9],
    [12, 20, [10, 10, 5, 2, 2, 1], 12],
    [10, 10, [10], 10],
  ])('%i free, %i asked: creates of %j, %i made, each name at most once', async (free, asked, sizes, made) => {
    const region = allOrNothing(free)
    const plan = planScaleUp({pool, count: asked, userData: '', existingNames: new Set()})
    const outcome = await runScaleUp(plan, deps({createDroplets: region.createDroplets}))
    expect(region.sizes).toEqual(sizes)
    expect(outcome.created).toHaveLength(made)
    expect(new Set(region.made.map((d) => d.name)).size).toBe(made)
    // Never more than asked: every name is one of the plan's, created or failed, once.
    const planned = plan.batches.flatMap((b) => b.names)
    expect([...outcome.created.map((d) => d.name), ...outcome.failed.map((f) => f.name)].sort()).toEqual([...planned].sort())
    expect(outcome.refusal === null).toBe(made === asked)
  })

  it.each([
    // free, asked: probing from one name (a try after one that found no place), doubling after each success until
    // the first refusal
    [0, 10, [1], 0],
    [1, 10, [1, 2, 1], 1],
    [5, 10, [1, 2, 4, 2, 2, 1], 5],
    [10, 10, [1, 2, 4, 3], 10],
    [25, 25, [1, 2, 4, 3, 10, 5], 25],
  ])('probing: %i free, %i asked: creates of %j, %i made', async (free, asked, sizes, made) => {
    const region = allOrNothing(free)
    const plan = planScaleUp({pool, count: asked, userData: '', existingNames: new Set()})
    const outcome = await runScaleUp(plan, deps({createDroplets: region.createDroplets, probeFrom: 1}))
    expect(region.sizes).toEqual(sizes)
    expect(outcome.created).toHaveLength(made)
    const planned = plan.batches.flatMap((b) => b.names)
    expect([...outcome.created.map((d) => d.name), ...outcome.failed.map((f) => f.name)].sort()).toEqual([...planned].sort())
  })

  it('a refusal that is not for capacity stops at once, as before: one create, nothing tried smaller', async () => {
    const region = allOrNothing(3)
    const asked: number[] = []
    const plan = planScaleUp({pool, count: 10, userData: '', existingNames: new Set()})
    const outcome = await runScaleUp(plan, deps({
      createDroplets: region.createDroplets,
      isCapacityRefusal: async (_error, count) => {
        asked.push(count)
        return false
      },
    }))
    expect(region.sizes).toEqual([10])
    expect(asked).toEqual([10])
    expect(outcome.created).toEqual([])
    expect(outcome.failed).toHaveLength(10)
    expect(outcome.refusal).toBeInstanceOf(ApiError)
  })

  it('an ambiguous create while shrinking is reconciled by name first: what exists is not created again', async () => {
    const region = allOrNothing(3)
    const plan = planScaleUp({pool, count: 10, userData: '', existingNames: new Set()})
    let lost = false
    const outcome = await runScaleUp(plan, deps({
      // The first create that fits is made, but its answer is lost.
      createDroplets: async (request) => {
        const answer = await region.createDroplets(request)
        if (lost) return answer
        lost = true
        throw new Error('socket hang up')
      },
      listPool: async () => region.made,
    }))
    // 10 and 5 refused (thrown before `lost`: a refusal), 2 made with its answer lost and found by listing, 2
    // refused, 1 made, 1 refused.
    expect(region.sizes).toEqual([10, 5, 2, 2, 1, 1])
    expect(outcome.created.map((d) => d.name).sort()).toEqual(region.made.map((d) => d.name).sort())
    expect(region.made).toHaveLength(3)
    expect(new Set(region.made.map((d) => d.name)).size).toBe(3)
  })

  it('without isCapacityRefusal every refusal stops the run, as before', async () => {
    const region = allOrNothing(3)
    const plan = planScaleUp({pool, count: 10, userData: '', existingNames: new Set()})
    const outcome = await runScaleUp(plan, deps({createDroplets: region.createDroplets, isCapacityRefusal: undefined}))
    expect(region.sizes).toEqual([10])
    expect(outcome.failed).toHaveLength(10)
  })
})
