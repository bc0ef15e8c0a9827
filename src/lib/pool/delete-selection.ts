import type {PoolConfig} from '../config/types.js'
import {ApiError} from '../do/errors.js'
import {GuardError, UsageError} from '../base/errors.js'
import {plural} from '../text/plural.js'
import {isShared, type PoolDroplet} from './membership.js'

export type Selection = {count: number} | {all: true} | {names: string[]} | {ids: number[]}

/**
 * Which droplets to delete: `count` takes droplets not yet active first (they do no work yet), then the newest.
 * Names and ids must all be in the pool: a typo must never delete another pool's droplet. A shared droplet (one
 * the broker made with a prefix other configured pools have too) may be another pool's: only a name or an id
 * deletes it, never `count` or `all`, and it does not count towards min_agents. Pure.
 */
export function selectForScaleDown(pool: PoolConfig, members: readonly PoolDroplet[], selection: Selection, force: boolean): PoolDroplet[] {
  const own = members.filter((m) => !isShared(m))
  let chosen: PoolDroplet[]
  if ('count' in selection) {
    const ordered = [...own].sort((a, b) => rank(a) - rank(b) || b.created_at.localeCompare(a.created_at) || b.id - a.id)
    chosen = ordered.slice(0, selection.count)
  } else if ('all' in selection) {
    chosen = own
  } else {
    chosen = chosenByNameOrId(pool, members, 'names' in selection ? selection.names : selection.ids)
  }
  const remaining = own.filter((m) => !chosen.includes(m)).length
  // Deleting nothing cannot take a pool below anything, even one that is below min_agents already.
  if (chosen.length > 0 && remaining < pool.minAgents && !force) {
    throw new GuardError(`deleting ${chosen.length} of ${plural(members.length, 'droplet')} would leave pool ${pool.name} below its min_agents of ${pool.minAgents}`, {
      suggestions: [`delete at most ${Math.max(0, own.length - pool.minAgents)}`, 'or pass --ignore-limits to go below min_agents'],
    })
  }
  return chosen
}

function chosenByNameOrId(pool: PoolConfig, members: readonly PoolDroplet[], wanted: readonly (string | number)[]): PoolDroplet[] {
  const outside = wanted.filter((w) => !members.some((m) => m.name === w || m.id === w))
  if (outside.length > 0) {
    throw new UsageError(`not in pool ${pool.name}: ${outside.join(', ')}; nothing was deleted`, {
      suggestions: [`velda-do pool list ${pool.name} shows its droplets`],
    })
  }
  return members.filter((m) => wanted.includes(m.name) || wanted.includes(m.id))
}

function rank(droplet: PoolDroplet): number {
  return droplet.status === 'active' ? 1 : 0
}

export interface DeleteOutcome {
  deleted: {id: number; name: string}[]
  failed: {id: number; name: string; error: string}[]
}

/**
 * Deletes by id, `concurrency` at a time (bounded: the API allows 250 requests a minute). A 404 counts as deleted;
 * the transport retries 429 and 5xx. Every droplet ends up in `deleted` or `failed`; the progress counts each.
 */
export async function deleteDroplets(
  droplets: readonly Pick<PoolDroplet, 'id' | 'name'>[],
  deleteOne: (id: number) => Promise<'deleted' | 'already-gone'>,
  options: {concurrency: number; isInterrupted(): boolean; onProgress(deleted: number, total: number, failed: number): void},
): Promise<DeleteOutcome & {interrupted: boolean}> {
  const outcome: DeleteOutcome = {deleted: [], failed: []}
  let next = 0
  let interrupted = false
  const worker = async () => {
    while (next < droplets.length) {
      const droplet = droplets[next++] as Pick<PoolDroplet, 'id' | 'name'>
      if (options.isInterrupted()) {
        interrupted = true
        outcome.failed.push({id: droplet.id, name: droplet.name, error: 'not attempted: interrupted'})
        continue
      }
      try {
        await deleteOne(droplet.id)
        outcome.deleted.push({id: droplet.id, name: droplet.name})
      } catch (error) {
        outcome.failed.push({id: droplet.id, name: droplet.name, error: error instanceof ApiError || error instanceof Error ? error.message : String(error)})
      }
      // What succeeded is what the progress counts: a failed delete is not one more of them, it is said apart.
      options.onProgress(outcome.deleted.length, droplets.length, outcome.failed.length)
    }
  }
  await Promise.all(Array.from({length: Math.min(options.concurrency, droplets.length)}, worker))
  // Workers finish out of order: keep the order the user saw in the confirmation.
  const order = (id: number) => droplets.findIndex((d) => d.id === id)
  outcome.deleted.sort((a, b) => order(a.id) - order(b.id))
  outcome.failed.sort((a, b) => order(a.id) - order(b.id))
  return {...outcome, interrupted}
}
