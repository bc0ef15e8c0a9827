import type {PoolConfig} from '../config/types.js'
import type {DigitalOceanApi} from '../do/client.js'
import {InterruptedError, NothingChangedError, type Outcome, PartialError, type VeldaError} from '../base/errors.js'
import {inflect, plural} from '../text/plural.js'
import {deleteChosen} from './bulk-delete.js'
import {listPools} from './membership.js'
import {DELETE_CONCURRENCY, tagLeftNote, withTagsLeft} from './pool-down.js'
import {type GpuReapOptions, type GpuVerdict, gpuVerdict} from './gpu-verdict.js'
import type {PoolDroplet} from './membership.js'
import type {MemberStatus} from './pool-status.js'
import {type KeptMember, membersToProbe, type ReapOptions, type ReapPlan, type ReapReason, selectForReap} from './reap-selection.js'

export interface ReapedDroplet {
  id: number
  name: string
  pool: string
  reason: ReapReason
  /** For people, as the dry run says it: `lease ended 2h ago`, `new for 42m`, `powered off`. */
  detail: string
}

export interface PoolReapResult {
  reaped: ReapedDroplet[]
  failed: (ReapedDroplet & {error: string})[]
  /** Left: below min_agents (the reason it would have gone for), or `unknown` (its GPUs could not be judged). */
  kept: (Omit<ReapedDroplet, 'reason'> & {reason: KeptMember['reason']; why: string})[]
}

/** What a reap did; with `error` when it stopped or some deletes failed (every droplet reaped is still listed). */
export type PoolReapOutcome = Outcome<PoolReapResult>

/**
 * `--idle` / `--unhealthy`: which pools to look into (those with GPUs), and how to probe a pool's members (pool
 * status's probe, one SSH round trip each).
 */
export interface GpuLook {
  options: Omit<GpuReapOptions, 'now'>
  hasGpus(pool: PoolConfig): boolean
  probe(pool: PoolConfig, members: readonly PoolDroplet[]): Promise<readonly MemberStatus[]>
}

/**
 * One listing of the account for all the pools (a tag listing for CPU pools, one GPU listing), then, with a GPU
 * look, a probe of the members the listing alone does not take, then a plan each.
 */
export async function planReap(api: DigitalOceanApi, pools: readonly PoolConfig[], configured: readonly PoolConfig[], options: ReapOptions, look: GpuLook | null = null): Promise<ReapPlan[]> {
  const {members} = await listPools(api, pools, configured)
  const plans: ReapPlan[] = []
  for (const pool of pools) {
    const verdicts = new Map<number, GpuVerdict>()
    if (look?.hasGpus(pool)) {
      const toProbe = membersToProbe(pool, members, options)
      const statuses = toProbe.length === 0 ? [] : await look.probe(pool, toProbe)
      for (const status of statuses) verdicts.set(status.id, gpuVerdict(status, {...look.options, now: options.now}))
    }
    plans.push(selectForReap(pool, members, options, verdicts))
  }
  return plans
}

export function keptOf(plans: readonly ReapPlan[]): PoolReapResult['kept'] {
  return plans.flatMap((plan) => plan.kept.map((k) => ({id: k.droplet.id, name: k.droplet.name, pool: plan.pool, reason: k.reason, detail: k.detail, why: k.why})))
}

/** The pools of one account (endpoint and token), planned together from one listing. */
export interface AccountReap {
  api: DigitalOceanApi
  plans: readonly ReapPlan[]
}

/**
 * Deletes what the plans chose, each account's together as pool down deletes (deleteChosen: one by one up to 20,
 * by a tag of the run's own above), going through every account even after a failure in one (a cron run must not
 * leave a second account's expired droplets for a first account's locked one); every droplet ends up reaped or
 * failed. The outcome is judged once, over all accounts: exit 4 if anything at all was
 * reaped.
 */
export async function runReap(
  accounts: readonly AccountReap[],
  deps: {isInterrupted(): boolean; onProgress(text: string): void; randomBytes?: (size: number) => Uint8Array},
): Promise<PoolReapOutcome> {
  const result: PoolReapResult = {reaped: [], failed: [], kept: accounts.flatMap((a) => keptOf(a.plans))}
  const total = accounts.reduce((sum, a) => sum + a.plans.reduce((n, plan) => n + plan.reap.length, 0), 0)
  let interrupted = false
  const tagsLeft: string[] = []
  for (const {api, plans} of accounts) {
    const chosen = plans.flatMap((plan) => plan.reap.map((c) => ({...c.droplet, pool: plan.pool, reason: c.reason, detail: c.detail})))
    const before = result.reaped.length + result.failed.length
    const outcome = await deleteChosen(api, chosen, {
      concurrency: DELETE_CONCURRENCY,
      isInterrupted: deps.isInterrupted,
      onProgress: (reaped, _total, failed) => deps.onProgress(`reaped ${before + reaped}/${total}${failed > 0 ? `, ${failed} failed` : ''}`),
      onStep: deps.onProgress,
      randomBytes: deps.randomBytes,
    })
    if (outcome.tagLeft) tagsLeft.push(outcome.tagLeft)
    const origin = new Map(chosen.map((d) => [d.id, d]))
    const withReason = <T extends {id: number}>(d: T) => {
      const planned = origin.get(d.id)
      return {...d, pool: planned?.pool ?? '', reason: planned?.reason ?? 'expired', detail: planned?.detail ?? ''}
    }
    result.reaped.push(...outcome.deleted.map(withReason))
    result.failed.push(...outcome.failed.map(withReason))
    interrupted ||= outcome.interrupted
  }
  const error = reapFailure(result, interrupted)
  if (error) return {...result, error: withTagsLeft(error, tagsLeft)}
  for (const tag of tagsLeft) deps.onProgress(tagLeftNote(tag))
  return result
}

/** What went wrong over all the accounts, if anything: a stop, or deletes that failed. */
function reapFailure(result: PoolReapResult, interrupted: boolean): VeldaError | null {
  const attempted = result.reaped.length + result.failed.length
  if (interrupted) return new InterruptedError(`stopped: ${result.reaped.length} of ${plural(attempted, 'droplet')} had been reaped (all listed); nothing more was deleted`)
  if (result.failed.length === 0) return null
  const first = result.failed[0]?.error ?? 'unknown error'
  return result.reaped.length === 0
    ? new NothingChangedError(`no droplet was reaped: ${first}`, {suggestions: ['run the same pool reap again: it picks up what is left']})
    : new PartialError(`${result.reaped.length} of ${plural(attempted, 'droplet')} ${inflect(result.reaped.length, 'was', 'were')} reaped; ${result.failed.length} ${inflect(result.failed.length, 'was', 'were')} not: ${first}`, {suggestions: ['run the same pool reap again: it picks up what is left']})
}
