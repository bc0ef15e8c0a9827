import {closeSync, constants, fstatSync, openSync, readSync} from 'node:fs'
import {basename} from 'node:path'

import {fileKind} from '../system/file-kind.js'
import {plural} from '../text/plural.js'

/**
 * A trace file (JSON lines, the format VELDA_DO_TRACE writes and `simulator --record` writes: docs/simulator.md,
 * "Replaying a trace") read for `simulator --replay`. The file comes from outside, often attached to a bug report,
 * so it is read as hostile input: bounded in size and line length, each line checked field by field, and any line
 * that is not what the format says is refused naming file:line, before anything listens.
 */

export const TRACE_LIMITS = {
  /** A trace of a long session of a large pool is a few MiB; a file past this is not a trace. */
  fileBytes: 64 * 1024 * 1024,
  /** One exchange: a page of 200 droplets is about 600 KB. */
  lineBytes: 16 * 1024 * 1024,
  /** JSON nesting: DigitalOcean's answers nest about 6 deep; answering a deeper one would recurse as deep. */
  depth: 64,
  headerValueBytes: 8 * 1024,
} as const

/** One recorded HTTP exchange, as the replay needs it. */
export interface TraceExchange {
  /** Its line in the file, from 1. */
  line: number
  method: string
  /** The URL's path and query (`?page=1`, or ''); the host is not compared: the trace was made against another. */
  path: string
  query: string
  /** When the request started (ms since the epoch), and how long until its answer; null when the trace lacks them. */
  at: number | null
  durationMs: number | null
  /** null: no answer (a dropped connection, a timeout); `error` says which. */
  status: number | null
  error: string | null
  requestBody: unknown
  /** Lower-case names: `response_headers`, with the `ratelimit` and `request_id` fields as the headers they were. */
  responseHeaders: Record<string, string>
  responseBody: unknown
}

export interface Trace {
  /** The file's name, for messages (file:line). */
  file: string
  exchanges: TraceExchange[]
  /** `kind: ssh` lines: part of the trace, not answered by an API. */
  sshLines: number
}

export class TraceError extends Error {}

/** Headers that frame the answer: the replay's server writes its own, never a trace's. */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'trailer', 'te', 'proxy-connection'])
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/
const HEADER_VALUE = /^[\t\x20-\x7e]*$/

/** Reads and parses a trace file: a regular file of at most TRACE_LIMITS.fileBytes (a pipe or /dev/zero never ends). */
export function readTraceFile(path: string): Trace {
  const name = basename(path)
  let fd: number
  try {
    // Not blocked by a pipe with no writer: it is refused below, as anything that is not a regular file.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (error) {
    throw new TraceError(`${path}: cannot read the trace: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
  try {
    const stats = fstatSync(fd)
    if (!stats.isFile()) throw new TraceError(`${path}: is ${fileKind(stats)}, not a regular file: a trace is a file of JSON lines`)
    if (stats.size > TRACE_LIMITS.fileBytes) throw new TraceError(`${path}: ${plural(stats.size, 'byte')}, more than a trace may hold (${TRACE_LIMITS.fileBytes})`)
    // Read up to one byte past the limit: a file that grows while it is read is refused too.
    const buffer = Buffer.alloc(Math.min(stats.size, TRACE_LIMITS.fileBytes) + 1)
    let length = 0
    for (let read = -1; read !== 0 && length < buffer.length; length += read) read = readSync(fd, buffer, length, buffer.length - length, null)
    if (length > TRACE_LIMITS.fileBytes) throw new TraceError(`${path}: more than ${plural(TRACE_LIMITS.fileBytes, 'byte')}, more than a trace may hold`)
    return parseTrace(buffer.subarray(0, length), name)
  } finally {
    closeSync(fd)
  }
}

/** Parses a trace's bytes; `file` names it in messages. */
export function parseTrace(bytes: Uint8Array, file: string): Trace {
  if (bytes.length > TRACE_LIMITS.fileBytes) throw new TraceError(`${file}: more than ${plural(TRACE_LIMITS.fileBytes, 'byte')}, more than a trace may hold`)
  const decoder = new TextDecoder('utf-8', {fatal: true, ignoreBOM: false})
  const exchanges: TraceExchange[] = []
  let sshLines = 0
  let start = 0
  for (let number = 1; start < bytes.length; number++) {
    const newline = bytes.indexOf(0x0a, start)
    const end = newline === -1 ? bytes.length : newline
    const at = `${file}:${number}`
    if (end - start > TRACE_LIMITS.lineBytes) throw new TraceError(`${at}: a line of ${plural(end - start, 'byte')}, more than a trace line may hold (${TRACE_LIMITS.lineBytes})`)
    let text: string
    try {
      // The BOM an editor may put first is dropped by the decoder; a CRLF file's \r by trimEnd.
      text = decoder.decode(bytes.subarray(start, end)).trimEnd()
    } catch {
      throw new TraceError(`${at}: not UTF-8 text`)
    }
    start = end + 1
    if (text.trim() === '') continue
    const event = parseEvent(text, at)
    if (event === 'ssh') sshLines++
    else exchanges.push({...event, line: number})
  }
  if (exchanges.length === 0) throw new TraceError(`${file}: holds no HTTP exchange (no line with "kind": "http"): nothing to replay`)
  return {file, exchanges, sshLines}
}

function parseEvent(text: string, at: string): Omit<TraceExchange, 'line'> | 'ssh' {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new TraceError(`${at}: not JSON (${(error as Error).message}): each line of a trace is one JSON object`)
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new TraceError(`${at}: a ${describeType(json)}, not a JSON object: each line of a trace is one object`)
  if (nestedDeeperThan(json, TRACE_LIMITS.depth)) throw new TraceError(`${at}: JSON nested deeper than a trace line may be (${TRACE_LIMITS.depth} levels)`)
  const event = json as Record<string, unknown>
  const field = fieldReader(event, at)
  if (event.v !== 1) throw new TraceError(`${at}: "v" is ${JSON.stringify(event.v) ?? 'missing'}: this velda-do reads traces of version 1`)
  if (event.kind === 'ssh') return 'ssh'
  if (event.kind !== 'http') throw new TraceError(`${at}: "kind" is ${JSON.stringify(event.kind) ?? 'missing'}: a trace line is "http" or "ssh"`)

  const method = field('method', (v) => typeof v === 'string' && /^[A-Z]{1,16}$/.test(v), 'an HTTP method in capitals ("GET")') as string
  const url = field('url', (v) => typeof v === 'string' && (v.startsWith('/') ? URL.canParse(v, 'http://trace.invalid') : /^https?:\/\//i.test(v) && URL.canParse(v)), 'an http(s) URL or a path starting with /') as string
  const target = new URL(url, 'http://trace.invalid')
  const status = field('status', (v) => v === null || (Number.isInteger(v) && (v as number) >= 200 && (v as number) <= 599), 'an HTTP status (200-599), or null for no answer') as number | null
  const started = optional(event, 'at', (v) => typeof v === 'string' && Number.isFinite(Date.parse(v)), 'an ISO time', at)
  const durationMs = optional(event, 'duration_ms', (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0, 'a number of milliseconds', at) as number | null
  const error = optional(event, 'error', (v) => typeof v === 'string', 'a string', at) as string | null
  const requestId = optional(event, 'request_id', (v) => typeof v === 'string', 'a string', at) as string | null
  // VELDA_DO_TRACE writes a header that did not come as null ({"limit": "5000", "remaining": null, ...}).
  const ratelimit = optional(event, 'ratelimit', (v) => isRecord(v) && Object.values(v).every((x) => x === null || typeof x === 'string' || typeof x === 'number'), 'an object of strings or nulls ({"limit", "remaining", "reset"})', at) as Record<string, string | number | null> | null
  const recorded = optional(event, 'response_headers', (v) => isRecord(v) && Object.values(v).every((x) => typeof x === 'string'), 'an object of strings', at) as Record<string, string> | null

  const headers: Record<string, string> = {}
  const add = (name: string, value: string) => {
    if (!HEADER_NAME.test(name)) throw new TraceError(`${at}: response header ${JSON.stringify(name)} is not a header name`)
    if (!HEADER_VALUE.test(value) || value.length > TRACE_LIMITS.headerValueBytes) throw new TraceError(`${at}: response header ${name}: the value is not printable ASCII of at most ${plural(TRACE_LIMITS.headerValueBytes, 'byte')}`)
    if (!FRAMING_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value
  }
  for (const [name, value] of Object.entries(recorded ?? {})) add(name, value)
  for (const key of ['limit', 'remaining', 'reset']) {
    const value = ratelimit?.[key]
    if (value !== undefined && value !== null && headers[`ratelimit-${key}`] === undefined) add(`ratelimit-${key}`, String(value))
  }
  if (requestId !== null && headers['x-request-id'] === undefined) add('x-request-id', requestId)
  return {
    method,
    path: target.pathname,
    query: target.search,
    at: started === null ? null : Date.parse(started as string),
    durationMs,
    status,
    error,
    requestBody: event.request_body ?? null,
    responseHeaders: headers,
    responseBody: event.response_body ?? null,
  }
}

function fieldReader(event: Record<string, unknown>, at: string) {
  return (name: string, valid: (value: unknown) => boolean, what: string): unknown => {
    if (!(name in event)) throw new TraceError(`${at}: "${name}" is missing: it must be ${what}`)
    const value = event[name]
    if (!valid(value)) throw new TraceError(`${at}: "${name}" is ${shortJson(value)}: it must be ${what}`)
    return value
  }
}

/** A field the replay can do without: absent or null is null. */
function optional(event: Record<string, unknown>, name: string, valid: (value: unknown) => boolean, what: string, at: string): unknown {
  const value = event[name]
  if (value === undefined || value === null) return null
  if (!valid(value)) throw new TraceError(`${at}: "${name}" is ${shortJson(value)}: it must be ${what}, or null`)
  return value
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value)

function describeType(value: unknown): string {
  if (value === null) return 'null'
  return Array.isArray(value) ? 'JSON array' : `JSON ${typeof value}`
}

function shortJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

/** Without recursion: the value came from outside, and JSON.parse accepts any depth. Stops at the first too deep. */
function nestedDeeperThan(root: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[root, 1]]
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number]
    if (value === null || typeof value !== 'object') continue
    if (depth > limit) return true
    for (const child of Object.values(value)) stack.push([child, depth + 1])
  }
  return false
}
