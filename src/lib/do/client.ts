import {createHash} from 'node:crypto'

import {type AnswerSource, ApiError, MalformedAnswerError} from './errors.js'
import {connectDots, type DotsAccount, type DotsConnection, type DotsDroplet, type DotsImage, type DotsPage, type DotsRegion, type DotsSize, type DotsSshKey, type ListQuery} from './dots.js'
import {collectPages, isCount, PER_PAGE, readTotal} from './paginate.js'
import {createTransport, type FetchFunction, type TransportOptions} from './transport.js'
import {assignmentBatches, readAssignment, readProject, readProjects} from './projects.js'
import type {Account, AccountDetails, Droplet, DropletCreateRequest, DropletFilter, DropletStatus, Image, Project, ProjectAssignment, Region, Size, SshKey} from './types.js'
import {fromWireDroplet, price, type WireDroplet} from './wire-droplet.js'
import {utcSeconds} from '../wire-formats.js'

/** velda-do's door to DigitalOcean: every call goes through dots and the one transport. */
export interface DigitalOceanApi {
  readonly endpoint: string
  /**
   * Names the account for lock files (lock.ts): a one-way digest of the endpoint's origin and the account's uuid
   * (see accountLockKey). Reads GET /v2/account, the one answer getAccount and describeAccount share.
   */
  accountKey(): Promise<string>
  listSizes(): Promise<Size[]>
  listRegions(): Promise<Region[]>
  listSshKeys(): Promise<SshKey[]>
  /** GET /v2/account, sent once per run: the lock's key, the droplet-limit guard and doctor share its answer. */
  getAccount(): Promise<Account>
  /** The same one call as getAccount, with the e-mail and the reason for a status other than active. */
  describeAccount(): Promise<AccountDetails>
  /** A public image by slug or id, or one of the account's by id; null when the API says 404. */
  getImage(idOrSlug: string): Promise<Image | null>
  listDroplets(filter?: DropletFilter): Promise<Droplet[]>
  /** How many droplets the filter matches, from one request's `meta.total` (GPU droplets only with `gpus`). */
  countDroplets(filter?: DropletFilter): Promise<number>
  /** One POST; never retried here (the caller reconciles after an ambiguous failure). */
  createDroplets(request: DropletCreateRequest): Promise<Droplet[]>
  /** `already-gone` for a 404: the droplet no longer exists, which is what was wanted. Refuses an id that is not one. */
  deleteDroplet(id: number): Promise<'deleted' | 'already-gone'>
  /** Every project of the account, each page checked. */
  listProjects(): Promise<Project[]>
  /** A project by id, or the account's default for `default`; null when the API says 404. */
  getProject(idOrDefault: string): Promise<Project | null>
  /**
   * Moves droplets into a project (id or `default`), in batches (see projects.ts); one entry per droplet, in the
   * order given. A failed batch throws the transport's error; the batches before it stay assigned, and since
   * assigning is idempotent the caller may simply ask again for all of them.
   */
  assignToProject(projectId: string, dropletIds: number[]): Promise<ProjectAssignment[]>
}

export type ApiOptions = TransportOptions

export async function createDigitalOceanApi(options: ApiOptions): Promise<DigitalOceanApi> {
  const endpoint = options.endpoint.replace(/\/+$/, '')
  const transport = createTransport({...options, endpoint})
  const dots = await connectDots(endpoint, transport)
  return new DotsApi(endpoint, dots, transport)
}

type ListExtra = {tagName?: string; type?: 'droplets' | 'gpus'}

/** One list endpoint as dots serves it. */
interface ListEndpoint<T> {
  path: string
  /** The list's name in the wire JSON, e.g. `ssh_keys`. */
  key: string
  extra?: ListExtra
  /** `source` names the request, for the endpoint's own checks of its items. */
  fetch(query: ListQuery, source: AnswerSource): Promise<{answer: DotsPage | undefined; items: T[] | null | undefined}>
}

/** Every item of a list, each page checked (see collectPages). */
function listAll<T extends object>(endpoint: ListEndpoint<T>): Promise<T[]> {
  return collectPages(async (page) => {
    const queryParameters = {page, perPage: PER_PAGE, ...endpoint.extra}
    const source: AnswerSource = {method: 'GET', path: listPath(endpoint.path, queryParameters)}
    const {answer, items} = await endpoint.fetch({queryParameters}, source)
    return {source, items: requireList(items, endpoint.key, source), total: answer?.meta?.total, ...pageLinks(answer)}
  })
}

/** The path and query dots sends, in its order, to name a request in an error. */
function listPath(path: string, query: ListQuery['queryParameters']): string {
  const search = new URLSearchParams()
  if (query.page !== undefined) search.set('page', String(query.page))
  search.set('per_page', String(query.perPage))
  if (query.tagName !== undefined) search.set('tag_name', query.tagName)
  if (query.type !== undefined) search.set('type', query.type)
  return `${path}?${search}`
}

/** dots leaves the list out for `{}`, `null` or a non-array alike: none of them is an empty page. */
function requireList<T>(items: T[] | null | undefined, key: string, source: AnswerSource): T[] {
  if (!Array.isArray(items)) throw new MalformedAnswerError(source, `the answer has no "${key}" list`)
  return items
}

function pageLinks(answer: DotsPage | undefined): {next: unknown; last: unknown} {
  const pages = answer?.links?.pages
  return {next: pages?.next ?? pages?.additionalData?.next, last: pages?.last ?? pages?.additionalData?.last}
}

const isId = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value > 0

/** Droplets and keys are acted on by id: one without a usable id must never become droplet 0. */
function requireIds<T extends {id?: unknown}>(items: T[], key: string, source: AnswerSource): (T & {id: number})[] {
  const bad = items.findIndex((item) => typeof item !== 'object' || item === null || !isId(item.id))
  if (bad < 0) return items as (T & {id: number})[]
  const item: unknown = items[bad]
  const which = key === 'droplet' ? 'the "droplet"' : `item ${bad + 1} of the "${key}" list`
  if (typeof item !== 'object' || item === null) throw new MalformedAnswerError(source, `${which} is ${JSON.stringify(item)}, not an object`)
  const id = (item as {id?: unknown}).id
  throw new MalformedAnswerError(source, `${which} has ${id === undefined || id === null ? 'no id' : `the id ${JSON.stringify(id)}, not a positive whole number`}`)
}

/** A list answer as plain JSON, in the shape of dots' page (`meta.total`, `links.pages`) for collectPages. */
function wirePage(json: unknown): DotsPage & Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return {}
  const page = json as Record<string, unknown>
  const meta = page.meta as {total?: unknown} | null | undefined
  const links = page.links as {pages?: {next?: unknown; last?: unknown} | null} | null | undefined
  return {...page, meta: {total: meta?.total as number | null | undefined}, links: {pages: {next: links?.pages?.next, last: links?.pages?.last}}}
}

function dropletListExtra(filter: DropletFilter): ListExtra {
  return filter.gpus ? {type: 'gpus'} : filter.tagName ? {tagName: filter.tagName} : {}
}

class DotsApi implements DigitalOceanApi {
  /** The answer of GET /v2/account, asked once: nothing velda-do does changes it while a command runs. */
  private account: Promise<DotsAccount | null | undefined> | null = null

  constructor(
    readonly endpoint: string,
    private readonly dots: DotsConnection,
    private readonly transport: FetchFunction,
  ) {}

  private readAccount(): Promise<DotsAccount | null | undefined> {
    this.account ??= this.v2.account.get().then((answer) => answer?.account)
    // A failed read is not kept: a later call asks again.
    this.account.catch(() => (this.account = null))
    return this.account
  }

  /** A GET read as plain JSON, through the same transport (auth, timeouts, retries, errors) as every dots call. */
  private async getJson(source: AnswerSource): Promise<unknown> {
    const response = await this.transport(`${this.endpoint}${source.path}`, {headers: {accept: 'application/json'}})
    const body = await response.text()
    return body === '' ? undefined : JSON.parse(body)
  }

  /** A POST of velda-do's own JSON, read as plain JSON, through the same transport. */
  private async postJson(path: string, body: unknown): Promise<unknown> {
    const response = await this.transport(`${this.endpoint}${path}`, {
      method: 'POST',
      headers: {accept: 'application/json', 'content-type': 'application/json'},
      body: JSON.stringify(body),
    })
    const text = await response.text()
    return text === '' ? undefined : JSON.parse(text)
  }

  private get v2() {
    return this.dots.client.v2
  }

  async listSizes(): Promise<Size[]> {
    const sizes = await listAll({
      path: '/v2/sizes',
      key: 'sizes',
      fetch: async (query) => {
        const answer = await this.v2.sizes.get(query)
        return {answer, items: answer?.sizes}
      },
    })
    return sizes.map(toSize)
  }

  async listRegions(): Promise<Region[]> {
    const regions = await listAll({
      path: '/v2/regions',
      key: 'regions',
      fetch: async (query) => {
        const answer = await this.v2.regions.get(query)
        return {answer, items: answer?.regions}
      },
    })
    return regions.map(toRegion)
  }

  async listSshKeys(): Promise<SshKey[]> {
    const keys = await listAll({
      path: '/v2/account/keys',
      key: 'ssh_keys',
      fetch: async (query, source) => {
        const answer = await this.v2.account.keys.get(query)
        return {answer, items: answer?.sshKeys && requireIds(answer.sshKeys, 'ssh_keys', source)}
      },
    })
    return keys.map(toSshKey)
  }

  /** The droplet limit is what a scale-up is checked against: an answer without it is not read as 0. */
  async getAccount(): Promise<Account> {
    const {droplet_limit: dropletLimit, status} = await this.describeAccount()
    return {droplet_limit: dropletLimit, status}
  }

  async describeAccount(): Promise<AccountDetails> {
    const account = await this.readAccount()
    const limit = account?.dropletLimit
    if (!isCount(limit)) {
      const what = limit === undefined || limit === null ? 'has no account.droplet_limit' : `has account.droplet_limit ${JSON.stringify(limit)}, not a count`
      throw new MalformedAnswerError({method: 'GET', path: '/v2/account'}, `the answer ${what}`)
    }
    return {droplet_limit: limit, status: account?.status ?? 'unknown', status_message: account?.statusMessage ?? '', email: account?.email ?? ''}
  }

  async accountKey(): Promise<string> {
    const account = await this.readAccount().catch((error: unknown) => {
      throw error instanceof ApiError && error.status === 403 ? lacksAccountRead(error) : error
    })
    // In a team context the droplets are the team's, whichever member's token is used: the team is the account.
    const owner = account?.team?.uuid || account?.uuid
    if (typeof owner !== 'string' || owner === '') {
      throw new MalformedAnswerError({method: 'GET', path: '/v2/account'}, 'the answer has no account.uuid, which names the account in velda-do\'s pool locks')
    }
    return accountLockKey(this.endpoint, owner)
  }

  async getImage(idOrSlug: string): Promise<Image | null> {
    const path = `/v2/images/${encodeURIComponent(idOrSlug)}`
    try {
      const answer = await this.v2.images.byImage_id(/^\d+$/.test(idOrSlug) ? Number(idOrSlug) : idOrSlug).get()
      const image = answer?.image
      if (!image || !isId(image.id)) throw new MalformedAnswerError({method: 'GET', path}, 'the answer has no "image" with an id')
      return toImage(image as DotsImage & {id: number})
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null
      throw error
    }
  }

  async listDroplets(filter: DropletFilter = {}): Promise<Droplet[]> {
    const droplets = await listAll({
      path: '/v2/droplets',
      key: 'droplets',
      extra: dropletListExtra(filter),
      fetch: async (_query, source) => {
        const answer = wirePage(await this.getJson(source))
        return {answer, items: Array.isArray(answer.droplets) ? requireIds(answer.droplets as WireDroplet[], 'droplets', source) : undefined}
      },
    })
    return droplets.map(fromWireDroplet)
  }

  async countDroplets(filter: DropletFilter = {}): Promise<number> {
    // One droplet per page: the count is all that is wanted, and meta.total gives it in one request.
    const queryParameters = {perPage: 1, ...dropletListExtra(filter)}
    const source: AnswerSource = {method: 'GET', path: listPath('/v2/droplets', queryParameters)}
    const answer = await this.v2.droplets.get({queryParameters})
    requireList(answer?.droplets, 'droplets', source)
    return readTotal(answer?.meta?.total, source)
  }

  /** A create answer without its droplets (or with one lacking an id) is an error: the caller reconciles. */
  async createDroplets(request: DropletCreateRequest): Promise<Droplet[]> {
    const answer = await this.dots.createDroplets(createBody(request))
    const source: AnswerSource = {method: 'POST', path: '/v2/droplets'}
    if (answer?.droplets) return requireIds(answer.droplets, 'droplets', source).map(toDroplet)
    if (answer?.droplet) return requireIds([answer.droplet], 'droplet', source).map(toDroplet)
    throw new MalformedAnswerError(source, 'the answer has neither "droplets" nor "droplet"; the droplets may exist all the same')
  }

  async deleteDroplet(id: number): Promise<'deleted' | 'already-gone'> {
    // Every id comes from a checked answer; should one slip through, no request goes out with it.
    if (!isId(id)) throw new RangeError(`refusing to send DELETE /v2/droplets/${String(id)}: ${String(id)} is not a droplet id (a positive whole number)`)
    try {
      await this.v2.droplets.byDroplet_id(id).delete()
      return 'deleted'
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return 'already-gone'
      throw error
    }
  }

  // Projects are read as plain JSON, as droplets are: dots parses a project id into a Guid object and an
  // assignment status it does not know into undefined, and velda-do wants both as DigitalOcean wrote them.
  async listProjects(): Promise<Project[]> {
    return listAll({
      path: '/v2/projects',
      key: 'projects',
      fetch: async (_query, source) => {
        const answer = wirePage(await this.getJson(source))
        return {answer, items: readProjects(answer.projects, source)}
      },
    })
  }

  async getProject(idOrDefault: string): Promise<Project | null> {
    const source: AnswerSource = {method: 'GET', path: `/v2/projects/${encodeURIComponent(idOrDefault)}`}
    try {
      return readProject((await this.getJson(source)) as {project?: unknown} | undefined, source)
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null
      throw error
    }
  }

  async assignToProject(projectId: string, dropletIds: number[]): Promise<ProjectAssignment[]> {
    const bad = dropletIds.find((id) => !isId(id))
    if (bad !== undefined) throw new RangeError(`refusing to assign ${String(bad)} to a project: it is not a droplet id (a positive whole number)`)
    const path = `/v2/projects/${encodeURIComponent(projectId)}/resources`
    const results: ProjectAssignment[] = []
    // One batch after another: a failure stops before more requests, and the rate limit is not spent in a burst.
    for (const batch of assignmentBatches(dropletIds)) {
      const answer = await this.postJson(path, {resources: batch.map((id) => `do:droplet:${id}`)})
      results.push(...readAssignment(answer, batch, {method: 'POST', path}))
    }
    return results
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

/** The wire JSON of a create: each key once, `names` for a batch, `name` for one; unset keys left out. */
export function createBody(request: DropletCreateRequest): Record<string, unknown> {
  const {names, ...rest} = request
  const given = Object.entries(rest).filter(([, value]) => value !== undefined)
  return {...(names.length === 1 ? {name: names[0]} : {names}), ...Object.fromEntries(given)}
}

function toDroplet(d: DotsDroplet & {id: number}): Droplet {
  const address = (list: {ipAddress?: string | null; type?: string | null}[] | null | undefined, type: string) =>
    list?.find((n) => n.type === type)?.ipAddress ?? null
  return {
    id: d.id,
    name: d.name ?? '',
    status: (d.status ?? 'new') as DropletStatus,
    region: d.region?.slug ?? '',
    size: d.sizeSlug ?? '',
    image: d.image?.slug ?? (d.image?.id === undefined || d.image?.id === null ? '' : String(d.image.id)),
    public_ipv4: address(d.networks?.v4, 'public'),
    private_ipv4: address(d.networks?.v4, 'private'),
    public_ipv6: address(d.networks?.v6, 'public'),
    created_at: d.createdAt instanceof Date && !Number.isNaN(d.createdAt.getTime()) ? utcSeconds(d.createdAt.getTime()) : '',
    tags: d.tags ?? [],
    price_hourly: price(d.size?.priceHourly),
    gpu_model: d.gpuInfo?.model ?? null,
  }
}

function toSize(s: DotsSize): Size {
  const vram = s.gpuInfo?.vram
  return {
    slug: s.slug ?? '',
    description: s.description ?? '',
    vcpus: s.vcpus ?? 0,
    memory_mb: s.memory ?? 0,
    disk_gb: s.disk ?? 0,
    price_hourly: price(s.priceHourly),
    price_monthly: price(s.priceMonthly),
    available: s.available ?? false,
    regions: s.regions ?? [],
    gpu: s.gpuInfo ? {count: s.gpuInfo.count ?? 0, model: s.gpuInfo.model ?? 'unknown', vram_gb: toGib(vram?.amount ?? 0, vram?.unit ?? 'gib')} : null,
  }
}

function toGib(amount: number, unit: string): number {
  const factor: Record<string, number> = {gib: 1, gb: 1, mib: 1 / 1024, mb: 1 / 1024, tib: 1024, tb: 1024}
  return Math.round(amount * (factor[unit.toLowerCase()] ?? 1) * 100) / 100
}

function toRegion(r: DotsRegion): Region {
  return {slug: r.slug ?? '', name: r.name ?? '', available: r.available ?? false, features: r.features ?? [], sizes: r.sizes ?? []}
}

function toImage(i: DotsImage & {id: number}): Image {
  return {id: i.id, slug: i.slug ?? null, name: i.name ?? '', regions: i.regions ?? [], status: i.status ?? 'unknown'}
}

function toSshKey(k: DotsSshKey & {id: number}): SshKey {
  return {id: k.id, name: k.name ?? '', fingerprint: k.fingerprint ?? ''}
}
