import type {PoolConfig} from '../config/types.js'
import type {DigitalOceanApi} from '../do/client.js'
import {InterruptedError, NothingChangedError, type Outcome, PartialError, VeldaError} from '../base/errors.js'
import {isShared, listPools, type PoolDroplet} from './membership.js'
import {type DeleteOutcome, selectForScaleDown, type Selection} from './delete-selection.js'
import {deleteChosen} from './bulk-delete.js'
import {inflect, plural} from '../text/plural.js'

/**
 * Deletes in flight at once: 100 deletes take five round trips. Bursts stay within DigitalOcean's 250 requests a
 * minute for pools of up to a couple of hundred; past that the transport waits as the 429s tell it to.
 */
export const DELETE_CONCURRENCY = 20

/**
 * `--all` lists the pool again after deleting and deletes what it finds, this many rounds in all: a droplet that
 * the first listing missed, or that the broker created meanwhile, must not survive an "all".
 */
export const ALL_ROUNDS = 3

export interface PoolDownResult extends DeleteOutcome {
  pool: string
  /** With --all: members still there after the last round (only when there are any). */
  remaining?: {id: number; name: string}[]
}

/** What a pool down did; with `error` when it stopped or failed part-way (every droplet deleted is still listed). */
export type PoolDownOutcome = Outcome<PoolDownResult>

export interface PoolDownPlan {
  chosen: PoolDroplet[]
  /** Droplets the broker made whose prefix other configured pools share too: left alone by --count and --all. */
  sharedLeftAlone: PoolDroplet[]
}

/**
 * Lists the pool and chooses what to delete (membership and min_agents guards); nothing is deleted yet. `configured`
 * (every pool of the config) lets a droplet that two pools may own be recognised as such.
 */
export async function planPoolDown(api: DigitalOceanApi, pool: PoolConfig, selection: Selection, force: boolean, configured: readonly PoolConfig[] = [pool]): Promise<PoolDownPlan> {
  const {members} = await listPools(api, [pool], configured)
  const chosen = selectForScaleDown(pool, members, selection, force)
  const bulk = 'count' in selection || 'all' in selection
  return {chosen, sharedLeftAlone: bulk ? members.filter((m) => isShared(m) && !chosen.includes(m)) : []}
}

export interface PoolDownDeps {
  isInterrupted(): boolean
  onProgress(text: string): void
  /** A bulk delete's run tag's randomness (node:crypto's when not given). */
  randomBytes?: (size: number) => Uint8Array
}

/** Deletes the chosen droplets (and with `all`, what appears meanwhile): what was deleted and what not is the outcome. */
export async function runPoolDown(
  api: DigitalOceanApi,
  pool: PoolConfig,
  chosen: readonly PoolDroplet[],
  options: {all: boolean; configured?: readonly PoolConfig[]},
  deps: PoolDownDeps,
): Promise<PoolDownOutcome> {
  const result: PoolDownResult = {pool: pool.name, deleted: [], failed: []}
  let round = chosen
  let interrupted = false
  const tagsLeft: string[] = []
  for (let n = 1; ; n++) {
    const before = result.deleted.length
    const outcome = await deleteChosen(api, round, {
      concurrency: DELETE_CONCURRENCY,
      isInterrupted: deps.isInterrupted,
      onProgress: (deleted, total, failed) => deps.onProgress(`deleted ${before + deleted}/${before + total}${failed > 0 ? `, ${failed} failed` : ''}`),
      onStep: deps.onProgress,
      randomBytes: deps.randomBytes,
    })
    if (outcome.tagLeft) tagsLeft.push(outcome.tagLeft)
    result.deleted.push(...outcome.deleted)
    result.failed.push(...outcome.failed)
    interrupted = outcome.interrupted
    if (!options.all || interrupted || outcome.failed.length > 0) break
    const handled = new Set([...result.deleted, ...result.failed].map((d) => d.id))
    const listed = await relist(api, pool, options.configured)
    // What was deleted already is reported with the failure to list again.
    if (listed instanceof VeldaError) return {...result, error: withTagsLeft(relistFailure(result, pool, listed), tagsLeft)}
    const left = listed.filter((d) => !handled.has(d.id))
    if (left.length === 0) break
    if (n >= ALL_ROUNDS) {
      result.remaining = left.map(({id, name}) => ({id, name}))
      break
    }
    deps.onProgress(`${plural(left.length, 'more droplet')} of the pool appeared; deleting them too`)
    round = left
  }
  const error = downFailure(result, pool, interrupted)
  if (error) return {...result, error: withTagsLeft(error, tagsLeft)}
  for (const tag of tagsLeft) deps.onProgress(tagLeftNote(tag))
  return result
}

/**
 * A bulk delete's tag that could not be deleted: it carries at most the droplets not deleted, and deleting it
 * deletes no droplet (doctl's `compute tag delete` sends `DELETE /v2/tags/{tag}`, which only untags).
 */
export function tagLeftNote(tag: string): string {
  return `the tag ${tag} of this delete could not be deleted; delete it with: doctl compute tag delete ${tag} --force`
}

/** The error with a line per tag left behind, so that a failed run names them. */
export function withTagsLeft<E extends VeldaError>(error: E, tags: readonly string[]): E {
  error.suggestions.push(...tags.map(tagLeftNote))
  return error
}

/** The pool as a further --all round finds it, or why it could not be listed. */
async function relist(api: DigitalOceanApi, pool: PoolConfig, configured: readonly PoolConfig[] | undefined): Promise<PoolDroplet[] | VeldaError> {
  try {
    return (await planPoolDown(api, pool, {all: true}, true, configured)).chosen
  } catch (error) {
    if (!(error instanceof VeldaError)) throw error
    return error
  }
}

function relistFailure(result: PoolDownResult, pool: PoolConfig, error: VeldaError): PartialError {
  return new PartialError(`deleted ${plural(result.deleted.length, 'droplet')}, then could not list the pool again to delete what appeared meanwhile: ${error.message}`, {
    suggestions: [`velda-do pool list ${pool.name} shows what is left; run the same pool down --all again`],
    cause: error,
  })
}

/** What went wrong, if anything: a stop, deletes that failed, or droplets that kept appearing. */
function downFailure(result: PoolDownResult, pool: PoolConfig, interrupted: boolean): VeldaError | null {
  const attempted = result.deleted.length + result.failed.length
  if (interrupted) return new InterruptedError(`stopped: ${result.deleted.length} of ${plural(attempted, 'droplet')} had been deleted (all listed); nothing more was deleted`)
  if (result.failed.length > 0) {
    const first = result.failed[0]?.error ?? 'unknown error'
    if (result.deleted.length === 0) return new NothingChangedError(`no droplet was deleted: ${first}`)
    return new PartialError(`${result.deleted.length} of ${plural(attempted, 'droplet')} ${inflect(result.deleted.length, 'was', 'were')} deleted; ${result.failed.length} ${inflect(result.failed.length, 'was', 'were')} not: ${first}`, {
      suggestions: [`run the same pool down again to retry the rest: velda-do pool down ${pool.name} --id ${result.failed.map((f) => f.id).join(' --id ')}`],
    })
  }
  if (result.remaining) {
    return new PartialError(`deleted ${plural(result.deleted.length, 'droplet')}, but after ${ALL_ROUNDS} rounds pool ${pool.name} still has ${plural(result.remaining.length, 'droplet')} (is something creating them?)`, {
      suggestions: ['stop whatever scales the pool up (the Velda broker?), then run the same pool down --all again'],
    })
  }
  return null
}
