import {formatDuration, parseDuration} from '../text/duration.js'
import type {Catalog} from './seed-catalog.js'

/**
 * How many droplets of a size DigitalOcean can still place in a region (docs/simulator.md, "Capacity"): GPU sizes
 * are listed for a region and still refused at create when its machines are taken. A size and region not named
 * has no limit, as before.
 */

/** One `--capacity SIZE@REGION=N[,+M/PERIOD]`: N free now, M more freed every period. */
export interface CapacityRule {
  size: string
  region: string
  free: number
  /** Capacity that frees itself over time (other customers' droplets going away); absent: only deletes free it. */
  refill?: {count: number; everyMs: number}
}

export const CAPACITY_EXAMPLE = 'gpu-mi300x1-192gb-devcloud@atl1=3,+5/30s'

/** A spec that is not one: what is wrong with it, and a fix to show. */
export class CapacitySpecError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message)
  }
}

const SPEC = /^([a-z0-9][a-z0-9-]*)@([a-z0-9]+)=([^,]*)(?:,(.*))?$/
const REFILL = /^\+(\d+)\/(.+)$/

/** Reads one spec, strictly: a whole spec or an error naming what is wrong in it. */
export function parseCapacitySpec(text: string): CapacityRule {
  const fix = `write SIZE@REGION=N or SIZE@REGION=N,+M/PERIOD, e.g. ${CAPACITY_EXAMPLE}`
  const spec = SPEC.exec(text.trim())
  if (!spec) throw new CapacitySpecError(`"${text}" is not SIZE@REGION=N[,+M/PERIOD] (size and region slugs in lower case)`, fix)
  const [, size = '', region = '', freeText = '', refillText] = spec
  const free = wholeNumber(freeText)
  if (free === null) throw new CapacitySpecError(`"${text}": the free count "${freeText}" is not a whole number, 0 or more`, fix)
  if (refillText === undefined) return {size, region, free}
  const refill = REFILL.exec(refillText)
  if (!refill) throw new CapacitySpecError(`"${text}": "${refillText}" is not +M/PERIOD (M droplets freed every PERIOD, e.g. +5/30s)`, fix)
  const count = wholeNumber(refill[1] ?? '')
  if (count === null || count === 0) throw new CapacitySpecError(`"${text}": the freed count "${refill[1]}" is not a whole number, 1 or more`, fix)
  let everyMs: number
  try {
    everyMs = parseDuration(refill[2] ?? '', 'the period', {minMs: 1})
  } catch (error) {
    throw new CapacitySpecError(`"${text}": the period "${refill[2]}": ${(error as Error).message}`, fix)
  }
  return {size, region, free, refill: {count, everyMs}}
}

/** Several specs, one per SIZE@REGION: a second one for the same pair is refused rather than one silently winning. */
export function parseCapacitySpecs(texts: readonly string[]): CapacityRule[] {
  const rules = texts.map((text) => parseCapacitySpec(text))
  const seen = new Set<string>()
  for (const rule of rules) {
    const key = capacityKey(rule.size, rule.region)
    if (seen.has(key)) throw new CapacitySpecError(`${key} is given twice`, `give one capacity for ${key}`)
    seen.add(key)
  }
  return rules
}

/** A capacity for a size or region the catalog does not have would never apply: a typo, said at once. */
export function checkCapacityTarget(catalog: Catalog, rule: CapacityRule): void {
  const key = capacityKey(rule.size, rule.region)
  if (!catalog.sizes.some((s) => s.slug === rule.size)) throw new Error(`${key}: the catalog has no size ${rule.size} (velda-do sizes lists them)`)
  if (!catalog.regions.some((r) => r.slug === rule.region)) throw new Error(`${key}: the catalog has no region ${rule.region} (velda-do regions lists them)`)
}

function capacityKey(size: string, region: string): string {
  return `${size}@${region}`
}

/** The spec that gives this rule (what GET /__sim/state shows beside the free count). */
function capacitySpecOf(rule: CapacityRule): string {
  const refill = rule.refill ? `,+${rule.refill.count}/${formatDuration(rule.refill.everyMs)}` : ''
  return `${capacityKey(rule.size, rule.region)}=${rule.free}${refill}`
}

function wholeNumber(text: string): number | null {
  if (!/^\d+$/.test(text)) return null
  const value = Number(text)
  return Number.isSafeInteger(value) ? value : null
}

interface Tracked {
  rule: CapacityRule
  free: number
  /** Up to when the refill has been counted: periods after it are added on the next look. */
  countedTo: number
}

/**
 * The free capacity, on the simulator's clock: no timer runs; each look adds the periods elapsed since the last.
 * A create takes all it asks or nothing (take()); a delete gives its droplet's place back at once (give()).
 */
export class CapacityBook {
  private readonly tracked = new Map<string, Tracked>()

  constructor(
    private readonly now: () => number,
    rules: readonly CapacityRule[] = [],
  ) {
    for (const rule of rules) this.set(rule)
  }

  /** Sets (or replaces) a pair's capacity from now: its refill periods count from this moment. */
  set(rule: CapacityRule): void {
    this.tracked.set(capacityKey(rule.size, rule.region), {rule, free: rule.free, countedTo: this.now()})
  }

  /** The pair has no limit any more. */
  lift(key: string): void {
    this.tracked.delete(key)
  }

  clear(): void {
    this.tracked.clear()
  }

  /** Free places now; null when the pair has no limit. */
  free(size: string, region: string): number | null {
    const tracked = this.refilled(size, region)
    return tracked ? tracked.free : null
  }

  /** Takes `count` places if that many are free, else none: answers whether it did. */
  take(size: string, region: string, count: number): boolean {
    const tracked = this.refilled(size, region)
    if (!tracked) return true
    if (tracked.free < count) return false
    tracked.free -= count
    return true
  }

  /** A deleted droplet's place, free again at once. */
  give(size: string, region: string, count = 1): void {
    const tracked = this.refilled(size, region)
    if (tracked) tracked.free += count
  }

  /** `{"SIZE@REGION": {free, spec}}` for the admin API. */
  view(): Record<string, {free: number; spec: string}> {
    const view: Record<string, {free: number; spec: string}> = {}
    for (const [key, {rule}] of this.tracked) view[key] = {free: this.free(rule.size, rule.region) ?? 0, spec: capacitySpecOf(rule)}
    return view
  }

  private refilled(size: string, region: string): Tracked | undefined {
    const tracked = this.tracked.get(capacityKey(size, region))
    if (!tracked?.rule.refill) return tracked
    const {count, everyMs} = tracked.rule.refill
    const periods = Math.floor((this.now() - tracked.countedTo) / everyMs)
    if (periods > 0) {
      tracked.free += periods * count
      tracked.countedTo += periods * everyMs
    }
    return tracked
  }
}
