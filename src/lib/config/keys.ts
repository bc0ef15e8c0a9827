import {editDistance} from '../text/edit-distance.js'

/** Both spellings the broker accepts (protobuf JSON rules): `ssh_key_ids` and `sshKeyIds`. */
export function toSnakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (upper) => `_${upper.toLowerCase()}`)
}

/**
 * Whether `written` is one of the two spellings protojson accepts for the field `field`: the proto name itself
 * or its JSON name (lowerCamelCase). A mix such as `ssh_keyIds` is neither, and the broker refuses it.
 */
export function isProtoSpelling(written: string, field: string): boolean {
  return written === field || written === toLowerCamelCase(field)
}

export function toLowerCamelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_match, next: string) => next.toUpperCase())
}

/** The closest known key, if it is close enough to be a plausible typo. */
export function suggestKey(unknown: string, known: readonly string[]): string | undefined {
  const wanted = toSnakeCase(unknown).toLowerCase()
  let best: {key: string; distance: number} | undefined
  for (const key of known) {
    const distance = editDistance(wanted, key)
    if (!best || distance < best.distance) best = {key, distance}
  }
  if (!best) return undefined
  const tolerance = Math.max(2, Math.floor(best.key.length / 3))
  return best.distance <= tolerance ? best.key : undefined
}
