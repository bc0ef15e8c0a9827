import {describe, expect, it} from 'vitest'

import {formatDollars, formatHourly, sumHourly} from '../../src/lib/text/money.js'

describe('dollars in cost lines', () => {
  it.each([
    [0, '$0.00'],
    [1.99, '$1.99'],
    [15.92, '$15.92'],
    [127.36, '$127.36'],
    [0.995, '$0.995'], [1, '$1.00'],
    [0.02679, '$0.0268'],
    [0.00893, '$0.00893'],
    [0.5, '$0.5'],
  ])('%d is %s', (amount, text) => {
    expect(formatDollars(amount)).toBe(text)
  })

  it('an unknown price is said so, never $0', () => {
    expect(formatHourly(null)).toBe('unknown')
    expect(formatHourly(1.99)).toBe('$1.99/h')
  })

  it('sums the known prices and counts the unknown ones apart, without float drift', () => {
    expect(sumHourly([0.00893, 0.00893, 0.00893])).toEqual({hourly: 0.0268, unpriced: 0})
    expect(sumHourly([1.99, null, 1.99])).toEqual({hourly: 3.98, unpriced: 1})
    expect(sumHourly([])).toEqual({hourly: 0, unpriced: 0})
  })
})
