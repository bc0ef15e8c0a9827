import type {PoolConfig} from '../config/types.js'
import type {DigitalOceanApi} from '../do/client.js'
import {InterruptedError, NothingChangedError, PartialError, PartialResults} from '../errors.js'
import {plural} from '../plural.js'
import {deleteDroplets} from './delete-selection.js'
import {listPools} from './membership.js'
import {DELETE_CONCURRENCY} from './pool-down.js'
import {type ReapOptions, type ReapPlan, type ReapReason, selectForReap} from './reap-selection.js'

export interface ReapedDroplet {
  id: number
  name: string
  pool: string
  reason: ReapReason
}

export interface PoolReapResult {
  reaped: ReapedDroplet[]
  failed: (ReapedDroplet & {error: string})[]
  kept: (ReapedDroplet & {why: string})[]
}

/** What a reap that failed part-way had done: read back by the command to show it. */
export const poolReapPartials = new PartialResults<PoolReapResult>()

/** One listing of the account for all the pools (a tag listing for CPU pools, one GPU listing), then a plan each. */
export async function planReap(api: DigitalOceanApi, pools: readonly PoolConfig[], configured: readonly PoolConfig[], options: ReapOptions): Promise<ReapPlan[]> {
  const {members} = await listPools(api, pools, configured)
  return pools.map((pool) => selectForReap(pool, members, options))
}

export function keptOf(plans: readonly ReapPlan[]): PoolReapResult['kept'] {
  return plans.flatMap((plan) => plan.kept.map((k) => ({id: k.droplet.id, name: k.droplet.name, pool: plan.pool, reason: k.reason, why: k.why})))
}

/** Deletes what the plans chose, 20 at a time across pools; every droplet ends up reaped or failed. */
export async function runReap(
  api: DigitalOceanApi,
  plans: readonly ReapPlan[],
  deps: {isInterrupted(): boolean; onProgress(text: string): void},
): Promise<PoolReapResult> {
  const chosen = plans.flatMap((plan) => plan.reap.map((c) => ({...c.droplet, pool: plan.pool, reason: c.reason})))
  const reasonOf = new Map(chosen.map((d) => [d.id, {pool: d.pool, reason: d.reason}]))
  const outcome = await deleteDroplets(chosen, (id) => api.deleteDroplet(id), {
    concurrency: DELETE_CONCURRENCY,
    isInterrupted: deps.isInterrupted,
    onProgress: (done, total) => deps.onProgress(`reaped ${done}/${total}`),
  })
  const tag = <T extends {id: number}>(d: T) => ({...d, pool: reasonOf.get(d.id)?.pool ?? '', reason: reasonOf.get(d.id)?.reason ?? 'expired'})
  const result: PoolReapResult = {reaped: outcome.deleted.map(tag), failed: outcome.failed.map(tag), kept: keptOf(plans)}
  if (outcome.interrupted) throw poolReapPartials.attach(new InterruptedError(`stopped: ${result.reaped.length} of ${plural(chosen.length, 'droplet')} had been reaped (all listed); nothing more was sent`), result)
  if (result.failed.length > 0) {
    const first = result.failed[0]?.error ?? 'unknown error'
    const error =
      result.reaped.length === 0
        ? new NothingChangedError(`no droplet was reaped: ${first}`)
        : new PartialError(`${result.reaped.length} of ${chosen.length} droplets were reaped; ${result.failed.length} were not: ${first}`, {suggestions: ['run the same pool reap again: it picks up what is left']})
    throw poolReapPartials.attach(error, result)
  }
  return result
}
