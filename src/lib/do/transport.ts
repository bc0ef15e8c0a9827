import type {Secret} from '../secret.js'
import {ApiError, MalformedAnswerError, NetworkError, RedirectError, type RequestInfo, TimeoutError, UnauthorizedError} from './errors.js'
import {type Decision, decideRetry, DEFAULT_RETRY_POLICY, type Outcome, type RetryPolicy} from './retry-policy.js'

export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

export interface TransportOptions {
  /** The API origin, e.g. `https://api-amd.digitalocean.com`; the token is only ever sent there. */
  endpoint: string
  token: Secret
  fetch?: FetchFunction
  timeoutMs?: number
  policy?: RetryPolicy
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  /** Told about every wait before a retry, so the CLI can say on stderr what it is doing. */
  onWait?: (message: string) => void
  /**
   * True once the command was asked to stop (a signal): a request then gets one more immediate attempt, to learn
   * what exists, and no further waits. Give a `sleep` that ends early on the signal too.
   */
  isStopped?: () => boolean
  userAgent?: string
}

export const DEFAULT_TIMEOUT_MS = 30_000

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * The one request engine: a fetch function for the dots client (and anything else) that adds the token, sets a
 * timeout on every attempt, retries what may be retried, refuses redirects, and turns every failure into one of
 * the errors in errors.ts. Every answer's body is read here, so a malformed one fails cleanly, not in a parser.
 */
export function createTransport(options: TransportOptions): FetchFunction {
  const endpoint = new URL(options.endpoint)
  const doFetch = options.fetch ?? fetch
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const policy = options.policy ?? DEFAULT_RETRY_POLICY
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? realSleep
  const random = options.random ?? Math.random

  return async function transport(input, init = {}) {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url)
    const method = (init.method ?? 'GET').toUpperCase()
    const path = `${url.pathname}${url.search}`
    const headers = new Headers(init.headers)
    // Never hand the token to another host, whatever URL a caller or a library builds.
    if (url.origin === endpoint.origin) headers.set('authorization', `Bearer ${options.token.reveal()}`)
    else headers.delete('authorization')
    if (options.userAgent) headers.set('user-agent', options.userAgent)
    let attemptedAfterStop = false
    const unlessStopping = (decision: Decision): Decision => {
      if (!decision.retry || !options.isStopped?.()) return decision
      return attemptedAfterStop ? {retry: false, why: 'stopping'} : {...decision, delayMs: 0}
    }

    for (let attempt = 1; ; attempt++) {
      if (options.isStopped?.()) attemptedAfterStop = true
      const request: RequestInfo = {method, path, attempts: attempt}
      const result = await attemptOnce(doFetch, url, {...init, method, headers, redirect: 'manual'}, timeoutMs)
      if (result.kind === 'answer') {
        const {response, body} = result
        if (response.status >= 300 && response.status < 400) {
          throw new RedirectError(request, endpoint.origin, response.headers.get('location') ?? '(no location)')
        }
        const unreadable = response.ok ? unreadableAnswer(response, body) : null
        if (response.ok && !unreadable) return new Response(body === '' ? null : body, {status: response.status, headers: response.headers})
        // A garbled success is a glitch on the way (a proxy's page, a cut body): worth another GET, never another POST.
        const outcome: Outcome = unreadable ? {kind: 'network', reason: unreadable} : {kind: 'status', status: response.status, headers: response.headers}
        const decision = unlessStopping(decideRetry(outcome, attempt, method, policy, now(), random))
        if (!decision.retry) {
          if (unreadable) throw new MalformedAnswerError(request, unreadable)
          throw apiError(response, body, request, endpoint.origin)
        }
        if (decision.delayMs > 0) options.onWait?.(waitMessage(request, decision.reason, decision.delayMs, policy))
        await sleep(decision.delayMs)
        continue
      }
      const outcome: Outcome = result.kind === 'timeout' ? {kind: 'timeout'} : {kind: 'network', reason: result.reason}
      const decision = unlessStopping(decideRetry(outcome, attempt, method, policy, now(), random))
      if (!decision.retry) {
        if (result.kind === 'timeout') throw new TimeoutError(request, timeoutMs, {suggestions: retrySuggestion(method)})
        throw new NetworkError(request, result.reason, {suggestions: retrySuggestion(method)})
      }
      if (decision.delayMs > 0) options.onWait?.(waitMessage(request, decision.reason, decision.delayMs, policy))
      await sleep(decision.delayMs)
    }
  }
}

type AttemptResult = {kind: 'answer'; response: Response; body: string} | {kind: 'timeout'} | {kind: 'network'; reason: string}

async function attemptOnce(doFetch: FetchFunction, url: URL, init: RequestInit, timeoutMs: number): Promise<AttemptResult> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), timeoutMs)
  try {
    const response = await doFetch(url, {...init, signal: controller.signal})
    // The body is read under the same timeout: a server that stalls mid-answer is a timeout too.
    const body = await response.text()
    return {kind: 'answer', response, body}
  } catch (error) {
    if (controller.signal.aborted) return {kind: 'timeout'}
    return {kind: 'network', reason: networkReason(error)}
  } finally {
    clearTimeout(timer)
  }
}

function networkReason(error: unknown): string {
  const cause = (error as {cause?: {code?: string; message?: string}} | null)?.cause
  const code = cause?.code
  if (code === 'ECONNREFUSED') return 'connection refused'
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection dropped'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found'
  return cause?.message ?? (error instanceof Error ? error.message : String(error))
}

/** Why a success answer cannot be handed to a JSON parser, or null when it can (an empty body included: a 204). */
function unreadableAnswer(response: Response, body: string): string | null {
  if (body === '') return null
  const contentType = response.headers.get('content-type')
  if (!(contentType ?? '').includes('json')) {
    return `the answer (${response.status}, ${contentType ?? 'no content-type'}) is not JSON: ${summarise(body)}`
  }
  return parses(body) ? null : `the answer (${response.status}) is not valid JSON`
}

function parses(body: string): boolean {
  try {
    JSON.parse(body)
    return true
  } catch {
    return false
  }
}

function apiError(response: Response, body: string, request: RequestInfo, endpoint: string): ApiError {
  const parsed = parseErrorBody(body)
  const requestId = parsed.requestId ?? response.headers.get('x-request-id')
  if (response.status === 401) {
    return new UnauthorizedError(401, parsed.id, parsed.message, requestId, request, {
      suggestions: [
        'check the token in DIGITALOCEAN_API_TOKEN (or the pool\'s api_token): it may be wrong, expired or revoked',
        `the token must belong to the account behind ${endpoint}: AMD GPU droplets use https://api-amd.digitalocean.com, others https://api.digitalocean.com (set api_endpoint or DIGITALOCEAN_API_ENDPOINT)`,
      ],
    })
  }
  const suggestions = response.status === 429 || response.status >= 500 ? ['try again in a minute; DigitalOcean may be busy or rate limiting this token'] : []
  const error = new ApiError(response.status, parsed.id, parsed.message, requestId, request, {suggestions})
  error.headers = response.headers
  return error
}

/** DigitalOcean's `{id, message, request_id}`, or a one-line summary of anything else (a proxy's HTML page). */
export function parseErrorBody(body: string): {id: string | null; message: string; requestId: string | null} {
  try {
    const json = JSON.parse(body) as {id?: unknown; message?: unknown; request_id?: unknown}
    if (json && typeof json === 'object') {
      return {
        id: typeof json.id === 'string' ? json.id : null,
        message: typeof json.message === 'string' ? json.message : 'no message',
        requestId: typeof json.request_id === 'string' ? json.request_id : null,
      }
    }
  } catch {
    // Not JSON: summarised below.
  }
  const text = summarise(body)
  return {id: null, message: text === '' ? 'empty answer' : `non-JSON answer: ${text}`, requestId: null}
}

/** One line for a non-JSON body: an HTML page's title, else its text. */
function summarise(body: string): string {
  const title = /<title>([^<]*)<\/title>/i.exec(body)?.[1]
  return (title ?? body.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim().slice(0, 120)
}

function waitMessage(request: RequestInfo, reason: string, delayMs: number, policy: RetryPolicy): string {
  return `${request.method} ${request.path}: ${reason}; waiting ${(delayMs / 1000).toFixed(1)}s before attempt ${request.attempts + 1} of ${policy.maxAttempts}`
}

function retrySuggestion(method: string): string[] {
  return method === 'POST' ? [] : ['check the network and the endpoint, then try again']
}
