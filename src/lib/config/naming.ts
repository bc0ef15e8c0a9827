import {createHash, randomInt} from 'node:crypto'

/**
 * Pool identity shared with the Velda broker's DigitalOcean backend: the broker and velda-do must name and
 * recognise the same droplets, so the prefix is computed exactly as the broker computes it.
 */

export const VELDA_TAG = 'velda'
export const POOL_TAG_PREFIX = 'velda-pool:'
export const NAME_SUFFIX_LENGTH = 5
const SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

export interface PrefixInputs {
  size: string
  region: string
  image: string | number
  sshKeyIds: readonly number[]
  agentVersionOverride: string | null
}

/** `velda-` + the first 8 hex digits of sha256(size + region + image + each key id + version): no separators. */
export function poolPrefix(inputs: PrefixInputs): string {
  const hash = createHash('sha256')
  hash.update(inputs.size)
  hash.update(inputs.region)
  hash.update(String(inputs.image))
  for (const id of inputs.sshKeyIds) hash.update(String(id))
  if (inputs.agentVersionOverride) hash.update(inputs.agentVersionOverride)
  return `velda-${hash.digest('hex').slice(0, 8)}`
}

export function poolTag(poolName: string): string {
  return `${POOL_TAG_PREFIX}${poolName}`
}

export interface TagInputs {
  name: string
  extraTags: readonly string[]
  labels: readonly {key: string; value: string}[]
}

/** `velda`, `velda-pool:<name>`, the extra tags, then one `key:value` tag per label; each once, in that order. */
export function poolTags(pool: TagInputs): string[] {
  const tags = [VELDA_TAG, poolTag(pool.name), ...pool.extraTags, ...pool.labels.map((l) => `${l.key}:${l.value}`)]
  return [...new Set(tags)]
}

/** A source of random integers in [0, max): injectable so tests can name droplets deterministically. */
export type RandomInt = (max: number) => number

export function dropletName(prefix: string, random: RandomInt = randomInt): string {
  let suffix = ''
  for (let i = 0; i < NAME_SUFFIX_LENGTH; i++) suffix += SUFFIX_ALPHABET[random(SUFFIX_ALPHABET.length)]
  return `${prefix}-${suffix}`
}

export interface PoolIdentity {
  name: string
  prefix: string
}

export interface TaggedDroplet {
  name: string
  tags: readonly string[]
}

/**
 * A droplet is in pool P when it has the `velda` tag, its name starts with P's prefix and a dash, and it carries
 * no `velda-pool:` tag (the broker made it) or exactly P's. Two pools sharing a prefix stay apart this way.
 */
export function belongsToPool(droplet: TaggedDroplet, pool: PoolIdentity): boolean {
  if (!droplet.tags.includes(VELDA_TAG)) return false
  if (!droplet.name.startsWith(`${pool.prefix}-`)) return false
  const poolTags = droplet.tags.filter((tag) => tag.startsWith(POOL_TAG_PREFIX))
  return poolTags.length === 0 || (poolTags.length === 1 && poolTags[0] === poolTag(pool.name))
}

/**
 * The pools among `pools` that a droplet belongs to, in their order. More than one only for a droplet the broker
 * made (no `velda-pool:` tag) whose prefix several pools share: the broker names droplets by prefix alone, so
 * which of those pools it serves cannot be known.
 */
export function poolsClaiming<P extends PoolIdentity>(droplet: TaggedDroplet, pools: readonly P[]): P[] {
  return pools.filter((pool) => belongsToPool(droplet, pool))
}
