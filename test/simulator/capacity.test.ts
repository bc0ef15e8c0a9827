import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {CapacitySpecError, parseCapacitySpec, parseCapacitySpecs} from '../../src/lib/simulator/capacity.js'
import {SimulatorCore} from '../../src/lib/simulator/core.js'
import {REFUSALS} from '../../src/lib/simulator/droplet-store.js'
import {type AdminSimulator, startAdminSimulator} from '../support/in-process-simulator.js'

const TOKEN = 'dop_v1_capacity'
const START = Date.UTC(2026, 11, 4, 22, 0, 0)

describe('parseCapacitySpec: SIZE@REGION=N[,+M/PERIOD], strictly', () => {
  it.each([
    ['s-1vcpu-1gb@nyc3=3', {size: 's-1vcpu-1gb', region: 'nyc3', free: 3}],
    ['gpu-mi300x1-192gb-devcloud@atl1=0', {size: 'gpu-mi300x1-192gb-devcloud', region: 'atl1', free: 0}],
    ['gpu-mi300x1-192gb-devcloud@atl1=3,+5/30s', {size: 'gpu-mi300x1-192gb-devcloud', region: 'atl1', free: 3, refill: {count: 5, everyMs: 30_000}}],
    ['s-1vcpu-1gb@nyc3=10,+1/1m30s', {size: 's-1vcpu-1gb', region: 'nyc3', free: 10, refill: {count: 1, everyMs: 90_000}}],
    [' s-1vcpu-1gb@nyc3=1 ', {size: 's-1vcpu-1gb', region: 'nyc3', free: 1}],
  ])('%j reads as %j', (text, rule) => {
    expect(parseCapacitySpec(text)).toEqual(rule)
  })

  it.each([
    ['', /is not SIZE@REGION=N/],
    ['s-1vcpu-1gb=3', /is not SIZE@REGION=N/],
    ['s-1vcpu-1gb@nyc3', /is not SIZE@REGION=N/],
    ['S-1VCPU-1GB@NYC3=3', /is not SIZE@REGION=N/],
    ['s-1vcpu-1gb@nyc3=', /the free count "" is not a whole number/],
    ['s-1vcpu-1gb@nyc3=-1', /the free count "-1" is not a whole number/],
    ['s-1vcpu-1gb@nyc3=2.5', /the free count "2.5" is not a whole number/],
    ['s-1vcpu-1gb@nyc3=99999999999999999999', /the free count "99999999999999999999"/],
    ['s-1vcpu-1gb@nyc3=3,5/30s', /"5\/30s" is not \+M\/PERIOD/],
    ['s-1vcpu-1gb@nyc3=3,+5', /"\+5" is not \+M\/PERIOD/],
    ['s-1vcpu-1gb@nyc3=3,+0/30s', /the freed count "0" is not a whole number, 1 or more/],
    ['s-1vcpu-1gb@nyc3=3,+5/30', /the period "30"/],
    ['s-1vcpu-1gb@nyc3=3,+5/0s', /the period "0s"/],
    ['s-1vcpu-1gb@nyc3=3,+5/2d', /the period "2d"/],
  ])('%j is refused: %s, with the fix', (text, message) => {
    let thrown: unknown
    try {
      parseCapacitySpec(text)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(CapacitySpecError)
    expect((thrown as CapacitySpecError).message).toMatch(message)
    expect((thrown as CapacitySpecError).fix).toBe('write SIZE@REGION=N or SIZE@REGION=N,+M/PERIOD, e.g. gpu-mi300x1-192gb-devcloud@atl1=3,+5/30s')
  })

  it('one spec per SIZE@REGION: a second for the same pair is refused', () => {
    expect(parseCapacitySpecs(['s-1vcpu-1gb@nyc3=1', 's-1vcpu-1gb@sfo3=2'])).toHaveLength(2)
    expect(() => parseCapacitySpecs(['s-1vcpu-1gb@nyc3=1', 's-1vcpu-1gb@nyc3=2'])).toThrow('s-1vcpu-1gb@nyc3 is given twice')
  })
})

describe('the simulator with capacity (its clock injected)', () => {
  let clock = START
  const core = (specs: string[]) => new SimulatorCore({token: TOKEN, now: () => clock, capacity: parseCapacitySpecs(specs)})
  const ask = (sim: SimulatorCore, method: string, url: string, body?: unknown) => {
    const {answer} = sim.handle({method, url, authorization: `Bearer ${TOKEN}`, body: body === undefined ? '' : JSON.stringify(body)})
    if (answer.kind !== 'answer') throw new Error('no answer')
    return {status: answer.status, json: answer.body === null ? null : (JSON.parse(answer.body) as Record<string, unknown>)}
  }
  let n = 0
  const create = (sim: SimulatorCore, count: number, size = 's-1vcpu-1gb', region = 'nyc3') =>
    ask(sim, 'POST', '/v2/droplets', {names: Array.from({length: count}, () => `cap-${++n}`), size, region, image: 'ubuntu-24-04-x64'})
  const refused = {status: 422, json: {id: 'unprocessable_entity', message: REFUSALS.sizeUnavailable}}
  const free = (sim: SimulatorCore) => (ask(sim, 'GET', '/__sim/state').json as {capacity: Record<string, {free: number}>}).capacity

  it('creates within it; past it the 422 of a region out of that size; other sizes and regions unlimited', () => {
    clock = START
    const sim = core(['s-1vcpu-1gb@nyc3=3'])
    expect(create(sim, 2).status).toBe(202)
    expect(create(sim, 1).status).toBe(202)
    expect(create(sim, 1)).toMatchObject(refused)
    expect(create(sim, 10, 's-1vcpu-1gb', 'sfo3').status).toBe(202)
    expect(create(sim, 5, 's-1vcpu-2gb', 'nyc3').status).toBe(202)
    expect(sim.allDroplets().filter((d) => d.region.slug === 'nyc3' && d.size.slug === 's-1vcpu-1gb')).toHaveLength(3)
    expect(free(sim)).toEqual({'s-1vcpu-1gb@nyc3': {free: 0, spec: 's-1vcpu-1gb@nyc3=3'}})
  })

  it('a multi-create is all or nothing: 10 names with 3 free make none, then 3 are made', () => {
    clock = START
    const sim = core(['s-1vcpu-1gb@nyc3=3'])
    expect(create(sim, 10)).toMatchObject(refused)
    expect(sim.allDroplets()).toHaveLength(0)
    expect(free(sim)['s-1vcpu-1gb@nyc3']?.free).toBe(3)
    expect(create(sim, 3).status).toBe(202)
    expect(sim.allDroplets()).toHaveLength(3)
  })

  it('frees M every period on the clock, counted from the start, whole periods only', () => {
    clock = START
    const sim = core(['s-1vcpu-1gb@nyc3=0,+5/30s'])
    expect(create(sim, 1)).toMatchObject(refused)
    clock = START + 29_999
    expect(create(sim, 1)).toMatchObject(refused)
    clock = START + 30_000
    expect(create(sim, 6)).toMatchObject(refused)
    expect(create(sim, 5).status).toBe(202)
    expect(create(sim, 1)).toMatchObject(refused)
    // Two more periods (at 60 s and 90 s), looked at only at 95 s: both counted.
    clock = START + 95_000
    expect(free(sim)['s-1vcpu-1gb@nyc3']?.free).toBe(10)
    expect(create(sim, 10).status).toBe(202)
  })

  it('a delete frees its place at once (one by id, or all of a tag)', () => {
    clock = START
    const sim = core(['s-1vcpu-1gb@nyc3=2'])
    const made = create(sim, 2).json as {droplets: {id: number}[]}
    expect(create(sim, 1)).toMatchObject(refused)
    expect(ask(sim, 'DELETE', `/v2/droplets/${made.droplets[0]?.id}`).status).toBe(204)
    expect(create(sim, 1).status).toBe(202)
    expect(create(sim, 1)).toMatchObject(refused)
    // A 404 delete frees nothing.
    expect(ask(sim, 'DELETE', `/v2/droplets/${made.droplets[0]?.id}`).status).toBe(404)
    expect(create(sim, 1)).toMatchObject(refused)
    // Deleting all of a tag frees every place it held.
    expect(ask(sim, 'DELETE', `/v2/droplets/${made.droplets[1]?.id}`).status).toBe(204)
    expect(ask(sim, 'POST', '/v2/droplets', {names: ['t-1'], size: 's-1vcpu-1gb', region: 'nyc3', image: 'ubuntu-24-04-x64', tags: ['gone']}).status).toBe(202)
    expect(create(sim, 1)).toMatchObject(refused)
    expect(ask(sim, 'DELETE', '/v2/droplets?tag_name=gone').status).toBe(204)
    expect(free(sim)['s-1vcpu-1gb@nyc3']?.free).toBe(1)
  })

  it('a request refused for another reason is refused for that, and takes no capacity', () => {
    clock = START
    const sim = core(['s-1vcpu-1gb@nyc3=1'])
    expect(ask(sim, 'POST', '/v2/droplets', {names: ['a'], size: 's-1vcpu-1gb', region: 'nyc3', image: 'no-such-image'})).toMatchObject({status: 422, json: {message: REFUSALS.invalidImage}})
    expect(create(sim, 1).status).toBe(202)
  })

  it('POST /__sim/capacity sets pairs from now and lifts them; a bad one is 400 and changes nothing; reset restores --capacity', () => {
    clock = START
    const sim = core(['s-1vcpu-1gb@nyc3=1'])
    expect(ask(sim, 'POST', '/__sim/capacity', {capacity: ['s-1vcpu-2gb@sfo3=2,+1/1m']})).toEqual({
      status: 200,
      json: {capacity: {'s-1vcpu-1gb@nyc3': {free: 1, spec: 's-1vcpu-1gb@nyc3=1'}, 's-1vcpu-2gb@sfo3': {free: 2, spec: 's-1vcpu-2gb@sfo3=2,+1/1m'}}},
    })
    expect(create(sim, 3, 's-1vcpu-2gb', 'sfo3')).toMatchObject(refused)
    for (const [body, error] of [
      [{capacity: ['s-1vcpu-2gb@sfo3=x']}, /the free count "x" is not a whole number, 0 or more: write SIZE@REGION=N/],
      [{capacity: ['no-such-size@sfo3=1']}, /the catalog has no size no-such-size/],
      [{capacity: ['s-1vcpu-2gb@mars1=1']}, /the catalog has no region mars1/],
      [{capacity: [3]}, /"capacity" is a list of strings/],
      [{capacity: ['s-1vcpu-2gb@sfo3=9', 'bad']}, /"bad" is not SIZE@REGION/],
      [{free: 3}, /unknown key free/],
    ] as const) {
      expect(ask(sim, 'POST', '/__sim/capacity', body), JSON.stringify(body)).toEqual({status: 400, json: {error: expect.stringMatching(error)}})
    }
    expect(free(sim)['s-1vcpu-2gb@sfo3']?.free).toBe(2)
    expect(ask(sim, 'POST', '/__sim/capacity', {unlimited: ['s-1vcpu-2gb@sfo3']}).json).toEqual({capacity: {'s-1vcpu-1gb@nyc3': {free: 1, spec: 's-1vcpu-1gb@nyc3=1'}}})
    expect(create(sim, 3, 's-1vcpu-2gb', 'sfo3').status).toBe(202)
    ask(sim, 'POST', '/__sim/capacity', {capacity: 's-1vcpu-1gb@nyc3=0'})
    ask(sim, 'POST', '/__sim/reset')
    expect(free(sim)).toEqual({'s-1vcpu-1gb@nyc3': {free: 1, spec: 's-1vcpu-1gb@nyc3=1'}})
  })
})

describe('POST /__sim/capacity over HTTP', () => {
  let sim: AdminSimulator
  beforeAll(async () => {
    sim = await startAdminSimulator({})
  })
  afterAll(async () => {
    await sim.close()
  })

  it('wants the simulator token, as every admin endpoint does, and sets nothing without it', async () => {
    const response = await fetch(`${sim.url}/__sim/capacity`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({capacity: ['s-1vcpu-1gb@nyc3=0']})})
    expect(response.status).toBe(401)
    expect((await sim.admin('GET', 'state')).capacity).toEqual({})
    expect(await sim.admin('POST', 'capacity', {capacity: ['s-1vcpu-1gb@nyc3=0']})).toEqual({capacity: {'s-1vcpu-1gb@nyc3': {free: 0, spec: 's-1vcpu-1gb@nyc3=0'}}})
  })
})
