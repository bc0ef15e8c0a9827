import {describe, expect, it} from 'vitest'

import {formatDuration, MAX_DURATION_MS, parseDuration} from '../../src/lib/text/duration.js'
import {UsageError} from '../../src/lib/base/errors.js'

function refusal(run: () => unknown): UsageError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    return error as UsageError
  }
  throw new Error('the duration was accepted')
}

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['5s', 5_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1_500],
    ['0', 0],
    ['24h', MAX_DURATION_MS],
  ])('reads %s as %i ms', (text, ms) => {
    expect(parseDuration(text, '--poll-interval')).toBe(ms)
  })

  it('refuses more than 24 hours by default: Node timers fire at once past 2^31-1 ms', () => {
    const error = refusal(() => parseDuration('999999h', '--poll-interval'))
    expect(error.message).toBe('--poll-interval 999999h is longer than 24h, the longest velda-do waits')
    expect(error.suggestions).toEqual(['give --poll-interval at most 24h'])
    expect(refusal(() => parseDuration(`${'9'.repeat(400)}h`, '--wait-timeout')).message).toMatch(/is longer than 24h/)
    expect(refusal(() => parseDuration('24h1ms', '--wait-timeout')).message).toMatch(/is longer than 24h/)
  })

  it('applies the limits it is given, and refuses 0 when there is a minimum', () => {
    const limits = {minMs: 1_000, maxMs: 600_000}
    expect(parseDuration('1s', '$VELDA_DO_REQUEST_TIMEOUT', limits)).toBe(1_000)
    expect(parseDuration('10m', '$VELDA_DO_REQUEST_TIMEOUT', limits)).toBe(600_000)
    expect(refusal(() => parseDuration('99999999h', '$VELDA_DO_REQUEST_TIMEOUT', limits)).message)
      .toBe('$VELDA_DO_REQUEST_TIMEOUT=99999999h is longer than 10m, the longest velda-do waits')
    expect(refusal(() => parseDuration('500ms', '--poll-interval', limits)).message)
      .toBe('--poll-interval 500ms is shorter than 1s, the shortest velda-do accepts')
    expect(refusal(() => parseDuration('0s', '--poll-interval', {minMs: 0})).message).toMatch(/is shorter than 1ms/)
    expect(refusal(() => parseDuration('0.1ms', '--poll-interval', {minMs: 0})).message).toMatch(/is shorter than 1ms/)
  })

  it('still accepts 0 when no minimum is given (the 2-argument form)', () => {
    expect(parseDuration('0s', '--active-after')).toBe(0)
  })

  it('refuses a number without a unit, offering seconds and minutes, as Go and kubectl refuse it', () => {
    const flag = refusal(() => parseDuration('120', '--ttl', {minMs: 60_000}))
    expect(flag.message).toBe('--ttl 120: a duration needs a unit: 120s or 120m?')
    expect(flag.suggestions).toEqual(['--ttl 120s (seconds) or --ttl 120m (minutes); the units are ms, s, m, h and d'])
    expect(flag.exitCode).toBe(2)
    const env = refusal(() => parseDuration(' 1.5 ', '$VELDA_DO_REQUEST_TIMEOUT'))
    expect(env.message).toBe('$VELDA_DO_REQUEST_TIMEOUT=1.5: a duration needs a unit: 1.5s or 1.5m?')
    expect(env.suggestions).toEqual(['export VELDA_DO_REQUEST_TIMEOUT=1.5s (seconds) or export VELDA_DO_REQUEST_TIMEOUT=1.5m (minutes); the units are ms, s, m, h and d'])
    expect(refusal(() => parseDuration('1h30', '--wait-timeout')).message).toBe('--wait-timeout: "1h30" is not a duration')
  })

  it('still refuses what is not a duration', () => {
    expect(refusal(() => parseDuration('5 minutes', '--wait-timeout')).message).toBe('--wait-timeout: "5 minutes" is not a duration')
  })
})

describe('formatDuration', () => {
  it.each([
    [MAX_DURATION_MS, '24h'],
    [5_400_000, '1h30m'],
    [90_000, '1m30s'],
    [1_500, '1s500ms'],
    [0, '0s'],
  ])('writes %i ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })
})
