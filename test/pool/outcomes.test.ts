import {afterEach, describe, expect, it} from 'vitest'

import {createDigitalOceanApi} from '../../src/lib/do/client.js'
import {errorOf, ExitCode} from '../../src/lib/base/errors.js'
import {CreateRefusedError} from '../../src/lib/pool/create-refusal.js'
import type {FaultRule} from '../../src/lib/simulator/faults.js'
import {Secret} from '../../src/lib/base/secret.js'
import {type Simulator, startSimulator} from '../../src/lib/simulator/server.js'
import {poolUp} from '../../src/lib/pool/pool-up.js'
import {planPoolScale, runPoolScale} from '../../src/lib/pool/pool-scale.js'
import {poolFromYaml} from '../support/pools.js'

const pool = poolFromYaml('size: s-1vcpu-1gb\nregion: nyc3\nimage: ubuntu-24-04-x64', {}, 'cpu')
// From the second create on, every create is refused: smaller ones too (a refusal for capacity is tried smaller).
const refusedSecondCreate: FaultRule = {method: 'POST', path: '/v2/droplets', nth: 2, count: 0, action: {type: 'status', status: 422, body: {id: 'unprocessable_entity', message: 'creating 10 Droplets will exceed your droplet limit of 10.'}}}

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

async function setup(faults: FaultRule[] = []) {
  sim = await startSimulator({activeAfterMs: null, faults})
  const api = await createDigitalOceanApi({endpoint: sim.url, token: new Secret(sim.token), sleep: async () => {}, random: () => 0.5})
  const deps = {sleep: async () => {}, now: Date.now, random: () => 0.5, isInterrupted: () => false, onProgress: () => {}}
  return {sim, api, deps}
}

describe('what an operation that acts did is a value, its failure beside it', () => {
  it('pool up: a create refused part-way returns the droplets created and the names not, with the error; nothing is thrown', async () => {
    const {api, deps} = await setup([refusedSecondCreate])
    const outcome = await poolUp(api, {pool, count: 12, force: false, userData: '#!/bin/bash\n', wait: null}, deps)
    expect(outcome.created).toHaveLength(10)
    expect(outcome.failed.map((f) => f.name)).toHaveLength(2)
    expect(outcome.failed.every((f) => /exceed your droplet limit of 10/.test(f.error))).toBe(true)
    // The account has room and the size is offered in nyc3: the limit's words alone do not make it the limit.
    expect(outcome.error).toBeInstanceOf(CreateRefusedError)
    expect(outcome.error?.code).toBe('no_capacity')
    expect(outcome.error?.exitCode).toBe(ExitCode.partial)
    expect(outcome.error?.message).toMatch(/^10 of 12 created; no capacity for s-1vcpu-1gb in nyc3 right now: .*exceed your droplet limit of 10/)
    expect(errorOf(outcome)).toBe(outcome.error)
  })

  it('pool up: a whole success carries no error key at all (its --json document has none)', async () => {
    const {api, deps} = await setup()
    const outcome = await poolUp(api, {pool, count: 2, force: false, userData: '#!/bin/bash\n', wait: null}, deps)
    expect(Object.keys(outcome)).toEqual(['pool', 'requested', 'created', 'failed', 'cost'])
    expect(errorOf(outcome)).toBeNull()
  })

  it('pool scale: a create refused part-way keeps the scale\'s keys, as on success, and the error (no pool up requested)', async () => {
    const {sim, api, deps} = await setup([refusedSecondCreate])
    const plan = await planPoolScale(api, pool, 12, false, [pool])
    const outcome = await runPoolScale(api, plan, {pool, target: 12, configured: [pool], force: false, userData: '#!/bin/bash\n', wait: null}, deps)
    expect(Object.keys(outcome)).toEqual(['pool', 'before', 'target', 'created', 'deleted', 'failed', 'cost', 'error'])
    expect([outcome.created.length, outcome.failed.length, outcome.error?.code]).toEqual([10, 2, 'no_capacity'])
    expect(sim.core.dropletList()).toHaveLength(10)
  })

  it('pool scale: a delete refused returns what was deleted and what not, with the error', async () => {
    const {sim, api, deps} = await setup()
    sim.core.seedDroplets({count: 3, namePrefix: `${pool.prefix}-old`, tags: ['velda', 'velda-pool:cpu']})
    sim.core.faults.add({method: 'DELETE', path: '/v2/droplets/*', nth: 1, action: {type: 'status', status: 422, body: {id: 'unprocessable_entity', message: 'Droplet is locked.'}}})
    const plan = await planPoolScale(api, pool, 1, false, [pool])
    const outcome = await runPoolScale(api, plan, {pool, target: 1, configured: [pool], force: false, userData: '', wait: null}, deps)
    expect(Object.keys(outcome)).toEqual(['pool', 'before', 'target', 'created', 'deleted', 'failed', 'error'])
    expect([outcome.deleted.length, outcome.failed.length, outcome.error?.exitCode]).toEqual([1, 1, ExitCode.partial])
    expect(outcome.failed[0]?.error).toMatch(/Droplet is locked/)
    expect(sim.core.dropletList()).toHaveLength(2)
  })

  it('an error key that is not one of velda-do\'s errors (a failed name\'s text) is not an outcome\'s error', () => {
    expect(errorOf({name: 'velda-x', error: 'Droplet is locked.'})).toBeNull()
    expect(errorOf(null)).toBeNull()
  })
})
