import {ApiError, RedirectError} from '../do/errors.js'
import {DEFAULT_RETRY_POLICY, delayBeforeRetry} from '../do/retry-policy.js'
import type {DropletCreateRequest} from '../do/types.js'
import type {VeldaError} from '../base/errors.js'
import type {PoolDroplet} from './membership.js'
import type {ScaleUpPlan} from './scale-up-plan.js'
import {plural} from '../text/plural.js'

// Sends a scale-up's planned batches (scale-up-plan.ts), after its guards (scale-up-guards.ts) passed, and finds out
// what an ambiguous create did before creating anything again.

export interface FailedName {
  name: string
  error: string
}

/** Where every planned name ended up. */
export interface ScaleUpRun {
  created: PoolDroplet[]
  failed: FailedName[]
  interrupted: boolean
  /** Some failed names could not be checked: they may exist. */
  uncertain: boolean
  /** The error with which DigitalOcean refused a create and stopped the run (a definite refusal), if one did. */
  refusal: unknown
}

export interface ScaleUpDeps {
  createDroplets(request: DropletCreateRequest): Promise<PoolDroplet[]>
  /** The pool as it is now: used to see which names of an ambiguous create exist. */
  listPool(): Promise<PoolDroplet[]>
  sleep(ms: number): Promise<void>
  now(): number
  random(): number
  isInterrupted(): boolean
  onProgress(message: string): void
  /** Creates of one batch before its missing names are given up. */
  maxAttempts?: number
}

/**
 * A create that was certainly not performed: DigitalOcean refused it (4xx other than 429) or the endpoint
 * redirected. Anything else (a lost answer, 5xx, 429, an answer that could not be read) may have created droplets.
 */
export function isDefiniteRefusal(error: unknown): boolean {
  if (error instanceof RedirectError) return true
  return error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429
}

/**
 * Runs the batches one after another. A create is never repeated blindly: after an ambiguous outcome the pool is
 * listed and only the names that do not exist are created again (bounded attempts). A definite refusal stops the
 * scale-up. Every name ends up in `created` or `failed`; `uncertain` says some failed ones may exist after all.
 */
export async function runScaleUp(plan: ScaleUpPlan, deps: ScaleUpDeps): Promise<ScaleUpRun> {
  const maxAttempts = deps.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts
  const created: PoolDroplet[] = []
  const failed: FailedName[] = []
  let stopReason: string | null = null
  let interrupted = false
  let uncertain = false
  let refusal: unknown = null
  const stop = (names: readonly string[], error: string, reason: string) => {
    failed.push(...names.map((name) => ({name, error})))
    stopReason = reason
  }
  for (const batch of plan.batches) {
    if (!stopReason && deps.isInterrupted()) {
      interrupted = true
      stopReason = 'not attempted: interrupted'
    }
    if (stopReason) {
      failed.push(...batch.names.map((name) => ({name, error: stopReason as string})))
      continue
    }
    let pending = [...batch.names]
    for (let attempt = 1; pending.length > 0; attempt++) {
      let lastError: unknown
      let ambiguity: string
      try {
        const answered = await deps.createDroplets({...batch, names: pending})
        const echoed = answered.filter((d) => pending.includes(d.name))
        created.push(...echoed)
        pending = pending.filter((name) => !echoed.some((d) => d.name === name))
        deps.onProgress(`created ${created.length} of ${plan.requested}`)
        if (pending.length === 0) break
        ambiguity = `the answer did not list ${pending.length} of the droplets`
      } catch (error) {
        if (isDefiniteRefusal(error)) {
          refusal = error
          stop(pending, errorText(error), 'not attempted: an earlier create was refused')
          break
        }
        lastError = error
        ambiguity = errorText(error)
      }
      deps.onProgress(`creating ${pending.length} droplet(s) ended ambiguously (${ambiguity}); checking which exist`)
      const found = await reconcile(deps, pending)
      if (found === null) {
        uncertain = true
        stop(pending, `unknown: ${ambiguity}; the pool could not be listed to check whether it exists`, 'not attempted: the API is failing')
        break
      }
      created.push(...found)
      pending = pending.filter((name) => !found.some((d) => d.name === name))
      if (pending.length === 0) break
      if (attempt >= maxAttempts) {
        stop(pending, `${ambiguity} (after ${plural(attempt, 'attempt')})`, 'not attempted: creates keep failing')
        break
      }
      // The transport's own rule for a failed request (a told wait, else backoff), with a create's longer steps.
      const delay = delayBeforeRetry(lastError, attempt, {now: deps.now, random: deps.random, baseDelayMs: 2_000, maxDelayMs: 30_000})
      if (delay > DEFAULT_RETRY_POLICY.maxServerWaitMs) {
        stop(pending, `DigitalOcean asks to wait ${Math.ceil(delay / 1000)}s before creating more`, 'not attempted: rate limited for too long')
        break
      }
      if (!deps.isInterrupted()) {
        deps.onProgress(`${pending.length} droplet(s) do not exist; creating them again in ${(delay / 1000).toFixed(1)}s`)
        await deps.sleep(delay)
      }
      // Checked after the (interruptible) wait too: the missing names do not exist, so stopping loses nothing.
      if (deps.isInterrupted()) {
        interrupted = true
        stop(pending, 'not attempted: interrupted', 'not attempted: interrupted')
        break
      }
    }
  }
  return {created, failed, interrupted, uncertain, refusal}
}

async function reconcile(deps: ScaleUpDeps, names: readonly string[]): Promise<PoolDroplet[] | null> {
  try {
    const pool = await deps.listPool()
    return pool.filter((d) => names.includes(d.name))
  } catch {
    return null
  }
}

/**
 * How long to wait before creating a batch's missing names again: what a 429 told, else a backoff of 2 s doubling up
 * to 30 s (slower than a plain request's: a create is heavy). The one place this run decides its delay.
 */
function errorText(error: unknown): string {
  return error instanceof Error ? (error as VeldaError).message : String(error)
}
