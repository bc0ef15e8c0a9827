import type {Catalog} from './seed-catalog.js'
import {CapacityBook, type CapacityRule, CapacitySpecError, checkCapacityTarget, parseCapacitySpecs} from './capacity.js'
import {cloudCatalog, DEFAULT_SIMULATED_CLOUD, type SimulatedCloud} from './cloud-profile.js'
import {movedAnswer} from './moved-host.js'
import {type CreateRequest, DropletStore, dropletToApi, findImage, imageToApi, type SeedDroplets, type SimDroplet} from './droplet-store.js'
import {type FaultAction, FaultBook, type FaultRule, parseFaultRule, patchJson} from './faults.js'
import {presentsBearer} from './gate.js'
import {liveErrorFor, tagMessage} from './live-errors.js'
import {type AssignmentStatus, dropletIdOfUrn, seededUuid, seedProjects, type SimProject, urnSelfLink} from './projects.js'
import {randomHex, seededRandom} from './random.js'
import {RateLimiter, type RateLimits, REAL_RATE_LIMITS} from './rate-limit.js'
import {redactBody, redactText} from './redact.js'
import {loadSpecValidators, type OperationValidator} from './spec.js'
import {TagBook} from './tags.js'
import {utcSeconds} from '../text/wire-formats.js'

export interface CoreOptions {
  token: string
  seed?: number
  /** The simulator's clock (ms since the epoch): created_at, activation and rate limits follow it. */
  now?: () => number
  /** How long a new droplet stays `new`; a function gives each droplet its own (by creation order). null: until activated. */
  activeAfterMs?: number | null | ((index: number) => number | null)
  dropletLimit?: number
  rateLimits?: RateLimits
  faults?: FaultRule[]
  catalog?: Catalog
  /** The cloud whose catalog it serves when no catalog is given (cloud-profile.ts). */
  cloud?: SimulatedCloud
  /** An origin every API request is redirected to (301), as a host that moved answers (moved-host.ts). */
  movedTo?: string
  /** The addresses of the n-th droplet (from 1); documentation ranges unless told (hosts use loopback ones). */
  addresses?: (n: number) => {publicIpv4: string; privateIpv4: string}
  /** Free places per size and region (`--capacity`); a size and region not named has no limit. */
  capacity?: CapacityRule[]
}

export interface SimRequest {
  method: string
  /** The request URL as received (path and query). */
  url: string
  authorization: string | undefined
  body: string
}

export type SimAnswer =
  | {kind: 'answer'; status: number; headers: Record<string, string>; body: string | null; delayMs?: number}
  | {kind: 'drop'; delayMs?: number}

export interface RequestLogEntry {
  seq: number
  method: string
  path: string
  query: string
  /** null when the connection was dropped without an answer. */
  status: number | null
  /** The raw request body, byte for byte as received. */
  body: string
  fault: string | null
  /** When it arrived (ms since the epoch, the simulator's clock): the gap before a retry shows the wait honoured. */
  at: number
  /** When the client hung up on an answer still held back by a delay fault: its timeout, seen from this side. */
  abandonedAt?: number
}


const NOT_FOUND = {id: 'not_found', message: 'The resource you were accessing could not be found.'}

/** Faults that let the request be performed and only change how (or whether) its answer arrives. */
const PERFORMING_FAULTS: ReadonlySet<FaultAction['type']> = new Set(['delay', 'ambiguous', 'patch-json', 'stuck'])

/** The simulated API without the network: state, validation, limits and faults. The HTTP server wraps it. */
export class SimulatorCore {
  readonly catalog: Catalog
  readonly faults = new FaultBook()
  readonly log: RequestLogEntry[] = []
  private readonly droplets: DropletStore
  /** Literal paths first: `/v2/projects/default` is its own operation, not a project whose id is "default". */
  private readonly validators: OperationValidator[] = [...loadSpecValidators()].sort((a, b) => Number(a.template.includes('{')) - Number(b.template.includes('{')))
  private projects: SimProject[]
  /** What reset() restores after POST /__sim/projects added some. */
  private readonly initialProjects: SimProject[]
  private readonly projectRandom: () => number
  private readonly limiter: RateLimiter
  readonly now: () => number
  /** What reset() restores after POST /__sim/account changed it. */
  private readonly initialAccount: Record<string, unknown>
  private requestIds: () => number
  /** The droplets the last create made (a `stuck` fault holds them in `new`). */
  private createdByLastRequest: SimDroplet[] = []
  private seq = 0
  origin = 'http://127.0.0.1'
  readonly capacity: CapacityBook
  private readonly tags: TagBook

  constructor(private readonly options: CoreOptions) {
    this.catalog = options.catalog ?? cloudCatalog(options.cloud ?? DEFAULT_SIMULATED_CLOUD)
    if (options.dropletLimit !== undefined) this.catalog.account.droplet_limit = options.dropletLimit
    this.initialAccount = structuredClone(this.catalog.account)
    this.limiter = new RateLimiter(options.rateLimits ?? REAL_RATE_LIMITS)
    this.now = options.now ?? Date.now
    const seed = options.seed ?? 1
    const random = seededRandom(seed)
    this.requestIds = seededRandom(seed ^ 0x5eed)
    for (const rule of options.capacity ?? []) checkCapacityTarget(this.catalog, rule)
    this.capacity = new CapacityBook(this.now, options.capacity)
    this.droplets = new DropletStore({
      catalog: this.catalog,
      now: this.now,
      random,
      activeAfterMs: options.activeAfterMs,
      addresses: options.addresses,
      defaultProjectId: () => this.defaultProject().id,
      capacity: this.capacity,
    })
    this.tags = new TagBook(this.droplets, () => this.origin)
    // A generator of their own: adding projects must not shift the droplet ids and addresses a seed gives.
    this.projectRandom = seededRandom(seed ^ 0x9a0e)
    this.projects = seedProjects(this.projectRandom, {uuid: String(this.catalog.account.uuid ?? ''), id: 7_530_192})
    this.initialProjects = structuredClone(this.projects)
    for (const rule of options.faults ?? []) this.faults.add(parseFaultRule(rule))
  }

  /** The answer, and the log entry of an API request (admin requests are not logged). */
  handle(request: SimRequest): {answer: SimAnswer; entry: RequestLogEntry | null} {
    const url = new URL(request.url, this.origin)
    if (url.pathname.startsWith('/__sim/')) return {answer: this.admin(request, url), entry: null}
    const entry: RequestLogEntry = {seq: ++this.seq, method: request.method, path: url.pathname, query: url.search, status: null, body: request.body, fault: null, at: this.now()}
    this.log.push(entry)
    let answer: SimAnswer
    try {
      answer = this.api(request, url, entry)
    } catch (error) {
      // The server answers 500 for it (a bug, or a fault that broke the answer): the log says so, not "dropped".
      entry.status = 500
      throw error
    }
    if (answer.kind === 'answer') entry.status = answer.status
    return {answer, entry}
  }

  private api(request: SimRequest, url: URL, entry: RequestLogEntry): SimAnswer {
    const requestId = this.requestId()
    // A stuck fault holds only what this very request creates.
    this.createdByLastRequest = []
    const json = (status: number, body: unknown, headers: Record<string, string> = {}): SimAnswer => ({
      kind: 'answer',
      status,
      headers: {'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId, ...headers},
      body: body === null ? null : JSON.stringify(body),
    })
    const error = (status: number, id: string, message: string, headers: Record<string, string> = {}) =>
      json(status, {id, message, request_id: requestId}, headers)

    // A moved host redirects before it looks at the token, as a front door that no longer serves the API would.
    if (this.options.movedTo) return {kind: 'answer', ...movedAnswer(this.options.movedTo, `${url.pathname}${url.search}`)}
    if (!presentsBearer(request.authorization, this.options.token)) return error(401, 'unauthorized', 'Unable to authenticate you.')

    const fault = this.faults.take(request.method, url.pathname)
    if (fault) entry.fault = fault.type
    if (fault && !PERFORMING_FAULTS.has(fault.type)) return this.faultAnswer(fault, requestId, json)

    const limit = this.limiter.take(this.now(), request.method === 'GET' && url.pathname === '/v2/account/keys')
    if (!limit.allowed) return error(429, 'too_many_requests', 'API Rate limit exceeded.', limit.headers)

    const answer = this.route(request, url, json, error, limit.headers)
    if (fault?.type === 'delay') return {...answer, delayMs: fault.ms}
    if (fault?.type === 'ambiguous') {
      // The work is done; only the answer is lost.
      return fault.then === 'drop' ? {kind: 'drop'} : error(fault.status ?? 500, 'server_error', 'Server Error', limit.headers)
    }
    if (fault?.type === 'patch-json' && answer.kind === 'answer') return {...answer, body: patchJson(answer.body, fault)}
    if (fault?.type === 'stuck') this.droplets.holdNew(this.createdByLastRequest)
    return answer
  }

  private faultAnswer(fault: FaultAction, requestId: string, json: (status: number, body: unknown, headers?: Record<string, string>) => SimAnswer): SimAnswer {
    switch (fault.type) {
      case 'status': {
        const id = {400: 'bad_request', 401: 'unauthorized', 404: 'not_found', 422: 'unprocessable_entity', 429: 'too_many_requests'}[fault.status] ?? 'server_error'
        return json(fault.status, fault.body ?? {id, message: fault.status >= 500 ? 'Server Error' : 'Request failed', request_id: requestId}, fault.headers)
      }
      case 'html':
        return {
          kind: 'answer',
          status: fault.status,
          headers: {'content-type': 'text/html'},
          body: `<html><head><title>${fault.status} Bad Gateway</title></head><body><center><h1>${fault.status} Bad Gateway</h1></center><hr><center>cloudflare</center></body></html>`,
        }
      case 'rate-limit': {
        const nowSeconds = Math.ceil(this.now() / 1000)
        const headers: Record<string, string> = {
          'ratelimit-limit': '5000',
          'ratelimit-remaining': '0',
          'ratelimit-reset': String(nowSeconds + (fault.resetInSeconds ?? fault.retryAfterSeconds ?? 60)),
        }
        if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds)
        return json(429, {id: 'too_many_requests', message: 'API Rate limit exceeded.', request_id: requestId}, headers)
      }
      case 'drop':
        return {kind: 'drop'}
      case 'malformed-json':
        return {kind: 'answer', status: 200, headers: {'content-type': 'application/json'}, body: '{"droplets": [{"id": 1, "name": '}
      case 'redirect':
        return {kind: 'answer', status: fault.status ?? 301, headers: {location: fault.location}, body: null}
      case 'body': {
        const contentType = fault.contentType ?? 'application/json'
        return {kind: 'answer', status: fault.status ?? 200, headers: {...(contentType === '' ? {} : {'content-type': contentType}), 'x-request-id': requestId}, body: fault.body}
      }
      default:
        throw new Error(`fault ${fault.type} is handled elsewhere`)
    }
  }

  private route(
    request: SimRequest,
    url: URL,
    json: (status: number, body: unknown, headers?: Record<string, string>) => SimAnswer,
    error: (status: number, id: string, message: string, headers?: Record<string, string>) => SimAnswer,
    limitHeaders: Record<string, string>,
  ): SimAnswer {
    const ok = (status: number, body: unknown) => json(status, body, limitHeaders)
    const fail = (status: number, id: string, message: string) => error(status, id, message, limitHeaders)
    const match = this.match(request.method, url.pathname)
    if (!match) return fail(404, NOT_FOUND.id, NOT_FOUND.message)

    let body: unknown
    const hasBody = request.body.trim() !== ''
    if (hasBody) {
      try {
        body = JSON.parse(request.body)
      } catch {
        return fail(400, 'bad_request', 'The request body is not valid JSON.')
      }
    }
    const query = Object.fromEntries(url.searchParams)
    const operation = `${request.method} ${match.validator.template}`
    const problem = match.validator.validate({query: {...query}, pathParams: match.params, body: structuredClone(body), hasBody})
    if (problem) {
      if (operation === 'POST /v2/tags') {
        const name = (body as {name?: unknown} | undefined)?.name
        return this.tagRefusal(problem.field === 'name' && typeof name === 'string' ? tagMessage(name) : `${problem.field} ${problem.message}`, limitHeaders, json)
      }
      const live = liveErrorFor(operation, problem, body)
      return live ? fail(live.status, live.id, live.message) : fail(422, 'unprocessable_entity', `${problem.field} ${problem.message}`)
    }

    const page = Number(query.page ?? 1)
    const perPage = Number(query.per_page ?? 20)
    const now = this.now()
    switch (operation) {
      case 'GET /v2/droplets': {
        if (query.tag_name !== undefined && (query.type !== undefined || query.name !== undefined)) {
          return fail(422, 'unprocessable_entity', 'tag_name cannot be combined with name or type.')
        }
        const list = this.droplets.list({gpus: query.type === 'gpus', tag: query.tag_name, name: query.name})
        return ok(200, this.paginate('droplets', list.map((d) => dropletToApi(d, now)), url, page, perPage))
      }
      case 'POST /v2/droplets':
        return this.create(body as Record<string, unknown>, ok, fail)
      case 'DELETE /v2/droplets': {
        this.droplets.deleteTagged(query.tag_name ?? '')
        return {kind: 'answer', status: 204, headers: {...limitHeaders, 'content-type': 'application/json'}, body: null}
      }
      case 'GET /v2/droplets/{droplet_id}': {
        const droplet = this.droplets.get(Number(match.params.droplet_id))
        return droplet ? ok(200, {droplet: dropletToApi(droplet, now)}) : fail(404, NOT_FOUND.id, NOT_FOUND.message)
      }
      case 'DELETE /v2/droplets/{droplet_id}': {
        if (!this.droplets.delete(Number(match.params.droplet_id))) return fail(404, NOT_FOUND.id, NOT_FOUND.message)
        return {kind: 'answer', status: 204, headers: {...limitHeaders, 'content-type': 'application/json'}, body: null}
      }
      case 'GET /v2/sizes':
        return ok(200, this.paginate('sizes', this.catalog.sizes, url, page, perPage))
      case 'GET /v2/regions':
        return ok(200, this.paginate('regions', this.catalog.regions, url, page, perPage))
      case 'GET /v2/account/keys':
        return ok(200, this.paginate('ssh_keys', this.catalog.sshKeys, url, page, perPage))
      case 'GET /v2/account':
        return ok(200, {account: this.catalog.account})
      case 'GET /v2/images/{image_id}': {
        // Public images by id or slug; DigitalOcean finds a slug only when it is the image's own, exactly.
        const image = findImage(this.catalog, /^\d+$/.test(match.params.image_id ?? '') ? Number(match.params.image_id) : (match.params.image_id ?? ''))
        return image ? ok(200, {image: imageToApi(image)}) : fail(404, NOT_FOUND.id, NOT_FOUND.message)
      }
      case 'GET /v2/projects':
        return ok(200, this.paginate('projects', this.projects, url, page, perPage))
      case 'GET /v2/projects/default':
      case 'GET /v2/projects/{project_id}': {
        const project = this.findProject(match.params.project_id ?? 'default')
        return project ? ok(200, {project}) : fail(404, NOT_FOUND.id, NOT_FOUND.message)
      }
      case 'POST /v2/projects/default/resources':
      case 'POST /v2/projects/{project_id}/resources': {
        const project = this.findProject(match.params.project_id ?? 'default')
        if (!project) return fail(404, NOT_FOUND.id, NOT_FOUND.message)
        return ok(200, {resources: this.assign(project, (body as {resources?: string[]}).resources ?? [])})
      }
      case 'POST /v2/tags': {
        const name = (body as {name?: unknown}).name
        if (typeof name !== 'string') return this.tagRefusal('a tag needs a "name" of letters, numbers, colons, dashes and underscores', limitHeaders, json)
        return ok(201, {tag: this.tags.create(name)})
      }
      case 'GET /v2/tags/{tag_id}': {
        const tag = this.tags.get(match.params.tag_id ?? '')
        return tag ? ok(200, {tag}) : fail(404, NOT_FOUND.id, NOT_FOUND.message)
      }
      case 'DELETE /v2/tags/{tag_id}':
      case 'POST /v2/tags/{tag_id}/resources':
      case 'DELETE /v2/tags/{tag_id}/resources': {
        const tag = match.params.tag_id ?? ''
        const refusal = operation === 'DELETE /v2/tags/{tag_id}' ? this.tags.delete(tag) : this.tags.apply(tag, body as {resources: unknown[]}, request.method === 'POST')
        if (refusal) return fail(refusal.status, refusal.id, refusal.message)
        return {kind: 'answer', status: 204, headers: {...limitHeaders}, body: null}
      }
      default:
        return fail(404, NOT_FOUND.id, `${operation} is not simulated.`)
    }
  }

  private create(
    body: Record<string, unknown>,
    ok: (status: number, body: unknown) => SimAnswer,
    fail: (status: number, id: string, message: string) => SimAnswer,
  ): SimAnswer {
    const names = Array.isArray(body.names) ? (body.names as string[]) : [body.name as string]
    const size = String(body.size)
    const request: CreateRequest = {
      names,
      size,
      region: typeof body.region === 'string' ? body.region : (this.catalog.sizes.find((s) => s.slug === size)?.regions[0] ?? ''),
      image: body.image as string | number,
      tags: (body.tags as string[] | null | undefined) ?? [],
      sshKeys: (body.ssh_keys as (string | number)[] | undefined) ?? [],
      userData: typeof body.user_data === 'string' ? body.user_data : null,
      ipv6: body.ipv6 === true,
      backups: body.backups === true,
      monitoring: body.monitoring === true,
      vpcUuid: typeof body.vpc_uuid === 'string' ? body.vpc_uuid : undefined,
    }
    const made = this.droplets.create(request)
    if ('problem' in made) return fail(422, 'unprocessable_entity', made.problem)
    const created = made.droplets
    this.createdByLastRequest = created
    const now = this.now()
    const actions = created.map((d) => ({id: d.id + 7_000_000_000, rel: 'create', href: `${this.origin}/v2/actions/${d.id + 7_000_000_000}`}))
    const answer = Array.isArray(body.names)
      ? {droplets: created.map((d) => dropletToApi(d, now)), links: {actions}}
      : {droplet: dropletToApi(created[0] as SimDroplet, now), links: {actions}}
    return ok(202, answer)
  }

  /**
   * A tag create refused: tags_create's 400 is not the usual `{id, message}` but `error_with_root_causes`, as its
   * InvalidCharacters example shows it (`{"error": "Error validating resource tag: ...", "messages": null,
   * "root_causes": [...]}`).
   */
  private tagRefusal(error: string, headers: Record<string, string>, json: (status: number, body: unknown, headers?: Record<string, string>) => SimAnswer): SimAnswer {
    return json(400, {error, messages: null, root_causes: [`rpc error: code = InvalidArgument desc = ${error}`]}, headers)
  }

  private defaultProject(): SimProject {
    return this.projects.find((p) => p.is_default) as SimProject
  }

  /** By id (any case, as uuids are), or the account's default for `default`. */
  private findProject(id: string): SimProject | undefined {
    if (id === 'default') return this.defaultProject()
    return this.projects.find((p) => p.id.toLowerCase() === id.toLowerCase())
  }

  /**
   * Moves resources into the project, one status per URN as DigitalOcean reports them. A droplet that does not
   * exist (or any other kind of resource: only droplets are simulated) is `not_found` and the rest are assigned;
   * the request itself succeeds, as the documented per-resource status implies.
   */
  private assign(project: SimProject, urns: string[]): {urn: string; assigned_at: string; links: {self: string}; status: AssignmentStatus}[] {
    return urns.map((urn) => {
      const {status, assignedAt} = this.droplets.moveToProject(dropletIdOfUrn(urn), project.id)
      return {urn, assigned_at: utcSeconds(assignedAt), links: {self: urnSelfLink(this.origin, urn)}, status}
    })
  }

  /** DigitalOcean's page envelope: links to the other pages on this origin, and the total. */
  private paginate(key: string, items: readonly unknown[], url: URL, page: number, perPage: number): Record<string, unknown> {
    const last = Math.max(1, Math.ceil(items.length / perPage))
    const link = (p: number) => {
      const target = new URL(url.pathname, this.origin)
      for (const [k, v] of url.searchParams) target.searchParams.set(k, v)
      target.searchParams.set('page', String(p))
      return target.href
    }
    const pages: Record<string, string> = {}
    if (page > 1) Object.assign(pages, {first: link(1), prev: link(Math.min(page - 1, last))})
    if (page < last) Object.assign(pages, {next: link(page + 1), last: link(last)})
    return {[key]: items.slice((page - 1) * perPage, page * perPage), links: Object.keys(pages).length > 0 ? {pages} : {}, meta: {total: items.length}}
  }

  private match(method: string, path: string): {validator: OperationValidator; params: Record<string, string>} | undefined {
    for (const validator of this.validators) {
      if (validator.method !== method) continue
      const names: string[] = []
      const pattern = new RegExp(`^${validator.template.replace(/\{([^}]+)\}/g, (_m, name: string) => (names.push(name), '([^/]+)'))}$`)
      const found = pattern.exec(path)
      if (found) return {validator, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(found[i + 1] ?? '')]))}
    }
    return undefined
  }

  private requestId(): string {
    const hex = randomHex(this.requestIds, 32)
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  }

  // ---- the admin side: used by tests, benchmarks and users rehearsing ----

  /** Every droplet as the simulator keeps it (the simulated hosts follow them). */
  allDroplets(): SimDroplet[] {
    return this.droplets.all()
  }

  seedDroplets(seed: SeedDroplets): SimDroplet[] {
    return this.droplets.seed(seed)
  }

  /**
   * Changes what GET /v2/account answers, for rehearsing a locked account or a lower droplet limit. Only the
   * account's own keys, each with the type it has, so the answer stays one the real API could give.
   */
  patchAccount(patch: Record<string, unknown>): Record<string, unknown> {
    const account = this.catalog.account
    for (const [key, value] of Object.entries(patch)) {
      // Own keys: `in` would also find __proto__ and toString, and Object.assign would then set the account's prototype.
      if (!Object.hasOwn(account, key)) throw new Error(`the account has no key ${key}; it has: ${Object.keys(account).join(', ')}`)
      if (typeof value !== typeof account[key]) throw new Error(`account.${key} is a ${typeof account[key]}, not a ${typeof value}`)
      if (key === 'status' && !['active', 'warning', 'locked'].includes(value as string)) throw new Error('account.status is one of active, warning, locked')
      if (key === 'droplet_limit' && !(Number.isSafeInteger(value) && (value as number) >= 0)) throw new Error('account.droplet_limit is a whole number, 0 or more')
    }
    Object.assign(account, patch)
    return account
  }

  /** Powers droplets off (or on): they stay, are billed, and show `off`. Answers how many changed. */
  power(ids: number[], on: boolean): number {
    return this.droplets.power(ids, on)
  }

  /** Turns droplets active now (all `new` ones when no ids are given). */
  activate(ids?: number[]): number {
    return this.droplets.activate(ids)
  }

  dropletList(): Record<string, unknown>[] {
    return this.droplets.adminList()
  }

  /** The projects, each with the ids of its droplets. */
  projectList(): (SimProject & {droplet_ids: number[]})[] {
    const members = (project: SimProject) => this.droplets.all().filter((d) => d.projectId === project.id).map((d) => d.id)
    return this.projects.map((p) => ({...p, droplet_ids: members(p)}))
  }

  /** Another project on the account (a name may be one that exists already: DigitalOcean's rule, not ours). */
  addProject(input: Record<string, unknown>): SimProject {
    const {name, is_default: isDefault = false} = input
    if (typeof name !== 'string' || name === '' || name.length > 175) throw new Error('a project needs a "name" of 1 to 175 characters')
    if (typeof isDefault !== 'boolean') throw new Error('"is_default" is true or false')
    const now = utcSeconds(this.now())
    const project: SimProject = {...this.defaultProject(), id: seededUuid(this.projectRandom), name, description: '', is_default: isDefault, created_at: now, updated_at: now}
    if (isDefault) for (const other of this.projects) other.is_default = false
    this.projects.push(project)
    return project
  }

  /**
   * POST /__sim/capacity: `{"capacity": ["SIZE@REGION=N[,+M/PERIOD]", ...]}` sets those pairs from now (the others
   * keep theirs); `{"unlimited": ["SIZE@REGION", ...]}` lifts a pair's limit. Refused whole (400) on a bad spec.
   */
  setCapacity(body: Record<string, unknown>): Record<string, {free: number; spec: string}> {
    const {capacity = [], unlimited = [], ...rest} = body
    const extra = Object.keys(rest)
    if (extra.length > 0) throw new Error(`unknown key ${extra.join(', ')}: give {"capacity": ["SIZE@REGION=N[,+M/PERIOD]"]} and/or {"unlimited": ["SIZE@REGION"]}`)
    const list = (value: unknown, name: string): string[] => {
      const items = typeof value === 'string' ? [value] : value
      if (!Array.isArray(items) || !items.every((item) => typeof item === 'string')) throw new Error(`"${name}" is a list of strings`)
      return items
    }
    let rules: CapacityRule[]
    try {
      rules = parseCapacitySpecs(list(capacity, 'capacity'))
    } catch (error) {
      if (!(error instanceof CapacitySpecError)) throw error
      throw new Error(`${error.message}: ${error.fix}`)
    }
    for (const rule of rules) checkCapacityTarget(this.catalog, rule)
    const lifted = list(unlimited, 'unlimited')
    for (const rule of rules) this.capacity.set(rule)
    for (const key of lifted) this.capacity.lift(key)
    return this.capacity.view()
  }

  counts(): Record<string, number> {
    const counts: Record<string, number> = {}
    for (const entry of this.log) counts[`${entry.method} ${entry.path}`] = (counts[`${entry.method} ${entry.path}`] ?? 0) + 1
    return counts
  }

  reset(): void {
    this.droplets.clear()
    this.tags.clear()
    this.projects = structuredClone(this.initialProjects)
    this.log.length = 0
    this.faults.clear()
    this.limiter.reset()
    this.capacity.clear()
    for (const rule of this.options.capacity ?? []) this.capacity.set(rule)
    for (const key of Object.keys(this.catalog.account)) delete this.catalog.account[key]
    Object.assign(this.catalog.account, structuredClone(this.initialAccount))
  }

  /**
   * The secrets clients sent (the Tailscale key in user_data, tokens) are cut out of what the admin API shows,
   * unless asked for with `?show_secrets=true`, as `render-userdata --show-secrets` asks velda-do.
   */
  private showSecrets(url: URL): boolean {
    return url.searchParams.get('show_secrets') === 'true'
  }

  private shownDroplets(url: URL): Record<string, unknown>[] {
    const droplets = this.dropletList()
    if (this.showSecrets(url)) return droplets
    return droplets.map((d) => ({...d, user_data: typeof d.user_data === 'string' ? redactText(d.user_data, this.options.token) : d.user_data}))
  }

  private shownLog(url: URL): RequestLogEntry[] {
    if (this.showSecrets(url)) return this.log
    return this.log.map((entry) => ({...entry, query: redactText(entry.query, this.options.token), body: redactBody(entry.body, this.options.token)}))
  }

  private admin(request: SimRequest, url: URL): SimAnswer {
    const reply = (status: number, body: unknown): SimAnswer => ({
      kind: 'answer',
      status,
      headers: {'content-type': 'application/json; charset=utf-8'},
      body: JSON.stringify(body),
    })
    let body: Record<string, unknown> = {}
    try {
      body = request.body.trim() === '' ? {} : (JSON.parse(request.body) as Record<string, unknown>)
    } catch {
      return reply(400, {error: 'the body is not JSON'})
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return reply(400, {error: 'the body is a JSON object'})
    try {
      switch (`${request.method} ${url.pathname}`) {
        case 'GET /__sim/state':
          return reply(200, {cloud: this.options.cloud ?? DEFAULT_SIMULATED_CLOUD, moved_to: this.options.movedTo ?? null, droplets: this.shownDroplets(url), faults: this.faults.list(), account: this.catalog.account, projects: this.projectList(), capacity: this.capacity.view()})
        case 'GET /__sim/requests':
          return reply(200, {requests: this.shownLog(url), counts: this.counts()})
        case 'DELETE /__sim/requests':
          this.log.length = 0
          return reply(200, {cleared: true})
        case 'POST /__sim/reset':
          this.reset()
          return reply(200, {reset: true})
        case 'POST /__sim/faults': {
          const rules = Array.isArray(body.faults) ? body.faults : [body]
          for (const rule of rules) this.faults.add(parseFaultRule(rule))
          return reply(200, {faults: this.faults.list()})
        }
        case 'DELETE /__sim/faults':
          this.faults.clear()
          return reply(200, {faults: []})
        case 'POST /__sim/droplets':
          return reply(200, {droplets: this.seedDroplets(body as unknown as SeedDroplets).map((d) => ({id: d.id, name: d.name}))})
        case 'POST /__sim/account':
          return reply(200, {account: this.patchAccount(body)})
        case 'POST /__sim/projects':
          return reply(200, {project: this.addProject(body)})
        case 'POST /__sim/capacity':
          return reply(200, {capacity: this.setCapacity(body)})
        case 'POST /__sim/power-off':
        case 'POST /__sim/power-on':
          if (!Array.isArray(body.ids) || !body.ids.every((id) => Number.isInteger(id))) return reply(400, {error: 'give {"ids": [droplet ids]}'})
          return reply(200, {changed: this.power(body.ids as number[], url.pathname.endsWith('-on'))})
        case 'POST /__sim/activate':
          return reply(200, {activated: this.activate(Array.isArray(body.ids) ? (body.ids as number[]) : undefined)})
        default:
          return reply(404, {error: `no admin endpoint ${request.method} ${url.pathname}`, endpoints: ADMIN_ENDPOINTS})
      }
    } catch (error) {
      return reply(400, {error: (error as Error).message})
    }
  }
}

export const ADMIN_ENDPOINTS = [
  'GET /__sim/state',
  'GET /__sim/requests',
  'DELETE /__sim/requests',
  'POST /__sim/reset',
  'POST /__sim/faults',
  'DELETE /__sim/faults',
  'POST /__sim/droplets',
  'POST /__sim/activate',
  'POST /__sim/power-off',
  'POST /__sim/power-on',
  'POST /__sim/account',
  'POST /__sim/projects',
  'POST /__sim/capacity',
]
