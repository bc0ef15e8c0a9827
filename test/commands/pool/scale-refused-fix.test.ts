import {describe, expect, it} from 'vitest'

import PoolScale from '../../../src/commands/pool/scale.js'
import type {Droplet} from '../../../src/lib/do/types.js'
import {runCommand} from '../../support/command.js'
import {FakeApi, unprocessable} from '../../support/fake-api.js'
import {writeCpuPoolConfig} from '../../support/pools.js'

describe('pool scale: a create refused part-way suggests the --to that fits, counting what the run created', () => {
  it('--to 25 on an empty pool, 10 created, then the account filled by someone else: --to 15, never a --to that would delete', async () => {
    let creates = 0
    const api: FakeApi = new FakeApi({
      account: {droplet_limit: 30},
      fail: {
        // The second create finds the account filled meanwhile (15 droplets of another machine's): room for 5.
        createDroplets: () => {
          creates++
          if (creates !== 2) return null
          const other = api.droplets[0] as Droplet
          api.droplets.push(...Array.from({length: 15}, (_v, i): Droplet => ({...other, id: 9000 + i, name: `other-${i}`, tags: []})))
          return unprocessable('quota reached')
        },
      },
    })
    const run = await runCommand(PoolScale, ['cpu', '--to', '25', '-c', writeCpuPoolConfig('scale-refused-fix'), '--json'], {api})
    expect(run.status).toBe(4)
    const output = JSON.parse(run.stdout) as {created: unknown[]; error: {code: string; suggestions: string[]}}
    // docs/cli.md's keys, as on success, and a refused create's `refusal` beside `error`: no `requested` (pool up's).
    expect(Object.keys(output)).toEqual(['pool', 'before', 'target', 'created', 'deleted', 'failed', 'cost', 'refusal', 'error'])
    expect(output.created).toHaveLength(10)
    expect(output.error.code).toBe('droplet_limit')
    // 10 exist now and 5 more fit: 15 in all. `--to 5`, as it said before, would have deleted 5 of the 10 just made.
    expect(output.error.suggestions[0]).toBe('scale to at most 15: --to 15')
  })
})
