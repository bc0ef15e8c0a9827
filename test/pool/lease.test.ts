import {describe, expect, it} from 'vitest'

import {leaseExpiresAt, leaseExpiry, leaseTag} from '../../src/lib/pool/lease.js'
import {formatLease} from '../../src/lib/output/droplet-table.js'
import {formatSpan} from '../../src/lib/text/duration.js'

describe('leases as tags', () => {
  it.each([
    [Date.UTC(2026, 10, 28, 22, 0, 0), 'velda-expires:1795903200'],
    // Never shorter than asked: a lease ending 1 ms into a second ends at the next second.
    [Date.UTC(2026, 10, 28, 22, 0, 0) + 1, 'velda-expires:1795903201'],
  ])('the lease ending at %d is the tag %s, and reads back', (ms, tag) => {
    expect(leaseTag(ms)).toBe(tag)
    expect(leaseExpiry(['velda', tag])).toBe(Math.ceil(ms / 1000) * 1000)
  })

  it.each([
    [[], null],
    [['velda', 'velda-pool:cpu'], null],
    [['velda-expires:'], null],
    [['velda-expires:soon'], null],
    [['velda-expires:-5'], null],
    [['velda-expires:1e9'], null],
    [['velda-expires:1795903200'], '2026-11-28T22:00:00Z'],
    // A later run that shortened the lease wins.
    [['velda-expires:1795906800', 'velda-expires:1795903200'], '2026-11-28T22:00:00Z'],
    [['velda-expires:garbage', 'velda-expires:1795903200'], '2026-11-28T22:00:00Z'],
  ] as [string[], string | null][])('tags %j: expires %s', (tags, expected) => {
    expect(leaseExpiresAt(tags)).toBe(expected)
  })
})

describe('time left on a lease, as pool list shows it', () => {
  const now = Date.UTC(2026, 10, 28, 20, 0, 0)
  it.each([
    [null, '-'],
    ['2026-11-28T22:00:00Z', 'in 2h'],
    ['2026-11-28T23:12:30Z', 'in 3h12m'],
    ['2026-11-28T20:00:45Z', 'in 45s'],
    ['2026-11-30T00:00:00Z', 'in 1d4h'],
    ['2026-11-28T19:55:00Z', '5m ago'],
    ['2026-11-28T20:00:00Z', '0s ago'],
    ['not a time', '-'],
  ] as [string | null, string][])('%s: %s', (expiresAt, shown) => {
    expect(formatLease(expiresAt, now)).toBe(shown)
  })

  it.each([
    [0, '0s'],
    [59_999, '59s'],
    [60_000, '1m'],
    [3_600_000, '1h'],
    [3_660_000, '1h1m'],
    [86_400_000, '1d'],
    [90_000_000, '1d1h'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatSpan(ms)).toBe(text)
  })
})
