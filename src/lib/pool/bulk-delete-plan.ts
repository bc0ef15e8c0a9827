import {isRunTag} from '../do/run-tag.js'
import type {TagCounts} from '../do/tags.js'
import {plural} from '../text/plural.js'

/**
 * Above this many droplets a delete goes by a tag of its own (bulk-delete.ts); at or below it, one DELETE per
 * droplet as before. 20 is where the two cost the same: the bulk path is about seven requests one after another
 * (make the tag, tag, count, delete by the tag, delete the tag, list the pool's one or two pages to verify), while
 * 20 per-droplet deletes go out at once (DELETE_CONCURRENCY) and are done in one round trip. Below it the bulk path
 * would save at most a dozen requests of the 250 a minute and take longer; above it, it saves N - 7 (993 of 1,000)
 * and takes the same handful of round trips whatever N is.
 */
export const BULK_DELETE_THRESHOLD = 20

export function usesBulkDelete(count: number): boolean {
  return count > BULK_DELETE_THRESHOLD
}

/**
 * The guard before a tag is put on anything, and so before anything is deleted by it: only a run tag (run-tag.ts:
 * made for this delete, 128 random bits) is ever used. `velda`, `velda-pool:*` or a user's tag would let the
 * delete take droplets it did not choose. Fails closed: anything else throws, and nothing has been sent.
 */
export function assertRunTag(tag: string): string {
  if (!isRunTag(tag)) throw new RangeError(`refusing to delete droplets by the tag ${JSON.stringify(tag)}: only a tag made for this one delete is used`)
  return tag
}

/**
 * Whether the tag carries exactly what was chosen: `chosen` droplets and nothing else (no other droplet, no
 * volume or image). Anything else, or no answer, is a reason to untag and delete one by one: a delete by the tag
 * would then take something not chosen, or miss a chosen droplet. Pure.
 */
export function tagCountProblem(counts: TagCounts | null, chosen: number): string | null {
  if (counts === null) return 'the tag is not there any more'
  if (counts.droplets !== chosen) return `the tag is on ${plural(counts.droplets, 'droplet')}, not the ${chosen} chosen`
  if (counts.resources !== chosen) return `the tag is on ${plural(counts.resources - counts.droplets, 'other resource')} besides the ${plural(chosen, 'droplet')} chosen`
  return null
}

/**
 * After the delete by the tag: which chosen droplets the listing no longer has (deleted) and which it still has
 * (to delete one by one, or, after a stop, to report as not deleted). In the order chosen. Pure.
 */
export function sortByListing<T extends {id: number}>(chosen: readonly T[], listedIds: ReadonlySet<number>): {gone: T[]; left: T[]} {
  return {gone: chosen.filter((d) => !listedIds.has(d.id)), left: chosen.filter((d) => listedIds.has(d.id))}
}
