/**
 * The one kind of tag velda-do deletes droplets by (`DELETE /v2/droplets?tag_name=`): a tag made for one bulk
 * delete and put on exactly the droplets that run chose. Its name is `velda-do-bulk-delete:` and 32 lowercase hex
 * digits from 128 random bits, drawn when the run starts: no other run draws the same (two runs in 2^64 would have
 * to), and no user, config or broker can pick it, since it is written nowhere before the run makes it. The broker's
 * tags (`velda`, `velda-pool:*`), lease tags (`velda-expires:*`) and a user's tags never have this shape, so a
 * delete by any of them is refused before a request exists (isRunTag, checked by the droplet service itself).
 * DigitalOcean's rule for a tag name, letters, digits, `:`, `-` and `_`, at most 255 (the `tag_id` parameter of its
 * OpenAPI description), holds: 54 characters of those. Lowercase, since DigitalOcean wants a tag's canonical
 * capitalization in its URLs.
 */
const RUN_TAG_PREFIX = 'velda-do-bulk-delete:'

const RUN_TAG = /^velda-do-bulk-delete:[0-9a-f]{32}$/

/** Whether `name` is a run tag; anything else (`velda`, `velda-pool:gpu`, a user's tag, a near miss) is not. */
export function isRunTag(name: unknown): name is string {
  return typeof name === 'string' && RUN_TAG.test(name)
}

/** A new run tag from 16 random bytes (node:crypto's randomBytes in the binary, fixed ones in a test). */
export function newRunTag(randomBytes: (size: number) => Uint8Array): string {
  const bytes = randomBytes(16)
  if (bytes.length !== 16) throw new RangeError(`a run tag needs 16 random bytes, got ${bytes.length}`)
  const tag = `${RUN_TAG_PREFIX}${Buffer.from(bytes).toString('hex')}`
  // The shape is the guard: a tag this function made must pass it.
  if (!isRunTag(tag)) throw new RangeError(`not a run tag: ${tag}`)
  return tag
}
