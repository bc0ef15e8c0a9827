import {parseDuration} from '../text/duration.js'
import {UsageError} from '../base/errors.js'
import type {PoolDroplet} from './membership.js'

export interface WaitDeps {
  /** One list call for the whole pool: the only request of a tick. */
  listPool(): Promise<PoolDroplet[]>
  now(): number
  sleep(ms: number): Promise<void>
  isInterrupted(): boolean
  /** After every listing: the counts, and the time waited so far. */
  onProgress(active: number, total: number, elapsedMs: number): void
}

export interface WaitOutcome {
  /** The waited-for droplets that still exist, as last seen. */
  droplets: PoolDroplet[]
  /** Ids that left the listing (deleted by someone else): reported, no longer waited for. */
  gone: number[]
  /** Every droplet that still exists is active. */
  done: boolean
  interrupted: boolean
}

/**
 * Listings in a row that must miss a droplet before it counts as gone: one miss may be the listing's lag right
 * after a create, two polls apart are not.
 */
export const MISSES_BEFORE_GONE = 2

/** Polls until every droplet of `ids` that still exists is active, the time is up, or a stop signal. */
export async function waitForActive(ids: readonly number[], options: {timeoutMs: number; pollIntervalMs: number}, deps: WaitDeps): Promise<WaitOutcome> {
  const start = deps.now()
  const deadline = start + options.timeoutMs
  const misses = new Map<number, number>(ids.map((id) => [id, 0]))
  for (;;) {
    const listed = await deps.listPool()
    for (const id of ids) misses.set(id, listed.some((d) => d.id === id) ? 0 : (misses.get(id) ?? 0) + 1)
    const gone = ids.filter((id) => (misses.get(id) ?? 0) >= MISSES_BEFORE_GONE)
    const droplets = listed.filter((d) => ids.includes(d.id))
    const active = droplets.filter((d) => d.status === 'active').length
    const waitingFor = ids.length - gone.length
    deps.onProgress(active, waitingFor, deps.now() - start)
    const outcome = {droplets, gone}
    if (active === waitingFor && droplets.length === waitingFor) return {...outcome, done: true, interrupted: false}
    if (deps.isInterrupted()) return {...outcome, done: false, interrupted: true}
    const left = deadline - deps.now()
    if (left <= 0) return {...outcome, done: false, interrupted: false}
    await deps.sleep(Math.min(options.pollIntervalMs, left))
  }
}

/** Below this, polling only burns the rate limit (250 requests a minute) without seeing droplets sooner. */
export const MIN_POLL_INTERVAL_MS = 1_000

/** `--wait-timeout` and `--poll-interval` as given to pool up and pool scale. */
export function waitSettings(timeout: string, pollInterval: string): {timeoutMs: number; pollIntervalMs: number} {
  // At most 10 minutes between checks: beyond that --wait would notice an active droplet only by chance.
  const pollIntervalMs = parseDuration(pollInterval, '--poll-interval', {maxMs: 10 * 60_000})
  if (pollIntervalMs < MIN_POLL_INTERVAL_MS) {
    throw new UsageError(`--poll-interval ${pollInterval} is too short: each check is a list request`, {suggestions: ['use --poll-interval 1s or more']})
  }
  return {timeoutMs: parseDuration(timeout, '--wait-timeout', {minMs: 1_000}), pollIntervalMs}
}
