import {afterEach, describe, expect, it} from 'vitest'

import {parseFaultRule, patchJson} from '../../src/lib/simulator/faults.js'
import {type Simulator, startSimulator} from '../../src/lib/simulator/server.js'
import {runCli} from '../support/cli.js'
import {simAdminFetch} from '../support/sim-admin.js'

let sim: Simulator
afterEach(async () => {
  await sim?.close()
  for (const key of ['polluted', 'x']) Reflect.deleteProperty(Object.prototype, key)
})

const HOSTILE_PATHS = ['__proto__.polluted', 'droplets.constructor.prototype.polluted', 'constructor.prototype.polluted', 'meta.__proto__', 'prototype']

describe('patch-json paths cannot reach a prototype', () => {
  it.each(HOSTILE_PATHS)('refuses %s over the admin API with 400 naming the segment; the simulator answers on', async (path) => {
    sim = await startSimulator()
    for (const action of [{type: 'patch-json', set: {[path]: true}}, {type: 'patch-json', remove: [path]}]) {
      const refused = await simAdminFetch(sim, 'POST', 'faults', {path: '/v2/sizes', action})
      expect(refused.status).toBe(400)
      expect(await refused.json()).toEqual({error: expect.stringMatching(/^a patch-json path may not name "(__proto__|constructor|prototype)" \(__proto__, constructor, prototype lead out of the answer/)})
    }
    expect(sim.core.faults.list()).toEqual([])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    const sizes = await fetch(`${sim.url}/v2/sizes`, {headers: {authorization: `Bearer ${sim.token}`}})
    expect(sizes.status).toBe(200)
  })

  it('refuses them in --fault (exit 2) and in-process rules too', () => {
    expect(() => parseFaultRule({action: {type: 'patch-json', set: {'__proto__.polluted': 1}}})).toThrow(/may not name "__proto__"/)
    const result = runCli(['simulator', '--fault', '{"action": {"type": "patch-json", "set": {"constructor.prototype.polluted": 1}}}'])
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/may not name "constructor"/)
  })

  it.each(['droplets.length', 'droplets.0.tags.length', 'length'])('refuses %s (it would resize an array: -1 crashed the next answer) over the admin API and in --fault', async (path) => {
    sim = await startSimulator()
    for (const action of [{type: 'patch-json', set: {[path]: -1}}, {type: 'patch-json', remove: [path]}]) {
      const refused = await simAdminFetch(sim, 'POST', 'faults', {path: '/v2/droplets', action})
      expect([refused.status, await refused.json()]).toEqual([400, {error: `a patch-json path may not name "length" (it would resize an array: name the items, e.g. droplets.0, or remove them): ${path}`}])
    }
    expect(sim.core.faults.list()).toEqual([])
    const result = runCli(['simulator', '--fault', JSON.stringify({path: '/v2/droplets', action: {type: 'patch-json', set: {[path]: -1}}})])
    expect([result.status, result.stderr]).toEqual([2, expect.stringContaining('--fault: a patch-json path may not name "length"')])
  })

  it.each(['droplets.4294967294', 'droplets.10001', 'droplets.0.tags.99999999'])('refuses the array index of %s (past 10,000: an answer billions of items long) over the admin API and in --fault', async (path) => {
    sim = await startSimulator()
    const refused = await simAdminFetch(sim, 'POST', 'faults', {path: '/v2/droplets', action: {type: 'patch-json', set: {[path]: 1}}})
    expect([refused.status, await refused.json()]).toEqual([400, {error: expect.stringMatching(/^a patch-json path may not name an array index past 10000 \(\d+: the answer would be that long\): /)}])
    const result = runCli(['simulator', '--fault', JSON.stringify({path: '/v2/droplets', action: {type: 'patch-json', set: {[path]: 1}}})])
    expect([result.status, result.stderr]).toEqual([2, expect.stringContaining('--fault: a patch-json path may not name an array index past 10000')])
  })

  it('takes array indices up to 10,000, and a rule that was never checked still cannot resize an array', async () => {
    sim = await startSimulator()
    expect((await simAdminFetch(sim, 'POST', 'faults', {path: '/v2/droplets', action: {type: 'patch-json', set: {'droplets.10000': null, 'droplets.0': {}}}})).status).toBe(200)
    expect(patchJson('{"droplets": [1]}', {set: {'droplets.length': -1, 'droplets.4294967294': 1}})).toBe('{"droplets":[1]}')
  })

  it('walks own properties only, even for a rule that was never checked', () => {
    expect(patchJson('{"a": {}}', {set: {'__proto__.polluted': 1, 'a.constructor.x': 1}})).toBe('{"a":{}}')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(patchJson('{"a": {}}', {set: {'a.toString.x': 1}})).toBe('{"a":{"toString":{"x":1}}}')
    expect(patchJson('{"a": {}}', {remove: ['a.toString', 'hasOwnProperty']})).toBe('{"a":{}}')
  })

  it('POST /__sim/account changes only keys the account has as its own: __proto__ is not one', async () => {
    sim = await startSimulator()
    const answer = await simAdminFetch(sim, 'POST', 'account', JSON.parse('{"__proto__": {"x": 1}}'))
    expect([answer.status, await answer.json()]).toEqual([400, {error: expect.stringMatching(/^the account has no key __proto__/)}])
    expect(Object.getPrototypeOf(sim.core.catalog.account)).toBe(Object.prototype)
  })
})
