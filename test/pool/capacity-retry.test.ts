import {describe, expect, it} from 'vitest'

import {capacityRetryDelay, capacityWaitProgress, waitBeforeTry} from '../../src/lib/pool/capacity-retry.js'

describe('the wait between two tries for capacity', () => {
  it.each([
    [1, 0.5, 1_000],
    [2, 0.5, 2_000],
    [3, 0.5, 4_000],
    [9, 0.5, 256_000],
    // Doubling stops at 5 minutes, jitter included.
    [10, 0.5, 300_000],
    [10, 0.999, 300_000],
    [40, 0.5, 300_000],
    // ±20%: runs started together do not ask at the same moment.
    [3, 0, 3_200],
    [3, 0.999, 4_798],
    [10, 0, 240_000],
  ])('after %i tries in a row that created nothing, with jitter %f: %i ms', (idle, random, expected) => {
    expect(capacityRetryDelay(idle, () => random)).toBe(expected)
  })

  it.each([
    ['well before the deadline: the whole wait', 40_000, 60_000, 7_200_000, 40_000],
    ['near it: only up to it, so the last try is made when the time is up', 40_000, 7_190_000, 7_200_000, 10_000],
    ['past it: none', 40_000, 7_300_000, 7_200_000, 0],
  ])('%s', (_what, delay, elapsed, timeout, expected) => {
    expect(waitBeforeTry(delay, elapsed, timeout)).toBe(expected)
  })

  it('says how far, when the next try is, and how long of how long', () => {
    expect(capacityWaitProgress({created: 12, requested: 25, nextInMs: 39_400, elapsedMs: 185_900, timeoutMs: 7_200_000})).toBe('12/25 created, waiting for capacity (next try in 40s), 3m5s of 2h')
  })
})
