import type {PoolConfig} from '../config/types.js'
import type {DigitalOceanApi} from '../do/client.js'
import {InterruptedError, NothingChangedError, PartialError} from '../errors.js'
import {listPools, type PoolDroplet} from './droplets.js'
import {deleteDroplets, type DeleteOutcome, selectForScaleDown, type Selection} from './scale-down.js'

/**
 * Deletes in flight at once: 100 deletes take five round trips. Bursts stay within DigitalOcean's 250 requests a
 * minute for pools of up to a couple of hundred; past that the transport waits as the 429s tell it to.
 */
export const DELETE_CONCURRENCY = 20

export interface PoolDownResult extends DeleteOutcome {
  pool: string
}

/** Lists the pool and chooses what to delete (membership and min_agents guards); nothing is deleted yet. */
export async function planPoolDown(api: DigitalOceanApi, pool: PoolConfig, selection: Selection, force: boolean): Promise<PoolDroplet[]> {
  const {members} = await listPools(api, [pool], [pool])
  return selectForScaleDown(pool, members, selection, force)
}

export async function runPoolDown(
  api: DigitalOceanApi,
  pool: PoolConfig,
  chosen: readonly PoolDroplet[],
  deps: {isInterrupted(): boolean; onProgress(text: string): void},
): Promise<PoolDownResult> {
  const outcome = await deleteDroplets(chosen, (id) => api.deleteDroplet(id), {
    concurrency: DELETE_CONCURRENCY,
    isInterrupted: deps.isInterrupted,
    onProgress: (done, total) => deps.onProgress(`deleted ${done}/${total}`),
  })
  const result: PoolDownResult = {pool: pool.name, deleted: outcome.deleted, failed: outcome.failed}
  if (outcome.interrupted) throw new InterruptedError(`interrupted: ${result.deleted.length} of ${chosen.length} droplets were deleted`, {partialResult: {...result}})
  if (result.failed.length > 0) {
    const first = result.failed[0]?.error ?? 'unknown error'
    if (result.deleted.length === 0) throw new NothingChangedError(`no droplet was deleted: ${first}`, {partialResult: {...result}})
    throw new PartialError(`${result.deleted.length} of ${chosen.length} droplets were deleted; ${result.failed.length} were not: ${first}`, {
      partialResult: {...result},
      suggestions: [`run the same pool down again to retry the rest: velda-do pool down ${pool.name} --id ${result.failed.map((f) => f.id).join(' --id ')}`],
    })
  }
  return result
}
