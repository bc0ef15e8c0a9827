import {describe, expect, it} from 'vitest'

import {ApiError} from '../../src/lib/do/errors.js'
import type {PoolDroplet} from '../../src/lib/pool/membership.js'
import {runScaleUp} from '../../src/lib/pool/create-batches.js'
import {planScaleUp} from '../../src/lib/pool/scale-up-plan.js'
import {poolFromYaml} from '../support/pools.js'
import {scaleUpDeps} from '../support/scale-up-deps.js'

const pool = poolFromYaml('size: s-1vcpu-1gb\nregion: nyc3\nimage: ubuntu-24-04-x64', {}, 'cpu')
const droplet = (name: string): PoolDroplet => ({
  id: name.length, name, pool: 'cpu', status: 'new', region: 'nyc3', size: 's-1vcpu-1gb', image: 'x',
  public_ipv4: null, private_ipv4: null, public_ipv6: null, created_at: '', tags: [], price_hourly: 0.00893, expires_at: null,
})
const serverError = () => new ApiError(503, 'server_error', 'down', null, {method: 'POST', path: '/v2/droplets', attempts: 1})

const deps = scaleUpDeps

describe('running a scale-up', () => {
  it('stops at once on Ctrl-C during a wait before creating again: nothing more is created', async () => {
    const plan = planScaleUp({pool, count: 12, userData: '', existingNames: new Set()})
    let interrupted = false
    let creates = 0
    const outcome = await runScaleUp(plan, deps({
      createDroplets: async () => {
        creates++
        throw serverError()
      },
      sleep: async () => {
        interrupted = true
      },
      isInterrupted: () => interrupted,
    }))
    expect(creates).toBe(1)
    expect(outcome.interrupted).toBe(true)
    expect(outcome.created).toEqual([])
    expect(outcome.failed.map((f) => f.error)).toEqual(Array(12).fill('not attempted: interrupted'))
  })

  it('counts a failure it cannot check as uncertain, never as nothing created', async () => {
    const plan = planScaleUp({pool, count: 2, userData: '', existingNames: new Set()})
    const outcome = await runScaleUp(plan, deps({
      createDroplets: async () => {
        throw new Error('unsupported type during deserialization')
      },
      listPool: async () => {
        throw serverError()
      },
    }))
    expect(outcome.uncertain).toBe(true)
    expect(outcome.failed[0]?.error).toMatch(/^unknown: unsupported type during deserialization; the pool could not be listed/)
  })

  it('treats an error that is not DigitalOcean\'s refusal as ambiguous, and finds what was made', async () => {
    const plan = planScaleUp({pool, count: 2, userData: '', existingNames: new Set()})
    const names = plan.batches[0]?.names ?? []
    const outcome = await runScaleUp(plan, deps({
      createDroplets: async () => {
        throw new Error('unsupported type during deserialization')
      },
      listPool: async () => names.map(droplet),
    }))
    expect(outcome.created.map((d) => d.name)).toEqual(names)
    expect(outcome.failed).toEqual([])
  })
})
