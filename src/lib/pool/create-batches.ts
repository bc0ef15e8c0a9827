import {ApiError, messageWithAttempts, RedirectError} from '../do/errors.js'
import {DEFAULT_RETRY_POLICY, delayBeforeRetry, tooLongWaitText} from '../do/retry-policy.js'
import {formatSpan} from '../text/duration.js'
import {utcSeconds} from '../text/wire-formats.js'
import type {DropletCreateRequest} from '../do/types.js'
import type {VeldaError} from '../base/errors.js'
import type {PoolDroplet} from './membership.js'
import {MAX_BATCH, type ScaleUpPlan} from './scale-up-plan.js'
import {inflect, plural} from '../text/plural.js'
import {shrunkBatchSize} from './batch-shrink.js'

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
  /**
   * Whether DigitalOcean refused a create of `count` names for lack of capacity (create-refusal.ts): then the names
   * are tried again in smaller creates. Without it, every refusal stops the run.
   */
  isCapacityRefusal?(error: unknown, count: number): Promise<boolean>
  /**
   * Probe for capacity instead of asking for whole batches: the first create sends this many names, each one that
   * succeeds doubles the next (up to a whole batch) until one is refused for capacity, which halves it as ever and
   * ends the doubling. For a try after one that found no place free: one refused POST where a batch of 10 costs
   * four (10, 5, 2, 1).
   */
  probeFrom?: number
}

/**
 * A create that was certainly not performed: DigitalOcean refused it (4xx other than 429) or the endpoint
 * redirected. Anything else (a lost answer, 5xx, 429, an answer that could not be read) may have created droplets.
 */
export function isDefiniteRefusal(error: unknown): boolean {
  if (error instanceof RedirectError) return true
  return error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429
}

/** What a run gathers as its creates go: the run's answer (ScaleUpRun) once every name is placed. */
interface RunState extends ScaleUpRun {
  /** Why the names not sent yet are not sent: set once the run stops. */
  stopReason: string | null
}

/** A create DigitalOcean refused: the error, and the names it did not create (a refusal creates nothing). */
interface RefusedCreate {
  error: unknown
  names: string[]
}

/**
 * Runs the batches one after another. A create is never repeated blindly: after an ambiguous outcome the pool is
 * listed and only the names that do not exist are created again (bounded attempts). A definite refusal stops the
 * scale-up, unless `isCapacityRefusal` says it was for capacity: the refused names, which do not exist, are then
 * sent again in smaller creates (batch-shrink.ts) until one name alone is refused. Every name ends up in `created`
 * or `failed`; `uncertain` says some failed ones may exist after all.
 */
export async function runScaleUp(plan: ScaleUpPlan, deps: ScaleUpDeps): Promise<ScaleUpRun> {
  const state: RunState = {created: [], failed: [], interrupted: false, uncertain: false, refusal: null, stopReason: null}
  // Probing, the size carries from batch to batch and doubles until the first refusal; otherwise each batch is
  // first sent whole.
  let probe = deps.probeFrom ?? null
  let growing = true
  for (const batch of plan.batches) {
    let queue = [...batch.names]
    let size = probe === null ? queue.length : Math.min(probe, queue.length)
    while (queue.length > 0) {
      if (!state.stopReason && deps.isInterrupted()) {
        state.interrupted = true
        state.stopReason = 'not attempted: interrupted'
      }
      if (state.stopReason) {
        state.failed.push(...queue.map((name) => ({name, error: state.stopReason as string})))
        break
      }
      const names = queue.slice(0, size)
      queue = queue.slice(size)
      const refused = await sendBatch({...batch, names}, plan.requested, deps, state)
      if (!refused) {
        if (probe !== null && growing) probe = Math.min(probe * 2, MAX_BATCH)
        if (probe !== null) size = probe
        continue
      }
      const smaller = shrunkBatchSize(refused.names.length)
      if (smaller !== null && (await deps.isCapacityRefusal?.(refused.error, refused.names.length))) {
        deps.onProgress(`no capacity for ${plural(refused.names.length, 'droplet')} at once; trying ${smaller} at a time`)
        queue = [...refused.names, ...queue]
        size = smaller
        if (probe !== null) {
          probe = smaller
          growing = false
        }
        continue
      }
      // The names this batch still holds were all refused, in the larger creates before this one if not in it.
      state.refusal = refused.error
      stop(state, [...refused.names, ...queue], errorText(refused.error), 'not attempted: an earlier create was refused')
      queue = []
    }
  }
  const {created, failed, interrupted, uncertain, refusal} = state
  return {created, failed, interrupted, uncertain, refusal}
}

function stop(state: RunState, names: readonly string[], error: string, reason: string): void {
  state.failed.push(...names.map((name) => ({name, error})))
  state.stopReason = reason
}

/**
 * Sends one create and settles it: what it made goes to `created`; an ambiguous outcome is reconciled by name and
 * the missing names sent again (bounded attempts); a failure that ends it stops the run. A definite refusal is
 * returned with the names it did not create, for the caller to decide: it stops nothing by itself.
 */
async function sendBatch(batch: DropletCreateRequest, requested: number, deps: ScaleUpDeps, state: RunState): Promise<RefusedCreate | null> {
  const maxAttempts = deps.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts
  let pending = [...batch.names]
  for (let attempt = 1; pending.length > 0; attempt++) {
    let lastError: unknown
    let ambiguity: string
    try {
      const answered = await deps.createDroplets({...batch, names: pending})
      const echoed = answered.filter((d) => pending.includes(d.name))
      state.created.push(...echoed)
      pending = pending.filter((name) => !echoed.some((d) => d.name === name))
      deps.onProgress(`created ${state.created.length} of ${requested}`)
      if (pending.length === 0) break
      ambiguity = `the answer did not list ${pending.length} of the droplets`
    } catch (error) {
      if (isDefiniteRefusal(error)) return {error, names: pending}
      lastError = error
      ambiguity = errorText(error)
    }
    deps.onProgress(`creating ${plural(pending.length, 'droplet')} ended ambiguously (${ambiguity}); checking which exist`)
    const found = await reconcile(deps, pending)
    if (found === null) {
      state.uncertain = true
      stop(state, pending, `unknown: ${ambiguity}; the pool could not be listed to check whether it exists`, 'not attempted: the API is failing')
      break
    }
    state.created.push(...found)
    pending = pending.filter((name) => !found.some((d) => d.name === name))
    if (pending.length === 0) break
    if (attempt >= maxAttempts) {
      stop(state, pending, messageWithAttempts(lastError ?? ambiguity, attempt), 'not attempted: creates keep failing')
      break
    }
    // The transport's own rule for a failed request (a told wait, else backoff), with a create's longer steps.
    const delay = delayBeforeRetry(lastError, attempt, {now: deps.now, random: deps.random, baseDelayMs: 2_000, maxDelayMs: 30_000})
    if (delay > DEFAULT_RETRY_POLICY.maxServerWaitMs) {
      // The transport's own words for a wait it would not take, and when to try again.
      const wait = {toldMs: delay, maxMs: DEFAULT_RETRY_POLICY.maxServerWaitMs, retryAtMs: deps.now() + delay}
      stop(state, pending, `${tooLongWaitText(wait)} before creating more; try again after ${utcSeconds(wait.retryAtMs)} (in ${formatSpan(delay)})`, 'not attempted: rate limited for too long')
      break
    }
    if (!deps.isInterrupted()) {
      deps.onProgress(`${plural(pending.length, 'droplet')} ${inflect(pending.length, 'does', 'do')} not exist; creating ${inflect(pending.length, 'it', 'them')} again in ${(delay / 1000).toFixed(1)}s`)
      await deps.sleep(delay)
    }
    // Checked after the (interruptible) wait too: the missing names do not exist, so stopping loses nothing.
    if (deps.isInterrupted()) {
      state.interrupted = true
      stop(state, pending, 'not attempted: interrupted', 'not attempted: interrupted')
      break
    }
  }
  return null
}

async function reconcile(deps: ScaleUpDeps, names: readonly string[]): Promise<PoolDroplet[] | null> {
  try {
    const pool = await deps.listPool()
    return pool.filter((d) => names.includes(d.name))
  } catch {
    return null
  }
}

/** The failure's own words, for the names it left not created. */
function errorText(error: unknown): string {
  return error instanceof Error ? (error as VeldaError).message : String(error)
}
