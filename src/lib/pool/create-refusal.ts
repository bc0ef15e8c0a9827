import {ExitCode, type ExitCodeValue, VeldaError, type VeldaErrorOptions} from '../base/errors.js'
import type {PoolConfig} from '../config/types.js'
import {tagProblem} from '../config/schema.js'
import type {DigitalOceanApi} from '../do/client.js'
import {ApiError} from '../do/errors.js'
import type {Image, Region, Size, SshKey} from '../do/types.js'
import {accountLimitProblem, type Ask, sizeProblem, sshKeysProblem} from './scale-up-guards.js'

// What a refused create means. DigitalOcean's words for one change (its droplet-limit message has been written at
// least two ways, and "size is unavailable" and "Size is not available in this region." are both reported:
// docs/do-api.md, "What DigitalOcean says when it refuses"), so velda-do never decides from them. It decides from
// the status (400 or 422: the create was refused, nothing was made) and from what it can read again right after:
// the account's droplet limit and droplets, the sizes, the regions and the image. DigitalOcean's own message is
// always shown as it came.

/**
 * Why DigitalOcean refused a create, as far as what velda-do can read says. `no_capacity`: a 422 for a size the
 * catalog offers in the region, with everything else in order (GPU sizes are listed and still sold out);
 * `other`: nothing velda-do can read explains it, or the facts could not be read.
 */
export type RefusalClass = 'no_capacity' | 'droplet_limit' | 'size_not_offered' | 'region_unavailable' | 'image' | 'ssh_key' | 'tag' | 'other'

export interface RefusalExplanation {
  refusal: RefusalClass
  /** What velda-do found, said once for the whole run: empty for `other`. */
  finding: string
  suggestions: string[]
}

/** What velda-do knows of the account right after the refusal. */
export interface RefusalFacts {
  account: {dropletLimit: number; droplets: number}
  sizes: readonly Size[]
  regions: readonly Region[]
  /** The keys read before the creates (null when the pool names none): the listing is limited to 10 a minute. */
  sshKeys: readonly SshKey[] | null
  /** The pool's image as GET /v2/images/{slug} answered: null on a 404, undefined when the lookup failed otherwise. */
  image: Image | null | undefined
}

/** The statuses with which DigitalOcean refuses a create it did not perform: a bad request, or one it will not do. */
export function isCreateRefusal(error: unknown): error is ApiError {
  return error instanceof ApiError && (error.status === 400 || error.status === 422)
}

/** An image DigitalOcean cannot create from (the statuses doctor's image check refuses too). */
const UNUSABLE_IMAGE_STATUSES: ReadonlySet<string> = new Set(['NEW', 'pending', 'deleted', 'retired'])

/** What says the fix for a refusal nothing explains: velda-do's own checks, and DigitalOcean's words. */
function otherSuggestions(pool: PoolConfig): string[] {
  return [`velda-do doctor checks pool ${pool.name}'s size, region, image and keys and the account's droplet limit`, 'DigitalOcean\'s message above says what it refused']
}

/** The refusal velda-do cannot explain: a status other than 400/422, or facts it could not read. */
export function unexplainedRefusal(pool: PoolConfig): RefusalExplanation {
  return {refusal: 'other', finding: '', suggestions: otherSuggestions(pool)}
}

/**
 * What the refusal (`status`) of `count` droplets of `pool` (with these tags) means, from the facts alone: the same
 * refusal in other words means the same, and the droplet limit's words with room left under the limit do not mean
 * it. Pure.
 */
export function explainRefusal(pool: PoolConfig, status: number, count: number, tags: readonly string[], facts: RefusalFacts, ask?: Ask): RefusalExplanation {
  const limit = accountLimitProblem(facts.account, count, ask)
  if (limit) return {refusal: 'droplet_limit', finding: limit.message, suggestions: limit.suggestions}
  const region = regionProblem(pool, facts.regions)
  if (region) return region
  const size = sizeProblem(pool, facts.sizes)
  if (size) return {refusal: 'size_not_offered', finding: size.message, suggestions: size.suggestions}
  const keys = facts.sshKeys ? sshKeysProblem(pool, facts.sshKeys) : null
  if (keys) return {refusal: 'ssh_key', finding: keys.message, suggestions: keys.suggestions}
  const tag = tags.map(tagProblem).find((problem) => problem !== undefined)
  if (tag) return {refusal: 'tag', finding: tag.message, suggestions: tag.fix ? [tag.fix] : []}
  const image = imageProblem(pool, facts.image)
  if (image) return image
  // Everything the create depends on is in order and the catalog offers the size there: it is sold out right now.
  if (status === 422) {
    return {
      refusal: 'no_capacity',
      finding: `no capacity for ${pool.size} in ${pool.region} right now`,
      suggestions: ['--retry-until-up waits for it, --fallback POOL tries another pool'],
    }
  }
  return unexplainedRefusal(pool)
}

/** The pool's region must be one DigitalOcean lists as open to new droplets. */
function regionProblem(pool: PoolConfig, regions: readonly Region[]): RefusalExplanation | null {
  const region = regions.find((r) => r.slug === pool.region)
  if (region?.available) return null
  const open = regions.filter((r) => r.available && r.sizes.includes(pool.size)).map((r) => r.slug)
  return {
    refusal: 'region_unavailable',
    finding: region ? `region ${pool.region} is not available for new droplets now` : `region ${pool.region} of pool ${pool.name} is not one DigitalOcean lists`,
    suggestions: [open.length > 0 ? `set the pool's region to one that offers ${pool.size}: ${open.join(', ')}` : 'velda-do regions lists the regions open to new droplets'],
  }
}

/** The pool's image must exist and be usable; a lookup that failed (not a 404) decides nothing. */
function imageProblem(pool: PoolConfig, image: Image | null | undefined): RefusalExplanation | null {
  const fix = 'fix the pool\'s image: velda-do doctor checks it; doctl compute image list shows the usable ones'
  if (image === null) return {refusal: 'image', finding: `image ${pool.image} of pool ${pool.name} does not exist on this account`, suggestions: [fix]}
  if (image && UNUSABLE_IMAGE_STATUSES.has(image.status)) return {refusal: 'image', finding: `image ${pool.image} is ${image.status}, not available`, suggestions: [fix]}
  return null
}

/**
 * The facts read again after a refusal: the account's droplets (GPU ones counted apart), the sizes and the regions,
 * which may have changed since the guards read them (another run's creates, a size sold out), and the image (pool
 * up's guards do not read it). The limit is what GET /v2/account answers (the client asks once a run and keeps
 * the answer). null when they cannot be read: the refusal is then shown as DigitalOcean gave it, never explained
 * by a guess.
 */
export async function readRefusalFacts(api: DigitalOceanApi, pool: PoolConfig, sshKeys: readonly SshKey[] | null): Promise<RefusalFacts | null> {
  try {
    const [account, plain, gpu, sizes, regions, image] = await Promise.all([
      api.getAccount(),
      api.countDroplets(),
      api.countDroplets({gpus: true}),
      api.listSizes(),
      api.listRegions(),
      // A token without image:read can still create from a public image: a failed lookup is no fact about it.
      api.getImage(pool.image).catch((error: unknown) => {
        if (error instanceof VeldaError) return undefined
        throw error
      }),
    ])
    return {account: {dropletLimit: account.droplet_limit, droplets: plain + gpu}, sizes, regions, sshKeys, image}
  } catch (error) {
    // An API or network failure leaves the refusal as DigitalOcean gave it; anything else is a bug, not a fact.
    if (error instanceof VeldaError) return null
    throw error
  }
}

/**
 * A create DigitalOcean refused: `code` is what the refusal means (RefusalClass), the exit code what the run did:
 * 4 when some droplets were created before it, 3 when none was.
 */
export class CreateRefusedError extends VeldaError {
  readonly exitCode: ExitCodeValue
  readonly code: RefusalClass

  constructor(refusal: RefusalClass, anyCreated: boolean, message: string, options: VeldaErrorOptions = {}) {
    super(message, options)
    this.code = refusal
    this.exitCode = anyCreated ? ExitCode.partial : ExitCode.api
  }
}

/**
 * `--retry-until-up` ran out of `--retry-timeout` with droplets still missing for lack of capacity: exit 5, as every
 * wait that runs out of time; what was created is listed beside it.
 */
export class CapacityTimeoutError extends VeldaError {
  readonly exitCode = ExitCode.waitTimeout
  readonly code = 'capacity_timeout'
}
