import {GuardError, UsageError} from '../base/errors.js'
import {formatDollars, formatHourly, sumHourly} from '../text/money.js'
import {inflect, plural} from '../text/plural.js'
import {type Ask, askCount, type GuardProblem} from './scale-up-guards.js'

/**
 * What a pool costs by the hour before and after adding droplets (`pool up`, `pool scale`), from `/v2/sizes`'
 * price_hourly. DigitalOcean bills every started hour, powered-off droplets too: the figures are burn rates, not
 * what a run will cost in the end. `--json` carries this object as `cost`.
 */
export interface CostEstimate {
  size: string
  /** One droplet of the pool's size; null when DigitalOcean gives no price for it. */
  price_hourly: number | null
  /** Droplets to be created. */
  count: number
  /** What they add by the hour; null when the size has no price. */
  adding_hourly: number | null
  /** The pool's members now, those whose price is known. */
  pool_hourly_before: number
  /** Before plus adding; null when either is not wholly known. */
  pool_hourly_after: number | null
  /** Members now whose price is not known (not in the sums). */
  unpriced: number
}

export function estimateGrowth(input: {size: string; sizePrice: number | null; count: number; memberPrices: readonly (number | null)[]}): CostEstimate {
  const before = sumHourly(input.memberPrices)
  const adding = input.sizePrice === null ? null : sumHourly(Array.from({length: input.count}, () => input.sizePrice)).hourly
  const after = adding === null || before.unpriced > 0 ? null : sumHourly([before.hourly, adding]).hourly
  return {size: input.size, price_hourly: input.sizePrice, count: input.count, adding_hourly: adding, pool_hourly_before: before.hourly, pool_hourly_after: after, unpriced: before.unpriced}
}

/** `≈ $15.92/h for 8 droplets (gpu-mi300x1-192gb-devcloud at $1.99/h); pool amd: $3.98/h now, $19.90/h after`. */
export function formatEstimate(pool: string, estimate: CostEstimate): string {
  const what = plural(estimate.count, 'droplet')
  if (estimate.price_hourly === null || estimate.adding_hourly === null) {
    return `cost unknown: DigitalOcean gives no price for ${estimate.size} (${what} to create)`
  }
  const adding = `≈ ${formatHourly(estimate.adding_hourly)} for ${what} (${estimate.size} at ${formatHourly(estimate.price_hourly)})`
  const unknown = estimate.unpriced > 0 ? ` + ${plural(estimate.unpriced, 'droplet')} of unknown price` : ''
  const after = estimate.pool_hourly_after === null ? '' : `, ${formatHourly(estimate.pool_hourly_after)} after`
  return `${adding}; pool ${pool}: ${formatHourly(estimate.pool_hourly_before)}${unknown} now${after}`
}

/**
 * `--max-hourly-cost`: refuses to take the pool's burn rate past the ceiling. A price that is not known cannot be
 * checked against it, so it is refused too: the guard is for money, and guessing $0 would defeat it. Pure: the real
 * run and the dry run ask it the same question.
 */
export function maxHourlyCostProblem(pool: string, estimate: CostEstimate, max: number | null, ask: Ask = askCount(estimate.count)): GuardProblem | null {
  if (max === null || estimate.count === 0) return null
  if (estimate.pool_hourly_after === null) {
    const why = estimate.adding_hourly === null ? `DigitalOcean gives no price for ${estimate.size}` : `${plural(estimate.unpriced, 'droplet')} of pool ${pool} ${inflect(estimate.unpriced, 'has', 'have')} no known price`
    return {
      message: `--max-hourly-cost ${formatDollars(max)} cannot be checked: ${why}; nothing was created`,
      suggestions: ['leave out --max-hourly-cost to create anyway', 'velda-do sizes shows the prices DigitalOcean gives'],
    }
  }
  if (estimate.pool_hourly_after <= max) return null
  const room = estimate.price_hourly ? Math.floor((max - estimate.pool_hourly_before) / estimate.price_hourly) : 0
  return {
    message: `${plural(estimate.count, 'more droplet')} would take pool ${pool} to ${formatHourly(estimate.pool_hourly_after)}, over --max-hourly-cost ${formatDollars(max)}/h (now ${formatHourly(estimate.pool_hourly_before)}); nothing was created`,
    // Each fix once: the ceiling's own ("raise --max-hourly-cost") is said in one line, not in two.
    suggestions: room > 0
      ? [ask.fix(room, estimate.count, `${estimate.size} is ${formatHourly(estimate.price_hourly)}`), 'or raise --max-hourly-cost']
      : [`not one more droplet fits under it: raise --max-hourly-cost, or make room with velda-do pool down ${pool}`],
  }
}

/** maxHourlyCostProblem as a refusal: exit 2 with the fix, nothing sent. */
export function checkMaxHourlyCost(pool: string, estimate: CostEstimate, max: number | null, ask?: Ask): void {
  const problem = maxHourlyCostProblem(pool, estimate, max, ask)
  if (problem) throw new GuardError(problem.message, {suggestions: problem.suggestions})
}

/** `--max-hourly-cost 20`, `20.50` or `$20`: dollars an hour. */
export function parseHourlyCost(text: string, flag: string): number {
  const trimmed = text.trim().replace(/^\$/, '').replace(/\/h$/, '')
  if (!/^\d+(\.\d+)?$/.test(trimmed) || Number(trimmed) <= 0) {
    throw new UsageError(`${flag}: "${text}" is not an amount of dollars an hour`, {suggestions: [`write it like ${flag} 20 or ${flag} 7.50 (US dollars an hour)`]})
  }
  return Number(trimmed)
}
