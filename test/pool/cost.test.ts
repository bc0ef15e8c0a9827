import {describe, expect, it} from 'vitest'

import {checkMaxHourlyCost, estimateGrowth, formatEstimate, parseHourlyCost} from '../../src/lib/pool/cost.js'

const MI300X = 'gpu-mi300x1-192gb-devcloud'

describe('the burn rate of a pool that grows', () => {
  it.each([
    [{sizePrice: 1.99, count: 2, memberPrices: [1.99]}, {adding_hourly: 3.98, pool_hourly_before: 1.99, pool_hourly_after: 5.97, unpriced: 0}],
    [{sizePrice: null, count: 2, memberPrices: [1.99]}, {adding_hourly: null, pool_hourly_before: 1.99, pool_hourly_after: null, unpriced: 0}],
    [{sizePrice: 1.99, count: 1, memberPrices: [1.99, null]}, {adding_hourly: 1.99, pool_hourly_before: 1.99, pool_hourly_after: null, unpriced: 1}],
    [{sizePrice: 0.00893, count: 3, memberPrices: []}, {adding_hourly: 0.0268, pool_hourly_before: 0, pool_hourly_after: 0.0268, unpriced: 0}],
  ])('%j', (input, expected) => {
    expect(estimateGrowth({size: MI300X, ...input})).toMatchObject(expected)
  })

  it('says an unknown part as unknown', () => {
    expect(formatEstimate('gpu', estimateGrowth({size: MI300X, sizePrice: 1.99, count: 1, memberPrices: [null]}))).toBe(
      `≈ $1.99/h for 1 droplet (${MI300X} at $1.99/h); pool gpu: $0.00/h + 1 droplet of unknown price now`,
    )
  })
})

describe('--max-hourly-cost', () => {
  const estimate = (count: number, before: (number | null)[]) => estimateGrowth({size: MI300X, sizePrice: 1.99, count, memberPrices: before})

  it.each([
    [estimate(5, []), 10, null],
    [estimate(5, []), 9.95, null],
    [estimate(6, []), 10, /6 more droplets would take pool gpu to \$11\.94\/h, over --max-hourly-cost \$10\.00\/h/],
    [estimate(1, [1.99, null]), 100, /cannot be checked: 1 droplet of pool gpu has no known price/],
    [estimateGrowth({size: MI300X, sizePrice: null, count: 1, memberPrices: []}), 100, /cannot be checked: DigitalOcean gives no price for gpu-mi300x1/],
    // Nothing to create costs nothing more, whatever is unknown.
    [estimate(0, [null]), 1, null],
  ] as const)('%j under %d', (cost, max, refusal) => {
    const check = () => checkMaxHourlyCost('gpu', cost, max)
    if (refusal) expect(check).toThrow(refusal)
    else expect(check).not.toThrow()
  })

  it.each([
    ['20', 20],
    ['7.50', 7.5],
    ['$20', 20],
    ['20/h', 20],
  ])('%s is %d dollars an hour', (text, dollars) => {
    expect(parseHourlyCost(text, '--max-hourly-cost')).toBe(dollars)
  })

  it.each(['0', '-1', 'lots', '1e3', ''])('%j is refused', (text) => {
    expect(() => parseHourlyCost(text, '--max-hourly-cost')).toThrow(/is not an amount of dollars an hour/)
  })
})
