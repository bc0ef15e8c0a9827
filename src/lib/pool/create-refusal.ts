import {VeldaError} from '../base/errors.js'
import type {PoolConfig} from '../config/types.js'
import {tagProblem} from '../config/schema.js'
import type {DigitalOceanApi} from '../do/client.js'
import {ApiError} from '../do/errors.js'
import type {Size, SshKey} from '../do/types.js'
import {accountLimitProblem, type Ask, sizeProblem, sshKeysProblem} from './scale-up-guards.js'

// What a refused create means. DigitalOcean's words for one change (its droplet-limit message has been written at
// least two ways, and "size is unavailable" and "Size is not available in this region." are both reported:
// docs/do-api.md, "What DigitalOcean says when it refuses"), so velda-do never decides from them. It decides from
// the status (400 or 422: the create was refused, nothing was made) and from what it can read again right after:
// the account's droplet limit and droplets, and the sizes. DigitalOcean's own message is always shown as it came.

/** Why DigitalOcean refused a create, as far as what velda-do can read says; `unexplained` when nothing does. */
export type RefusalMeaning = 'droplet_limit' | 'size' | 'ssh_keys' | 'tags' | 'unexplained'

export interface RefusalExplanation {
  meaning: RefusalMeaning
  /** What velda-do found, for the error line: empty when unexplained. */
  finding: string
  suggestions: string[]
}

/** What velda-do knows of the account right after the refusal. */
export interface RefusalFacts {
  account: {dropletLimit: number; droplets: number}
  sizes: readonly Size[]
  /** The keys read before the creates (null when the pool names none): the listing is limited to 10 a minute. */
  sshKeys: readonly SshKey[] | null
}

/** The statuses with which DigitalOcean refuses a create it did not perform: a bad request, or one it will not do. */
export function isCreateRefusal(error: unknown): error is ApiError {
  return error instanceof ApiError && (error.status === 400 || error.status === 422)
}

/**
 * What the refusal of `count` droplets of `pool` (with these tags) means, from the facts alone: the same refusal
 * in other words means the same, and the droplet limit's words with room left under the limit do not mean it.
 * Pure.
 */
export function explainRefusal(pool: PoolConfig, count: number, tags: readonly string[], facts: RefusalFacts, ask?: Ask): RefusalExplanation {
  const limit = accountLimitProblem(facts.account, count, ask)
  if (limit) return {meaning: 'droplet_limit', finding: limit.message, suggestions: limit.suggestions}
  const size = sizeProblem(pool, facts.sizes)
  if (size) return {meaning: 'size', finding: size.message, suggestions: size.suggestions}
  const keys = facts.sshKeys ? sshKeysProblem(pool, facts.sshKeys) : null
  if (keys) return {meaning: 'ssh_keys', finding: keys.message, suggestions: keys.suggestions}
  const tag = tags.map(tagProblem).find((problem) => problem !== undefined)
  if (tag) return {meaning: 'tags', finding: tag.message, suggestions: tag.fix ? [tag.fix] : []}
  return {
    meaning: 'unexplained',
    finding: '',
    suggestions: [`velda-do doctor checks pool ${pool.name}'s size, region, image and keys and the account's droplet limit`, 'DigitalOcean\'s message above says what it refused'],
  }
}

/**
 * The facts read again after a refusal: the account's droplets (GPU ones counted apart) and the sizes, which may
 * have changed since the guards read them (another run's creates, a size sold out); the limit is what GET
 * /v2/account answers (the client asks once a run and keeps the answer: it does not change while a command runs). null when they cannot be read:
 * the refusal is then shown as DigitalOcean gave it, never explained by a guess.
 */
export async function readRefusalFacts(api: DigitalOceanApi, sshKeys: readonly SshKey[] | null): Promise<RefusalFacts | null> {
  try {
    const [account, plain, gpu, sizes] = await Promise.all([api.getAccount(), api.countDroplets(), api.countDroplets({gpus: true}), api.listSizes()])
    return {account: {dropletLimit: account.droplet_limit, droplets: plain + gpu}, sizes, sshKeys}
  } catch (error) {
    // An API or network failure leaves the refusal as DigitalOcean gave it; anything else is a bug, not a fact.
    if (error instanceof VeldaError) return null
    throw error
  }
}
