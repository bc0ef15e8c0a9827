import {describe, expect, it} from 'vitest'

import {ApiError, NetworkError} from '../../src/lib/do/errors.js'
import {delayBeforeRetry} from '../../src/lib/do/retry-policy.js'

const NOW = Date.UTC(2026, 10, 27, 10, 0, 0)
const clock = {now: () => NOW, random: () => 0.5}
const createsOwnBackoff = {...clock, baseDelayMs: 2_000, maxDelayMs: 30_000}

function answered(status: number, headers: Record<string, string> = {}): ApiError {
  const error = new ApiError(status, null, 'no message', null, {method: 'POST', path: '/v2/droplets', attempts: 1})
  error.headers = new Headers(headers)
  return error
}

describe('delayBeforeRetry: how long to wait before sending a failed request again', () => {
  it.each([
    ['a 429 with retry-after in seconds', answered(429, {'retry-after': '7'}), 7_000],
    ['a 429 with retry-after as an HTTP date', answered(429, {'retry-after': new Date(NOW + 9_000).toUTCString()}), 9_000],
    ['a 429 with no requests left, until ratelimit-reset', answered(429, {'ratelimit-remaining': '0', 'ratelimit-reset': String(NOW / 1000 + 12)}), 12_000],
    ['a 503 with retry-after, as the transport waits it', answered(503, {'retry-after': '2'}), 2_000],
  ])('waits as DigitalOcean told after %s, whatever the attempt', (_name, error, expected) => {
    expect(delayBeforeRetry(error, 1, createsOwnBackoff)).toBe(expected)
    expect(delayBeforeRetry(error, 4, createsOwnBackoff)).toBe(expected)
  })

  it.each([
    // attempt, then the wait at random 0.5 worked out by hand: half of min(30 s, 2 s doubling) fixed, a quarter more.
    [1, 1_500],
    [3, 6_000],
    [6, 22_500],
  ])('backs off from the caller\'s base when nothing was told: attempt %i waits %i ms', (attempt, expected) => {
    expect(delayBeforeRetry(answered(500), attempt, createsOwnBackoff)).toBe(expected)
    expect(delayBeforeRetry(new NetworkError({method: 'POST', origin: 'https://api.digitalocean.com', path: '/v2/droplets', attempts: 1}, 'connection dropped', 'ECONNRESET'), attempt, createsOwnBackoff)).toBe(expected)
  })

  it('ignores ratelimit-reset on anything but a 429, and while requests are left', () => {
    const reset = String(NOW / 1000 + 12)
    expect(delayBeforeRetry(answered(503, {'ratelimit-remaining': '0', 'ratelimit-reset': reset}), 1, createsOwnBackoff)).toBe(1_500)
    expect(delayBeforeRetry(answered(429, {'ratelimit-remaining': '3', 'ratelimit-reset': reset}), 1, createsOwnBackoff)).toBe(1_500)
  })

  it('backs off by the transport\'s own policy (0.5 s doubling to at most 8 s) when the caller gives none', () => {
    expect([1, 2, 5, 9].map((attempt) => delayBeforeRetry(new Error('anything'), attempt, clock))).toEqual([375, 750, 6_000, 6_000])
  })
})
