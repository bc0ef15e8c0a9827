import {describe, expect, it} from 'vitest'

import type {DigitalOceanApi} from '../../src/lib/do/client.js'
import {ExitCode, type VeldaError} from '../../src/lib/base/errors.js'
import type {PoolDroplet} from '../../src/lib/pool/membership.js'
import {type AccountReap, type PoolReapOutcome, runReap} from '../../src/lib/pool/pool-reap.js'
import type {ReapPlan} from '../../src/lib/pool/reap-selection.js'

const droplet = (id: number): PoolDroplet => ({
  id, name: `velda-${id}`, pool: 'p', status: 'active', region: 'nyc3', size: 's-1vcpu-1gb', image: 'x', public_ipv4: null, private_ipv4: null,
  public_ipv6: null, created_at: '2026-11-28T20:00:00Z', tags: ['velda'], price_hourly: null, expires_at: '2026-11-28T20:30:00Z',
})
const plan = (pool: string, ids: number[]): ReapPlan => ({pool, reap: ids.map((id) => ({droplet: droplet(id), reason: 'expired', detail: `lease ended ${id}m ago`})), kept: [], sharedLeftAlone: []})

/** An account whose deletes succeed, except those of `refused`; it records what it was asked to delete. */
function account(plans: ReapPlan[], refused: number[] = []): AccountReap & {asked: number[]} {
  const asked: number[] = []
  const api = {
    deleteDroplet: async (id: number) => {
      asked.push(id)
      if (refused.includes(id)) throw new Error('Droplet is locked.')
      return 'deleted' as const
    },
  } as unknown as DigitalOceanApi
  return {api, plans, asked}
}
const quiet = {isInterrupted: () => false, onProgress: () => {}}

/** The outcome of a reap that must have ended with an error (no throw): the error, and what it did. */
async function ended(run: Promise<PoolReapOutcome>): Promise<{error: VeldaError; done: PoolReapOutcome}> {
  const done = await run
  if (!done.error) throw new Error('runReap did not fail')
  return {error: done.error, done}
}

describe('pool reap across accounts', () => {
  it('deletes in every account, with each droplet\'s pool, reason and its detail', async () => {
    const a = account([plan('a', [1, 2])])
    const b = account([plan('b', [3])])
    const result = await runReap([a, b], quiet)
    expect(result.reaped).toEqual([
      {id: 1, name: 'velda-1', pool: 'a', reason: 'expired', detail: 'lease ended 1m ago'},
      {id: 2, name: 'velda-2', pool: 'a', reason: 'expired', detail: 'lease ended 2m ago'},
      {id: 3, name: 'velda-3', pool: 'b', reason: 'expired', detail: 'lease ended 3m ago'},
    ])
    expect([a.asked, b.asked]).toEqual([[1, 2], [3]])
  })

  it('a first account that refuses every delete does not stop the second; some reaped is exit 4, both listed', async () => {
    const a = account([plan('a', [1])], [1])
    const b = account([plan('b', [2])])
    const {error, done} = await ended(runReap([a, b], quiet))
    expect(b.asked).toEqual([2])
    expect(error.exitCode).toBe(ExitCode.partial)
    expect(done).toMatchObject({reaped: [{id: 2, pool: 'b'}], failed: [{id: 1, pool: 'a', error: 'Droplet is locked.'}]})
  })

  it('nothing reaped anywhere is an API error (exit 3), not a partial one', async () => {
    const {error} = await ended(runReap([account([plan('a', [1])], [1]), account([plan('b', [2])], [2])], quiet))
    expect(error.exitCode).toBe(ExitCode.api)
  })

  it('stopped: nothing more is sent, in this account or the next; exit 130 with every droplet listed', async () => {
    let stopped = false
    const a = account([plan('a', [1, 2])])
    const b = account([plan('b', [3])])
    a.api.deleteDroplet = async () => {
      stopped = true
      return 'deleted'
    }
    const {error, done: partial} = await ended(runReap([a, b], {isInterrupted: () => stopped, onProgress: () => {}}))
    expect(error.exitCode).toBe(ExitCode.interrupted)
    expect(b.asked).toEqual([])
    expect([partial.reaped.length, partial.failed.map((f) => f.error)]).toEqual([1, ['not attempted: interrupted', 'not attempted: interrupted']])
  })
})
