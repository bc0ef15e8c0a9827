/**
 * Failures on demand, for tests and for users rehearsing failure. A rule matches requests by method and path and
 * fires on the `nth` matching request and the `count - 1` after it (count 0: every one from the nth on).
 */
export type FaultAction =
  /** Answer with this status and DigitalOcean's JSON error body (or `body`). */
  | {type: 'status'; status: number; body?: unknown; headers?: Record<string, string>}
  /** Answer with an HTML page, as a proxy in front of the API does. */
  | {type: 'html'; status: number}
  /** 429 as the rate limiter sends it: with `retry-after`, or with only `ratelimit-reset` (remaining 0). */
  | {type: 'rate-limit'; retryAfterSeconds?: number; resetInSeconds?: number}
  /** Answer normally, but only after this long. */
  | {type: 'delay'; ms: number}
  /** Close the connection without an answer. */
  | {type: 'drop'}
  /** 200 with a body that is not JSON. */
  | {type: 'malformed-json'}
  /** 301 (or `status`) to another place. */
  | {type: 'redirect'; location: string; status?: number}
  /** Do what was asked (create the droplets), then answer 500 or drop the connection: the lost answer. */
  | {type: 'ambiguous'; then: 'status' | 'drop'; status?: number}
  /** Answer with exactly this body (status 200 and `application/json` unless told; contentType '' sends none). */
  | {type: 'body'; status?: number; contentType?: string; body: string}
  /**
   * Do what was asked, then edit the JSON answer at dotted paths (`meta.total`, `droplets.0.id`): a short or
   * contradictory listing from an API that did the work. An answer that is not JSON (a 204) goes out unchanged.
   */
  | {type: 'patch-json'; remove?: string[]; set?: Record<string, unknown>}
  /** Create the droplets as asked, but they never leave `new`: a create that never comes up (and may bill). */
  | {type: 'stuck'}

export interface FaultRule {
  method?: string
  /** A path (`/v2/droplets`) or a prefix ending in `*` (`/v2/droplets/*`). Any path when absent. */
  path?: string
  nth?: number
  count?: number
  action: FaultAction
}

export class FaultBook {
  private readonly rules: {rule: FaultRule; seen: number}[] = []

  add(rule: FaultRule): void {
    this.rules.push({rule, seen: 0})
  }

  clear(): void {
    this.rules.length = 0
  }

  list(): FaultRule[] {
    return this.rules.map((r) => r.rule)
  }

  /** The action for this request, if a rule fires. Every matching rule counts the request. */
  take(method: string, path: string): FaultAction | undefined {
    let fired: FaultAction | undefined
    for (const entry of this.rules) {
      if (!matches(entry.rule, method, path)) continue
      entry.seen++
      const first = entry.rule.nth ?? 1
      const count = entry.rule.count ?? 1
      const inWindow = entry.seen >= first && (count === 0 || entry.seen < first + count)
      if (inWindow && !fired) fired = entry.rule.action
    }
    return fired
  }
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false
  if (!rule.path) return true
  return rule.path.endsWith('*') ? path.startsWith(rule.path.slice(0, -1)) : path === rule.path
}

/** Checks a rule given over the admin API or the command line. */
export function parseFaultRule(input: unknown): FaultRule {
  const rule = input as FaultRule
  const types = ['status', 'html', 'rate-limit', 'delay', 'drop', 'malformed-json', 'redirect', 'ambiguous', 'body', 'patch-json', 'stuck']
  if (!rule || typeof rule !== 'object' || !rule.action || !types.includes(rule.action.type)) {
    throw new Error(`a fault needs an action with a type among: ${types.join(', ')}`)
  }
  for (const key of ['nth', 'count'] as const) {
    const value = rule[key]
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) throw new Error(`fault ${key} must be a whole number`)
  }
  checkAction(rule.action)
  return rule
}

/** The new actions carry data that a typo would silently ignore: refuse it when the rule is given. */
function checkAction(action: FaultAction): void {
  if (action.type === 'body') {
    if (typeof action.body !== 'string') throw new Error('a body fault needs "body": the raw text to answer with')
    if (action.status !== undefined && !(Number.isInteger(action.status) && action.status >= 200 && action.status <= 599)) {
      throw new Error('a body fault\'s "status" must be an HTTP status from 200 to 599')
    }
    if (action.contentType !== undefined && typeof action.contentType !== 'string') throw new Error('a body fault\'s "contentType" must be text')
  }
  if (action.type === 'patch-json') {
    const {remove, set} = action
    if (remove !== undefined && !(Array.isArray(remove) && remove.every((path) => typeof path === 'string' && path !== ''))) {
      throw new Error('a patch-json fault\'s "remove" must be a list of dotted paths')
    }
    if (set !== undefined && (set === null || typeof set !== 'object' || Array.isArray(set))) {
      throw new Error('a patch-json fault\'s "set" must be an object of dotted paths to values')
    }
    if (remove === undefined && set === undefined) throw new Error('a patch-json fault needs "remove" or "set"')
    for (const path of [...(remove ?? []), ...Object.keys(set ?? {})]) checkPath(path)
  }
}

/**
 * Segments that lead out of the answer into the objects every object inherits from: `set: {"__proto__.x": 1}`
 * would give every object of the simulator an `x` (prototype pollution), and the next request would crash it.
 */
const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * The largest array index a path may name. Setting `droplets.4294967294` makes an array of 4 billion holes that no
 * JSON.stringify survives; no answer of the simulator has a list near this long (a page holds at most 200).
 */
export const MAX_PATCH_INDEX = 10_000

function checkPath(path: string): void {
  const segments = path.split('.')
  const segment = segments.find((s) => FORBIDDEN_SEGMENTS.has(s))
  if (segment !== undefined) {
    throw new Error(`a patch-json path may not name "${segment}" (${[...FORBIDDEN_SEGMENTS].join(', ')} lead out of the answer into every object's prototype): ${path}`)
  }
  for (const each of segments) {
    const problem = segmentProblem(each)
    if (problem) throw new Error(`a patch-json path ${problem}: ${path}`)
  }
}

/**
 * Why a segment may not be walked or set, or null. `length` would resize an array (-1 or 2^32 crash the next
 * answer; a large one makes it gigabytes); a numeric segment is an array index, and one past MAX_PATCH_INDEX would
 * do the same.
 */
function segmentProblem(segment: string): string | null {
  if (segment === 'length') return 'may not name "length" (it would resize an array: name the items, e.g. droplets.0, or remove them)'
  if (/^\d+$/.test(segment) && Number(segment) > MAX_PATCH_INDEX) return `may not name an array index past ${MAX_PATCH_INDEX} (${segment}: the answer would be that long)`
  return null
}

/**
 * The answer body with a patch-json fault applied: paths removed, then values set (creating missing objects on
 * the way). Numeric segments index arrays. A body that is not a JSON object or array is returned as it was.
 */
export function patchJson(body: string | null, patch: {remove?: string[]; set?: Record<string, unknown>}): string | null {
  let json: unknown
  try {
    json = JSON.parse(body ?? '')
  } catch {
    return body
  }
  if (json === null || typeof json !== 'object') return body
  for (const path of patch.remove ?? []) removeAt(json as Container, path.split('.'))
  for (const [path, value] of Object.entries(patch.set ?? {})) setAt(json as Container, path.split('.'), value)
  return JSON.stringify(json)
}

type Container = Record<string, unknown> | unknown[]

function removeAt(root: Container, segments: string[]): void {
  // parseFaultRule refused these already; a rule given some other way still never reaches a prototype.
  if (segments.some((s) => FORBIDDEN_SEGMENTS.has(s))) return
  const parent = walk(root, segments.slice(0, -1), false)
  const last = segments.at(-1) as string
  if (!Array.isArray(parent)) {
    if (parent && Object.hasOwn(parent, last)) Reflect.deleteProperty(parent, last)
    return
  }
  const index = Number(last)
  if (Number.isInteger(index)) parent.splice(index, 1)
}

function setAt(root: Container, segments: string[], value: unknown): void {
  // Refused by parseFaultRule too: an answer never grows to billions of items, whatever gave the rule.
  if (segments.some((s) => FORBIDDEN_SEGMENTS.has(s) || segmentProblem(s) !== null)) return
  const parent = walk(root, segments.slice(0, -1), true) as Container
  const key = segments.at(-1) as string
  if (Array.isArray(parent)) (parent as unknown as Record<string, unknown>)[key] = structuredClone(value)
  else defineOwn(parent, key, structuredClone(value))
}

/** Defined, not assigned: an own data property whatever the key (assignment could call an inherited setter). */
function defineOwn(object: object, key: string, value: unknown): void {
  Object.defineProperty(object, key, {value, enumerable: true, writable: true, configurable: true})
}

/** The container at `segments`; with `create`, objects are made where nothing (or a non-object) is in the way. */
function walk(root: Container, segments: string[], create: boolean): Container | undefined {
  let node: Container = root
  for (const segment of segments) {
    // Own properties only: an answer's object has no `toString` to walk into, whatever it inherits.
    const child = Object.hasOwn(node, segment) ? (node as Record<string, unknown>)[segment] : undefined
    if (child !== null && typeof child === 'object') {
      node = child as Container
      continue
    }
    if (!create) return undefined
    const made: Record<string, unknown> = {}
    if (Array.isArray(node)) (node as unknown as Record<string, unknown>)[segment] = made
    else defineOwn(node, segment, made)
    node = made
  }
  return node
}
