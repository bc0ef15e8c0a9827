import type {HttpExchange} from '../do/trace.js'
import type {SshExchange} from '../ssh/trace.js'
import {printableCell} from '../text/printable.js'
import {shellWord} from '../text/shell.js'

/**
 * The trace's two forms (docs/cli.md "Everywhere", docs/do-api.md "Traces"): a line on stderr per HTTP attempt and
 * per ssh run for people (`--trace`; `--trace=body` adds the bodies), and a JSON object per line for a file
 * (`$VELDA_DO_TRACE`, always with the bodies), which `velda-do simulator --replay` reads. Every text passes `redact`
 * (the filter all output passes: the token, the Tailscale key, every secret used) before it is parsed, cut or
 * formatted, so a secret is never cut in two where the filter could no longer find it.
 */

/** `--trace` alone: the exchanges; `--trace=body`: and their bodies. */
export type TraceMode = 'headers' | 'body'
export type Redact = (text: string) => string

/** What stderr shows of one body: a screenful is read, a listing of 200 droplets (some 300 KB) is not. */
export const STDERR_BODY_LIMIT = 64 * 1024
/** What the file keeps of one body: a whole page of 200 droplets, so a trace of a listing replays. */
export const FILE_BODY_LIMIT = 1024 * 1024

/** The answer's headers the file keeps: those that say what came and how to go on, none that identify the user. */
const KEPT_HEADERS = ['content-type', 'content-length', 'x-request-id', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after', 'location', 'link'] as const

const TRACE_PREFIX = 'trace:'

/** The request id: DigitalOcean's header, else the `request_id` of an error body. */
function requestIdOf(exchange: HttpExchange): string | null {
  const header = exchange.responseHeaders?.get('x-request-id')
  if (header) return header
  const body = exchange.responseBody
  if (!body || !body.includes('request_id')) return null
  try {
    const parsed = JSON.parse(body) as {request_id?: unknown}
    return typeof parsed.request_id === 'string' ? parsed.request_id : null
  } catch {
    return null
  }
}

interface RateLimit {
  limit: string | null
  remaining: string | null
  reset: string | null
}

/** The `ratelimit-*` headers as they came; null when none did. */
function rateLimitOf(headers: Headers | null): RateLimit | null {
  if (!headers) return null
  const limit = {limit: headers.get('ratelimit-limit'), remaining: headers.get('ratelimit-remaining'), reset: headers.get('ratelimit-reset')}
  return limit.limit === null && limit.remaining === null && limit.reset === null ? null : limit
}

/** A body cut to `limit` characters, with a marker saying how much went. */
function bounded(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… [${text.length - limit} more characters cut by velda-do's trace]`
}

/** The body for the file: redacted, then its JSON value when it is whole JSON, else its text (cut when too long). */
function bodyValue(text: string | null, redact: Redact, limit = FILE_BODY_LIMIT): unknown {
  if (text === null || text === '') return null
  const clean = redact(text)
  if (clean.length > limit) return bounded(clean, limit)
  try {
    return JSON.parse(clean) as unknown
  } catch {
    return clean
  }
}

/** The body for stderr: compact JSON when it is JSON, on one line, cut to `limit`. */
function bodyShown(text: string | null, redact: Redact): string {
  if (text === null || text === '') return '(none)'
  const clean = redact(text)
  if (clean.length <= STDERR_BODY_LIMIT) {
    try {
      return JSON.stringify(JSON.parse(clean))
    } catch {
      // Not JSON (a proxy's page): shown as text.
    }
  }
  return bounded(clean, STDERR_BODY_LIMIT)
}

/**
 * `trace: GET https://api.example/v2/sizes?per_page=200 -> 200 in 12ms, attempt 1, request id 4f..., ratelimit
 * 4999/5000 reset 1700000000, retry: none`; with `body`, a line for each body after it. Each line is made printable
 * (no control character of a server's reaches the terminal) and ends with a newline.
 */
export function httpTraceText(exchange: HttpExchange, mode: TraceMode, redact: Redact): string {
  const outcome = exchange.status === null ? `no answer (${exchange.error ?? 'unknown'})` : `${exchange.status}${exchange.error ? ` (${exchange.error})` : ''}`
  const limit = rateLimitOf(exchange.responseHeaders)
  const parts = [
    `attempt ${exchange.attempt}`,
    `request id ${requestIdOf(exchange) ?? '-'}`,
    ...(limit ? [`ratelimit ${limit.remaining ?? '?'}/${limit.limit ?? '?'} reset ${limit.reset ?? '?'}`] : []),
    `retry: ${exchange.retry}`,
  ]
  const lines = [`${TRACE_PREFIX} ${exchange.method} ${exchange.url} -> ${outcome} in ${exchange.durationMs}ms, ${parts.join(', ')}`]
  if (mode === 'body') {
    lines.push(`${TRACE_PREFIX}   request body: ${bodyShown(exchange.requestBody, redact)}`)
    if (exchange.status !== null) lines.push(`${TRACE_PREFIX}   response body: ${bodyShown(exchange.responseBody, redact)}`)
  }
  return lines.map((line) => `${printableCell(redact(line))}\n`).join('')
}

/** `trace: ssh gpu-ab12-3 (127.1.0.2) -> exit 0 in 40ms, stdout 123 bytes, stderr 0 bytes: ssh -o ... -- 127.1.0.2 CMD`. */
export function sshTraceText(exchange: SshExchange, redact: Redact): string {
  const bytes = (count: number | null) => (count === null ? 'on the terminal' : `${count} bytes`)
  const ended = exchange.exitCode === null ? 'ended by a signal' : `exit ${exchange.exitCode}`
  const line = `${TRACE_PREFIX} ssh ${exchange.member ?? '-'} (${exchange.address ?? '-'}) -> ${ended} in ${exchange.durationMs}ms, stdout ${bytes(exchange.stdoutBytes)}, stderr ${bytes(exchange.stderrBytes)}: ${exchange.argv.map(shellWord).join(' ')}`
  return `${printableCell(redact(line))}\n`
}

/** One JSON line of the file (docs/do-api.md "Traces"), without its newline. */
export function httpTraceJson(exchange: HttpExchange, redact: Redact): string {
  const headers = exchange.responseHeaders
  const kept = headers ? Object.fromEntries(KEPT_HEADERS.flatMap((name) => {
    const value = headers.get(name)
    return value === null ? [] : [[name, value]]
  })) : {}
  return redact(JSON.stringify({
    v: 1,
    kind: 'http',
    at: new Date(exchange.startedAt).toISOString(),
    method: exchange.method,
    url: exchange.url,
    attempt: exchange.attempt,
    status: exchange.status,
    duration_ms: exchange.durationMs,
    request_id: requestIdOf(exchange),
    ratelimit: rateLimitOf(headers),
    retry: exchange.retry,
    error: exchange.error,
    request_body: bodyValue(exchange.requestBody, redact),
    response_headers: kept,
    response_body: bodyValue(exchange.responseBody, redact),
  }))
}

/** One JSON line of the file for an ssh run, without its newline. */
export function sshTraceJson(exchange: SshExchange, redact: Redact): string {
  return redact(JSON.stringify({
    v: 1,
    kind: 'ssh',
    at: new Date(exchange.startedAt).toISOString(),
    member: exchange.member,
    address: exchange.address,
    argv: exchange.argv.map(redact),
    exit_code: exchange.exitCode,
    stdout_bytes: exchange.stdoutBytes,
    stderr_bytes: exchange.stderrBytes,
    duration_ms: exchange.durationMs,
  }))
}
