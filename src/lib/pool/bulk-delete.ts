import {randomBytes} from 'node:crypto'

import type {DigitalOceanApi} from '../do/client.js'
import {newRunTag} from '../do/run-tag.js'
import {VeldaError} from '../base/errors.js'
import {gpuVendor} from '../catalog/gpu.js'
import {VELDA_TAG} from '../config/naming.js'
import {plural} from '../text/plural.js'
import {assertRunTag, sortByListing, tagCountProblem, usesBulkDelete} from './bulk-delete-plan.js'
import {deleteDroplets, type DeleteOutcome} from './delete-selection.js'
import type {PoolDroplet} from './membership.js'

export interface DeleteChosenOptions {
  /** Per-droplet deletes in flight at once. */
  concurrency: number
  isInterrupted(): boolean
  /** Droplets deleted so far, of all chosen, and those whose delete failed. */
  onProgress(deleted: number, total: number, failed: number): void
  /** What the bulk delete is doing, or why it deletes one by one instead: a progress line. */
  onStep(text: string): void
  /** The run tag's randomness (node:crypto's in the binary). */
  randomBytes?: (size: number) => Uint8Array
}

interface DeleteChosenOutcome extends DeleteOutcome {
  interrupted: boolean
  /** The run's tag, when it could not be deleted: it may still be on the droplets listed as not deleted. */
  tagLeft?: string
}

type Chosen = Pick<PoolDroplet, 'id' | 'name' | 'size'>

/**
 * Deletes exactly the chosen droplets: one DELETE each up to BULK_DELETE_THRESHOLD, by a tag of this run's own
 * above it (docs/cli.md, "Bulk deletes"). Either way every droplet ends up in `deleted` or `failed`, in the order
 * chosen, and nothing that was not chosen is deleted.
 */
export async function deleteChosen(api: DigitalOceanApi, chosen: readonly Chosen[], options: DeleteChosenOptions): Promise<DeleteChosenOutcome> {
  if (!usesBulkDelete(chosen.length) || options.isInterrupted()) return oneByOne(api, chosen, options, 0)
  return deleteByRunTag(api, chosen, options)
}

/**
 * Tag, check the count, delete by the tag, delete the tag, list to see. Any doubt before the delete (a tag that
 * could not be made or put on them, a count other than the chosen, a stop) untags them and deletes one by one (or,
 * after a stop, nothing). After it, whatever its answer, the listing says what is gone; what is still listed is
 * deleted by id (or, after a stop, reported as not deleted). The delete by the tag is sent once: a lost answer is
 * read from the listing, never by sending it again.
 */
async function deleteByRunTag(api: DigitalOceanApi, chosen: readonly Chosen[], options: DeleteChosenOptions): Promise<DeleteChosenOutcome> {
  const tag = assertRunTag(newRunTag(options.randomBytes ?? randomBytes))
  const total = chosen.length
  options.onStep(`tagging ${plural(total, 'droplet')} to delete them in one request`)
  let problem: string | null
  try {
    // A stop skips what is left of these steps: nothing is deleted after it, so nothing more need be tagged or counted.
    await api.createTag(tag)
    if (!options.isInterrupted()) await api.tagDroplets(tag, chosen.map((d) => d.id))
    problem = options.isInterrupted() ? null : tagCountProblem(await api.tagCounts(tag), total)
  } catch (error) {
    problem = `the tag could not be put on them: ${messageOf(error)}`
  }
  if (problem !== null || options.isInterrupted()) {
    const tagLeft = await removeTag(api, tag)
    if (options.isInterrupted()) return {...notDeleted(chosen, 'not attempted: interrupted'), interrupted: true, ...tagLeft}
    options.onStep(`deleting one by one instead: ${problem}`)
    return {...(await oneByOne(api, chosen, options, 0)), ...tagLeft}
  }
  options.onStep(`deleting ${plural(total, 'droplet')} by their tag`)
  let deleteFailure: string | null = null
  try {
    await api.deleteDropletsByTag(tag)
  } catch (error) {
    deleteFailure = messageOf(error)
  }
  const tagLeft = await removeTag(api, tag)
  const listed = await listedIds(api, chosen)
  if (typeof listed === 'string') {
    if (!options.isInterrupted()) {
      // One DELETE each settles it: a 404 counts as deleted, as ever.
      options.onStep(`could not list the droplets to see what the delete by tag did (${listed}); deleting them one by one`)
      return {...(await oneByOne(api, chosen, options, 0)), ...tagLeft}
    }
    // Stopped: nothing more is deleted. DigitalOcean's 204 said it deleted them; after a failure, no one knows.
    if (deleteFailure === null) return {deleted: chosen.map(idAndName), failed: [], interrupted: true, ...tagLeft}
    return {...notDeleted(chosen, `unknown: the delete by tag failed (${deleteFailure}) and the droplets could not be listed to see (${listed})`), interrupted: true, ...tagLeft}
  }
  const {gone, left} = sortByListing(chosen, listed)
  options.onProgress(gone.length, total, 0)
  const deleted = gone.map(idAndName)
  if (left.length === 0) return {deleted, failed: [], interrupted: false, ...tagLeft}
  if (options.isInterrupted()) {
    return {deleted, failed: notDeleted(left, 'still there after the delete by tag; stopped before deleting it by id').failed, interrupted: true, ...tagLeft}
  }
  const why = deleteFailure === null ? 'still listed after the delete by tag' : `still listed after the delete by tag failed (${deleteFailure})`
  options.onStep(`${plural(left.length, 'droplet')} ${why}; deleting them one by one`)
  const rest = await oneByOne(api, left, options, gone.length)
  const order = new Map(chosen.map((d, index) => [d.id, index]))
  const byOrder = (a: {id: number}, b: {id: number}) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0)
  return {deleted: [...deleted, ...rest.deleted].sort(byOrder), failed: rest.failed, interrupted: rest.interrupted, ...tagLeft}
}

/** One DELETE each, as pool down has always deleted; progress counts on from `before`. */
async function oneByOne(api: DigitalOceanApi, droplets: readonly Chosen[], options: DeleteChosenOptions, before: number): Promise<DeleteChosenOutcome> {
  const total = before + droplets.length
  return deleteDroplets(droplets, (id) => api.deleteDroplet(id), {
    concurrency: options.concurrency,
    isInterrupted: options.isInterrupted,
    onProgress: (deleted, _total, failed) => options.onProgress(before + deleted, total, failed),
  })
}

/** Deletes the tag, which untags whatever still carries it; `tagLeft` names it when that failed. */
async function removeTag(api: DigitalOceanApi, tag: string): Promise<{tagLeft?: string}> {
  try {
    await api.deleteTag(tag)
    return {}
  } catch (error) {
    if (!(error instanceof VeldaError)) throw error
    return {tagLeft: tag}
  }
}

/**
 * The ids of the chosen droplets that are still listed, by the listings pool list uses: the `velda` tag's for CPU
 * droplets, `type=gpus` for GPU ones (DigitalOcean leaves GPU droplets out of tag listings); or why it failed.
 */
async function listedIds(api: DigitalOceanApi, chosen: readonly Chosen[]): Promise<Set<number> | string> {
  const gpu = chosen.some((d) => gpuVendor(d.size) !== 'none')
  const cpu = chosen.some((d) => gpuVendor(d.size) === 'none')
  try {
    const [cpuDroplets, gpuDroplets] = await Promise.all([
      cpu ? api.listDroplets({tagName: VELDA_TAG}) : Promise.resolve([]),
      gpu ? api.listDroplets({gpus: true}) : Promise.resolve([]),
    ])
    return new Set([...cpuDroplets, ...gpuDroplets].map((d) => d.id))
  } catch (error) {
    return messageOf(error)
  }
}

function notDeleted(droplets: readonly Chosen[], error: string): DeleteOutcome {
  return {deleted: [], failed: droplets.map((d) => ({...idAndName(d), error}))}
}

const idAndName = (d: Chosen) => ({id: d.id, name: d.name})

/** An API failure's message; anything else is a bug in velda-do and is thrown on. */
function messageOf(error: unknown): string {
  if (error instanceof VeldaError) return error.message
  throw error
}
