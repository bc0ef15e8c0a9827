import type {PoolDroplet} from './droplets.js'

export interface WaitDeps {
  /** One list call for the whole pool: the only request of a tick. */
  listPool(): Promise<PoolDroplet[]>
  now(): number
  sleep(ms: number): Promise<void>
  isInterrupted(): boolean
  onProgress(active: number, total: number): void
}

export interface WaitOutcome {
  /** The waited-for droplets as last seen (a deleted one drops out). */
  droplets: PoolDroplet[]
  done: boolean
  interrupted: boolean
}

/** Polls until every droplet of `ids` is active, the time is up, or Ctrl-C. */
export async function waitForActive(ids: readonly number[], options: {timeoutMs: number; pollIntervalMs: number}, deps: WaitDeps): Promise<WaitOutcome> {
  const deadline = deps.now() + options.timeoutMs
  let last = -1
  for (;;) {
    const droplets = (await deps.listPool()).filter((d) => ids.includes(d.id))
    const active = droplets.filter((d) => d.status === 'active').length
    if (active !== last) deps.onProgress(active, ids.length)
    last = active
    if (active === ids.length) return {droplets, done: true, interrupted: false}
    if (deps.isInterrupted()) return {droplets, done: false, interrupted: true}
    const left = deadline - deps.now()
    if (left <= 0) return {droplets, done: false, interrupted: false}
    await deps.sleep(Math.min(options.pollIntervalMs, left))
  }
}

/** Below this, polling only burns the rate limit (250 requests a minute) without seeing droplets sooner. */
export const MIN_POLL_INTERVAL_MS = 1_000
