/**
 * Dollars as people read them in a cost line: cents from a dollar up (`$15.92`), three significant digits below
 * (`$0.0268`), since CPU droplets cost fractions of a cent a minute and `$0.03` would round a third away.
 */
export function formatDollars(amount: number): string {
  if (amount >= 1 || amount === 0) return `$${amount.toFixed(2)}`
  return `$${Number(amount.toPrecision(3))}`
}

/** `$7.96/h`; `unknown` for a size or droplet DigitalOcean gave no price for (never `$0`). */
export function formatHourly(amount: number | null): string {
  return amount === null ? 'unknown' : `${formatDollars(amount)}/h`
}

/** Sums hourly prices; the unknown ones are counted apart, so that a sum is never passed off as complete. */
export function sumHourly(prices: readonly (number | null)[]): {hourly: number; unpriced: number} {
  let hourly = 0
  let unpriced = 0
  for (const price of prices) {
    if (price === null) unpriced++
    else hourly += price
  }
  // Float sums of prices like 0.00893 drift in the 15th digit: keep to a hundredth of a cent.
  return {hourly: Math.round(hourly * 10_000) / 10_000, unpriced}
}
