import {createHash} from 'node:crypto'

import type {DoClient} from './api-client.js'
import type {DotsAccount} from './dots.js'
import {ApiError, MalformedAnswerError} from './errors.js'
import {isCount} from './paginate.js'
import type {Account, AccountDetails} from './types.js'

/** The account: its droplet limit and status, and the key that names it in pool locks. dots' typed request. */
export class AccountService {
  /** The answer of GET /v2/account, asked once: nothing velda-do does changes it while a command runs. */
  private account: Promise<DotsAccount | null | undefined> | null = null

  constructor(private readonly client: DoClient) {}

  private read(): Promise<DotsAccount | null | undefined> {
    this.account ??= this.client.dots.account.get().then((answer) => answer?.account)
    // A failed read is not kept: a later call asks again.
    this.account.catch(() => (this.account = null))
    return this.account
  }

  /** The droplet limit is what a scale-up is checked against: an answer without it is not read as 0. */
  async get(): Promise<Account> {
    const {droplet_limit: dropletLimit, status} = await this.describe()
    return {droplet_limit: dropletLimit, status}
  }

  async describe(): Promise<AccountDetails> {
    const account = await this.read()
    const limit = account?.dropletLimit
    if (!isCount(limit)) {
      const what = limit === undefined || limit === null ? 'has no account.droplet_limit' : `has account.droplet_limit ${JSON.stringify(limit)}, not a count`
      throw new MalformedAnswerError({method: 'GET', path: '/v2/account'}, `the answer ${what}`)
    }
    return {droplet_limit: limit, status: account?.status ?? 'unknown', status_message: account?.statusMessage ?? '', email: account?.email ?? ''}
  }

  async key(): Promise<string> {
    const account = await this.read().catch((error: unknown) => {
      throw error instanceof ApiError && error.status === 403 ? lacksAccountRead(error) : error
    })
    // In a team context the droplets are the team's, whichever member's token is used: the team is the account.
    const owner = account?.team?.uuid || account?.uuid
    if (typeof owner !== 'string' || owner === '') {
      throw new MalformedAnswerError({method: 'GET', path: '/v2/account'}, 'the answer has no account.uuid, which names the account in velda-do\'s pool locks')
    }
    return accountLockKey(this.client.endpoint, owner)
  }
}

/**
 * GET /v2/account refused (403) to a token that may do the rest: a custom-scoped token without `account:read`.
 * pool up, down, scale and reap need it before anything else, to key the pool lock; the plain 403 said neither.
 */
function lacksAccountRead(refused: ApiError): ApiError {
  const error = new ApiError(refused.status, refused.errorId, refused.apiMessage, refused.requestId, refused.request, {
    cause: refused,
    suggestions: [
      'give the token the account:read scope (DigitalOcean control panel, API, Tokens: edit its scopes), or use a token with full access',
      'the scopes each command needs: docs/do-api.md, "Token scopes"',
    ],
  })
  error.message = `${refused.message}: the token lacks the account:read scope, which velda-do needs to key the pool lock (the account's uuid names it, so that two runs on one pool wait for each other); nothing was done`
  return error
}

/**
 * One key per account and API, however either is written: the endpoint as its origin (the URL parser lowercases
 * scheme and host and drops a default port and a trailing slash), the account by its uuid, not by a token (an
 * account has many). Two keys for one pool would let two runs both pass its max_agents. A digest: the file name
 * says nothing about the account.
 */
export function accountLockKey(endpoint: string, accountUuid: string): string {
  return createHash('sha256').update(`${new URL(endpoint).origin}\n${accountUuid.toLowerCase()}`).digest('hex').slice(0, 24)
}
