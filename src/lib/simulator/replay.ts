import {redactText} from './redact.js'
import type {Trace, TraceExchange} from './trace-file.js'
import {plural} from '../text/plural.js'

/**
 * `simulator --replay`: answers the requests of a trace (trace-file.ts) in its order, each with what was recorded.
 * Pure: the server (replay-server.ts) carries the answers out. The rules, and why (docs/simulator.md, "Replaying a
 * trace"):
 * - A request must have the method, path and query of the next recorded one (the host is not compared, and the
 *   query's parameters in any order). Requests whose order was the network's (sent together, or pool down's
 *   parallel deletes: one group, see groupsOf) may come in any order among themselves.
 * - The first request that does not match is answered 501 with a one-line diff, and the trace does not move on:
 *   what follows a divergence is not what the trace recorded.
 * - Request bodies are not compared (droplet names are random at every run), but the names a create sent are
 *   learned: the recorded names are replaced by the ones this run sent, in every later answer and expected query,
 *   so that a pool up finds its own droplets in the answers. Keys of a JSON body that differ are noted.
 * - `ratelimit-reset` (an epoch time) is moved by as much as the replay is later than the recording, so the
 *   client waits as long as it did; everything else is answered as recorded.
 */

interface ReplayRequest {
  method: string
  /** Path and query, as received. */
  url: string
  /** The raw request body. */
  body: string
}

type ReplayAnswer =
  | {kind: 'answer'; line: number; status: number; headers: Record<string, string>; body: string | null}
  /** Recorded without an answer: a connection dropped (or refused) is dropped. */
  | {kind: 'drop'; line: number}
  /** Recorded without an answer because the client gave up waiting: held until this client gives up too. */
  | {kind: 'hold'; line: number}
  /** Not what the trace holds next, or past its end: 501 and the one-line diff in `message`. */
  | {kind: 'refuse'; line: number | null; status: 501; headers: Record<string, string>; body: string; message: string}

interface ReplayMismatch {
  /** The line of the trace that was expected; null past the end. */
  line: number | null
  request: string
  message: string
  at: string
}

interface ReplayReport {
  file: string
  exchanges: number
  answered: number
  /** The line of the next request expected, and the request; null once every one was answered. */
  next: {line: number; request: string} | null
  ended: boolean
  mismatch_count: number
  /** The first MAX_KEPT, in order. */
  mismatches: ReplayMismatch[]
  notes: string[]
  ssh_lines_ignored: number
}

const MAX_KEPT = 100
/** A request is quoted in messages at most this long: it comes from a client, and the message is one line. */
const MAX_QUOTED = 300
/**
 * A recorded error that says the client stopped waiting, rather than that the connection failed: velda-do's
 * transport says `no answer from HOST within 30s`, --record `timeout: the client hung up ...`.
 */
const TIMEOUT_WORDS = /time[ds]?[\s-]?out|no answer|hung up/i
const NO_BODY_STATUSES = new Set([204, 304])

export class Replay {
  /** The trace's exchanges in the order the client started them (see inStartOrder). */
  private readonly exchanges: readonly TraceExchange[]
  private readonly answered: boolean[]
  /** The first exchange not answered yet (every one before it is): kept, not searched for at each request. */
  private first = 0
  private readonly group: number[]
  private readonly names = new Map<string, string>()
  private readonly mismatches: ReplayMismatch[] = []
  private mismatchCount = 0
  private readonly notes: string[] = []

  constructor(
    private readonly trace: Trace,
    private readonly now: () => number = Date.now,
  ) {
    this.exchanges = inStartOrder(trace.exchanges)
    this.answered = this.exchanges.map(() => false)
    this.group = groupsOf(this.exchanges)
  }

  /** Starts the trace over (POST /__sim/reset): a test replays it again. */
  rewind(): void {
    this.answered.fill(false)
    this.first = 0
    this.names.clear()
    this.mismatches.length = 0
    this.mismatchCount = 0
    this.notes.length = 0
  }

  answer(request: ReplayRequest): ReplayAnswer {
    const target = new URL(request.url, 'http://replay.invalid')
    const method = request.method.toUpperCase()
    const got = quote(`${method} ${target.pathname}${target.search}`)
    const first = this.first
    if (first === this.exchanges.length) {
      const total = this.exchanges.length
      return this.refuse(null, got, `trace ended: ${plural(total, 'request')} of ${this.trace.file} answered, all of them; ${got} is past its end`)
    }
    const index = this.findMatch(first, method, target)
    if (index === -1) {
      const expected = this.exchanges[first] as TraceExchange
      const want = `${expected.method} ${expected.path}${this.expectedQuery(expected)}`
      const differences = describeDifferences(expected.method, expected.path, this.expectedQuery(expected), method, target)
      return this.refuse(expected.line, got, `replay mismatch at ${this.trace.file}:${expected.line}: expected ${quote(want)}, got ${got} (${differences})`)
    }
    this.answered[index] = true
    while (this.first < this.exchanges.length && this.answered[this.first]) this.first++
    const exchange = this.exchanges[index] as TraceExchange
    this.learnNames(exchange, request.body)
    if (exchange.status === null) return {kind: TIMEOUT_WORDS.test(exchange.error ?? '') ? 'hold' : 'drop', line: exchange.line}
    const body = NO_BODY_STATUSES.has(exchange.status) || exchange.responseBody === null ? null : this.bodyOf(exchange.responseBody)
    return {kind: 'answer', line: exchange.line, status: exchange.status, headers: this.headersOf(exchange), body}
  }

  report(): ReplayReport {
    const next = this.exchanges[this.first] ?? null
    return {
      file: this.trace.file,
      exchanges: this.exchanges.length,
      answered: this.answered.filter(Boolean).length,
      next: next ? {line: next.line, request: `${next.method} ${next.path}${this.expectedQuery(next)}`} : null,
      ended: next === null,
      mismatch_count: this.mismatchCount,
      mismatches: [...this.mismatches],
      notes: [...this.notes],
      ssh_lines_ignored: this.trace.sshLines,
    }
  }

  /** The first unanswered exchange of the first one's group (groupsOf) that this request is. */
  private findMatch(first: number, method: string, target: URL): number {
    const group = this.group[first]
    for (let index = first; index < this.exchanges.length && this.group[index] === group; index++) {
      const exchange = this.exchanges[index] as TraceExchange
      if (this.answered[index] || exchange.method !== method || exchange.path !== target.pathname) continue
      if (sameQuery(this.expectedQuery(exchange), target.search)) return index
    }
    return -1
  }

  private refuse(line: number | null, request: string, message: string): ReplayAnswer {
    this.mismatchCount++
    if (this.mismatches.length < MAX_KEPT) this.mismatches.push({line, request, message, at: new Date(this.now()).toISOString()})
    // DigitalOcean's error shape, so that the client prints the message as it prints any refusal.
    const body = JSON.stringify({id: line === null ? 'replay_ended' : 'replay_mismatch', message})
    return {kind: 'refuse', line, status: 501, headers: {'content-type': 'application/json; charset=utf-8'}, body, message}
  }

  /** The recorded query with the names of this run in place of the recorded ones. */
  private expectedQuery(exchange: TraceExchange): string {
    if (this.names.size === 0 || exchange.query === '') return exchange.query
    const params = new URLSearchParams(exchange.query)
    const renamed = new URLSearchParams()
    for (const [key, value] of params) renamed.append(key, this.names.get(value) ?? value)
    return `?${renamed.toString()}`
  }

  private bodyOf(recorded: unknown): string {
    if (typeof recorded === 'string') return recorded
    return JSON.stringify(this.names.size === 0 ? recorded : renameStrings(recorded, this.names))
  }

  private headersOf(exchange: TraceExchange): Record<string, string> {
    const headers = {...exchange.responseHeaders}
    const reset = headers['ratelimit-reset']
    if (reset !== undefined && /^\d{1,12}$/.test(reset) && exchange.at !== null) {
      // As far in the future (or past) of this answer as it was of the recorded one, when it came (at + duration):
      // the client counts its wait from the answer. Rounded, so the wait is the recorded one within half a second.
      const answeredAt = exchange.at + (exchange.durationMs ?? 0)
      headers['ratelimit-reset'] = String(Math.round((Number(reset) * 1000 - answeredAt + this.now()) / 1000))
    }
    return headers
  }

  /** The names a create sent (`name`, `names`) against the recorded ones, position by position; differing keys noted. */
  private learnNames(exchange: TraceExchange, body: string): void {
    const recorded = exchange.requestBody
    const sent = parseObject(body)
    if (!isObject(recorded) || sent === null) return
    const pairs: [unknown, unknown][] = [[recorded.name, sent.name]]
    if (Array.isArray(recorded.names) && Array.isArray(sent.names)) recorded.names.forEach((name, i) => pairs.push([name, (sent.names as unknown[])[i]]))
    for (const [before, after] of pairs) {
      if (typeof before === 'string' && typeof after === 'string' && before !== after && !this.names.has(before)) this.names.set(before, after)
    }
    const recordedKeys = new Set(Object.keys(recorded))
    const sentKeys = new Set(Object.keys(sent))
    const missing = [...recordedKeys].filter((key) => !sentKeys.has(key))
    const added = [...sentKeys].filter((key) => !recordedKeys.has(key))
    if ((missing.length > 0 || added.length > 0) && this.notes.length < MAX_KEPT) {
      const parts = [...(missing.length > 0 ? [`missing ${missing.join(', ')}`] : []), ...(added.length > 0 ? [`added ${added.join(', ')}`] : [])]
      this.notes.push(quote(`${this.trace.file}:${exchange.line} (${exchange.method} ${exchange.path}): the request body's keys differ from the trace's: ${parts.join('; ')}`))
    }
  }
}

/**
 * The group of each exchange: requests whose order was the network's rather than the client's, which the replay
 * takes in any order among themselves. A request joins the group of the one before it when it started before the
 * group's last answer (the trace's times overlap: sent together), or when it is the same method to the same kind of
 * path (`DELETE /v2/droplets/{id}` after `DELETE /v2/droplets/{id}`: a pool of parallel workers, whose next request
 * follows whichever answer came first, at recording and at replay alike). Otherwise it waits for every one before it.
 */
export function groupsOf(exchanges: readonly TraceExchange[]): number[] {
  const groups: number[] = []
  let current = -1
  let busyUntil = -Infinity
  let previousShape = ''
  for (const exchange of exchanges) {
    const end = exchange.at !== null && exchange.durationMs !== null ? exchange.at + exchange.durationMs : null
    const shape = `${exchange.method} ${exchange.path.replaceAll(/\/\d+(?=\/|$)/g, '/{id}')}`
    const overlaps = end !== null && (exchange.at as number) < busyUntil
    if (!overlaps && shape !== previousShape) {
      current++
      busyUntil = -Infinity
    }
    groups.push(current)
    busyUntil = end === null ? busyUntil : Math.max(busyUntil, end)
    previousShape = shape
  }
  return groups
}

/**
 * The order requests reach the replay is the order the client started them; a trace's lines are in the order the
 * exchanges ended (VELDA_DO_TRACE writes an attempt once it is over, --record once its answer went out). So with a
 * start time on every line, the lines are taken by it (a long listing that began before two short requests, one
 * after the other, is expected first); without, in the file's order. The sort is stable: lines that started in the
 * same millisecond keep their order.
 */
function inStartOrder(exchanges: readonly TraceExchange[]): readonly TraceExchange[] {
  if (exchanges.some((exchange) => exchange.at === null)) return exchanges
  return [...exchanges].sort((a, b) => (a.at as number) - (b.at as number))
}

/** The same parameters with the same values, in any order. */
function sameQuery(expected: string, got: string): boolean {
  const sorted = (query: string) => [...new URLSearchParams(query)].map(([k, v]) => `${k}=${v}`).sort()
  const a = sorted(expected)
  const b = sorted(got)
  return a.length === b.length && a.every((pair, i) => pair === b[i])
}

/** What differs, part by part: `path: expected /v2/sizes, got /v2/regions; query per_page: expected 200, got 100`. */
function describeDifferences(method: string, path: string, query: string, gotMethod: string, got: URL): string {
  const parts: string[] = []
  if (method !== gotMethod) parts.push(`method: expected ${method}, got ${quote(gotMethod)}`)
  if (path !== got.pathname) parts.push(`path: expected ${quote(path)}, got ${quote(got.pathname)}`)
  const want = new URLSearchParams(query)
  const have = got.searchParams
  const keys = [...new Set([...want.keys(), ...have.keys()])].sort()
  for (const key of keys) {
    const a = want.getAll(key).join(',')
    const b = have.getAll(key).join(',')
    if (a !== b) parts.push(`query ${quote(key)}: expected ${want.has(key) ? quote(a) : '(absent)'}, got ${have.has(key) ? quote(b) : '(absent)'}`)
  }
  // Only the order of repeated parameters differs (sameQuery sorts them; joined values compare in order).
  return parts.length > 0 ? parts.join('; ') : 'the same parameters, a repeated one in another order'
}

/** One line, printable, no secret-shaped text, bounded. */
function quote(text: string): string {
  // eslint-disable-next-line no-control-regex -- a request's text is shown on one line with its controls made visible
  const visible = redactText(text, '').replaceAll(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
  return visible.length > MAX_QUOTED ? `${visible.slice(0, MAX_QUOTED - 3)}...` : visible
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(text) as unknown
    return isObject(value) ? value : null
  } catch {
    return null
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value)

/** Every string value equal to a recorded name becomes this run's name (keys are left alone). */
function renameStrings(value: unknown, names: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return names.get(value) ?? value
  if (Array.isArray(value)) return value.map((item) => renameStrings(item, names))
  if (!isObject(value)) return value
  const result: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) Object.defineProperty(result, key, {value: renameStrings(item, names), enumerable: true, writable: true, configurable: true})
  return result
}
