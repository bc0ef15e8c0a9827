import {describe, expect, it} from 'vitest'

import {backoffDelay, decideRetry, DEFAULT_RETRY_POLICY, type Outcome} from '../../src/lib/do/retry-policy.js'

const NOW = Date.UTC(2026, 10, 27, 10, 0, 0)
const policy = DEFAULT_RETRY_POLICY
const status = (code: number, headers: Record<string, string> = {}): Outcome => ({kind: 'status', status: code, headers: new Headers(headers)})
const half = () => 0.5

describe('retry decisions', () => {
  it.each([
    ['GET 500, first attempt', status(500), 1, 'GET', {retry: true, delayMs: 375}],
    ['GET 502, third attempt: backoff doubles', status(502), 3, 'GET', {retry: true, delayMs: 1500}],
    ['DELETE 503', status(503), 1, 'DELETE', {retry: true, delayMs: 375}],
    ['GET 504', status(504), 2, 'GET', {retry: true, delayMs: 750}],
    ['GET 429 with retry-after', status(429, {'retry-after': '7'}), 1, 'GET', {retry: true, delayMs: 7000}],
    ['GET 429 with an HTTP-date retry-after', status(429, {'retry-after': new Date(NOW + 9000).toUTCString()}), 1, 'GET', {retry: true, delayMs: 9000}],
    ['GET 429 with only ratelimit-reset', status(429, {'ratelimit-remaining': '0', 'ratelimit-reset': String(NOW / 1000 + 12)}), 1, 'GET', {retry: true, delayMs: 12000}],
    ['GET 429 with nothing said', status(429), 1, 'GET', {retry: true, delayMs: 375}],
    ['GET 503 with retry-after', status(503, {'retry-after': '2'}), 1, 'GET', {retry: true, delayMs: 2000}],
    ['GET 429 asking for the longest wait velda-do honours (2 minutes)', status(429, {'retry-after': '120'}), 1, 'GET', {retry: true, delayMs: 120_000}],
    ['a network error', {kind: 'network', reason: 'connection dropped'} as Outcome, 1, 'GET', {retry: true, delayMs: 375}],
    ['a timeout', {kind: 'timeout'} as Outcome, 2, 'DELETE', {retry: true, delayMs: 750}],
  ])('%s: retried', (_name, outcome, attempt, method, expected) => {
    expect(decideRetry(outcome, attempt, method, policy, NOW, half)).toMatchObject(expected)
  })

  it.each([
    ['422', status(422), 1, 'GET', undefined],
    ['404', status(404), 1, 'DELETE', undefined],
    ['401', status(401), 1, 'GET', undefined],
    ['POST 500', status(500), 1, 'POST', /POST is not retried/],
    ['POST 429', status(429, {'retry-after': '1'}), 1, 'POST', /POST is not retried/],
    ['POST network error', {kind: 'network', reason: 'x'} as Outcome, 1, 'POST', /may have been performed/],
    ['a network error waiting cannot heal (host not found)', {kind: 'network', reason: 'x', retryable: false} as Outcome, 1, 'GET', /waiting would not help/],
    ['the last attempt', status(503), 5, 'GET', /gave up after 5 attempts/],
    ['a wait longer than velda-do waits', status(429, {'retry-after': '3600'}), 1, 'GET', /asks to wait 3600s/],
    ['a wait a second past the two minutes velda-do waits', status(429, {'retry-after': '121'}), 1, 'GET', /asks to wait 121s, longer than velda-do waits \(120s\)/],
  ])('%s: not retried', (_name, outcome, attempt, method, why) => {
    const decision = decideRetry(outcome, attempt, method, policy, NOW, half)
    expect(decision.retry).toBe(false)
    if (why) expect(decision).toMatchObject({why: expect.stringMatching(why)})
  })

  it('retries the one idempotent POST, a project assignment (by id or default), and no other POST', () => {
    const retried = (path: string) => decideRetry(status(500), 1, 'POST', policy, NOW, half, path).retry
    expect(retried('/v2/projects/4e1bfbc3-dc3e-41f2-a18f-1b4d7ba71679/resources')).toBe(true)
    expect(retried('/v2/projects/default/resources')).toBe(true)
    expect(retried('/v2/droplets')).toBe(false)
    expect(retried('/v2/projects')).toBe(false)
    expect(retried('/v2/projects/x/resources/more')).toBe(false)
  })

  it('retries making a tag and tagging droplets (each changes nothing when repeated), and no other tag POST', () => {
    const retried = (path: string) => decideRetry({kind: 'network', reason: 'connection dropped'}, 1, 'POST', policy, NOW, half, path).retry
    expect(retried('/v2/tags')).toBe(true)
    expect(retried('/v2/tags/velda-do-bulk-delete:00/resources')).toBe(true)
    expect(retried('/v2/tags/x/resources/more')).toBe(false)
    expect(retried('/v2/tagsx')).toBe(false)
  })

  it.each([
    ['a 500', status(500), false],
    ['a 503 that says when', status(503, {'retry-after': '1'}), false],
    ['a lost answer', {kind: 'network', reason: 'connection dropped'} as Outcome, false],
    ['a timeout', {kind: 'timeout'} as Outcome, false],
    ['a 429 (nothing was done)', status(429, {'retry-after': '1'}), true],
  ])('a delete by tag after %s: retried %s (the caller lists to learn what it did)', (_name, outcome, expected) => {
    const decision = decideRetry(outcome, 1, 'DELETE', policy, NOW, half, '/v2/droplets')
    expect(decision.retry).toBe(expected)
    if (!expected) expect(decision).toMatchObject({why: expect.stringMatching(/a delete by tag is not sent again/)})
    // A droplet's own delete is as it was: a lost answer is asked again (a 404 then says it went).
    expect(decideRetry(outcome, 1, 'DELETE', policy, NOW, half, '/v2/droplets/3164444').retry).toBe(true)
  })
})

describe('backoff', () => {
  // The numbers are worked out by hand from the README's promise (5 attempts, 0.5 s doubling to at most 8 s, half
  // of each step fixed and half random), not from the formula under test.
  it.each([
    // attempt, random 0 (the floor), random 0.5, random 1 (the ceiling)
    [1, 250, 375, 500],
    [2, 500, 750, 1000],
    [3, 1000, 1500, 2000],
    [4, 2000, 3000, 4000],
    [5, 4000, 6000, 8000],
    [6, 4000, 6000, 8000],
    [10, 4000, 6000, 8000],
  ])('attempt %i waits %i ms at random 0, %i at 0.5, %i at 1', (attempt, floor, middle, ceiling) => {
    expect(backoffDelay(attempt, policy, () => 0)).toBe(floor)
    expect(backoffDelay(attempt, policy, () => 0.5)).toBe(middle)
    expect(backoffDelay(attempt, policy, () => 1)).toBe(ceiling)
  })
})
