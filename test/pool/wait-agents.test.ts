import {describe, expect, it} from 'vitest'

import type {PoolDroplet} from '../../src/lib/pool/membership.js'
import type {MemberState, MemberStatus} from '../../src/lib/pool/pool-status.js'
import {waitForAgents} from '../../src/lib/pool/wait-agents.js'

const member = (id: number) => ({id, name: `velda-930b7ad6-m${id}`, status: 'active'}) as PoolDroplet
const row = (m: PoolDroplet, state: MemberState): MemberStatus => ({id: m.id, name: m.name, status: 'active', address: null, state, detail: state, boot: null, gpu: null, agent: null, last_line: null})

describe('--wait-for agent: which members are waited for again', () => {
  it.each<MemberState>(['gpu-missing', 'gpu-errors'])('a member whose agent runs but whose GPUs are %s is settled: probed once, not waited for', async (state) => {
    const members = [member(1), member(2)]
    let clock = 0
    const probed: number[][] = []
    const outcome = await waitForAgents(members, {timeoutMs: 60_000, pollIntervalMs: 5_000, startedAt: 0}, {
      probe: async (open) => {
        probed.push(open.map((m) => m.id))
        return {pool: 'gpu', members: open.map((m) => row(m, m.id === 1 ? state : probed.length > 1 ? 'healthy' : 'booting')), healthy: 0}
      },
      now: () => clock,
      sleep: async (ms) => {
        clock += ms
      },
      isInterrupted: () => false,
      onProgress: () => {},
    })
    expect(probed).toEqual([[1, 2], [2]])
    expect(outcome.members.map((m) => m.state)).toEqual([state, 'healthy'])
  })

  it('a member whose address is refused (bad-address) is settled: probed once, not polled until the timeout', async () => {
    const members = [member(1), member(2)]
    let clock = 0
    const probed: number[][] = []
    const outcome = await waitForAgents(members, {timeoutMs: 60_000, pollIntervalMs: 5_000, startedAt: 0}, {
      probe: async (open) => {
        probed.push(open.map((m) => m.id))
        // Member 2 comes up on the second probe; member 1's address is never one to dial.
        return {pool: 'gpu', members: open.map((m) => row(m, m.id === 1 ? 'bad-address' : probed.length > 1 ? 'healthy' : 'booting')), healthy: 0}
      },
      now: () => clock,
      sleep: async (ms) => {
        clock += ms
      },
      isInterrupted: () => false,
      onProgress: () => {},
    })
    expect(probed).toEqual([[1, 2], [2]])
    expect(outcome.done).toBe(true)
    expect(outcome.members.map((m) => m.state)).toEqual(['bad-address', 'healthy'])
  })
})
