import {formatDuration, formatSpan} from '../text/duration.js'
import {utcSeconds} from '../text/wire-formats.js'
import type {Secret} from '../base/secret.js'
import {closeWatch, type OnClose} from '../system/close-watch.js'
import {DEADLINE_ENV_VAR, DEADLINE_LIMITS, DEFAULT_DEADLINE_MS, FailureWindow} from './deadline.js'
import {ApiError, ClientClosedError, DeadlineError, MalformedAnswerError, NetworkError, RedirectError, type RequestInfo, shortDuration, TimeoutError, type UnansweredRequest, UnauthorizedError} from './errors.js'
import {classifyNetworkFailure, machineHasNetwork, type NetworkFailure} from './network-failure.js'
import {type Decision, decideRetry, DEFAULT_RETRY_POLICY, isRetryableRequest, type Outcome, type RetryPolicy, type TooLongWait, tooLongWaitText} from './retry-policy.js'
import type {TraceHttp} from './trace.js'

export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

/** Runs `fn` after `ms`; the returned function cancels it. Injected by tests that drive time themselves. */
export type SetTimer = (ms: number, fn: () => void) => () => void

export interface TransportOptions {
  /** The API origin, e.g. `https://api-amd.digitalocean.com`; the token is only ever sent there. */
  endpoint: string
  token: Secret
  fetch?: FetchFunction
  timeoutMs?: number
  /** The overall deadline (see deadline.ts). */
  deadlineMs?: number
  policy?: RetryPolicy
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  setTimer?: SetTimer
  random?: () => number
  /** Whether this machine has a network at all (see machineHasNetwork); asked only after a network error. */
  hasNetwork?: () => boolean
  /** Told about every wait before a retry, so the CLI can say on stderr what it is doing. */
  onWait?: (message: string) => void
  /** Told once per attempt that has waited PROGRESS_AFTER_MS for its answer, so a slow endpoint is not silence. */
  onProgress?: (message: string) => void
  /**
   * True once the command was asked to stop (a signal): a request then gets one more immediate attempt, to learn
   * what exists, and no further waits. Give a `sleep` that ends early on the signal too.
   */
  isStopped?: () => boolean
  userAgent?: string
  /**
   * Closes the client: an attempt in flight is cut off and nothing is sent or retried after (ClientClosedError).
   * A CLI process ends anyway when its command does; code that runs commands in-process must not leave requests
   * running behind it.
   */
  signal?: AbortSignal
  /** Told every attempt, its answer and what was decided next (`--trace`, `$VELDA_DO_TRACE`). */
  trace?: TraceHttp
}

export const DEFAULT_TIMEOUT_MS = 30_000
/** When a request still has no answer after this long, the user is told, once per attempt. */
export const PROGRESS_AFTER_MS = 5_000
/** A retry is not worth starting with less time than this (or the request timeout, if shorter) before the deadline. */
const MIN_ATTEMPT_MS = 1_000

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const realSetTimer: SetTimer = (ms, fn) => {
  const timer = setTimeout(fn, ms)
  return () => clearTimeout(timer)
}

/**
 * The one request engine: a fetch function for the dots client (and anything else) that adds the token, sets a
 * timeout on every attempt, retries what may be retried within the overall deadline, refuses redirects, and
 * turns every failure into one of the errors in errors.ts. Every answer's body is read here, so a malformed one
 * fails cleanly, not in a parser.
 */
export function createTransport(options: TransportOptions): FetchFunction {
  const endpoint = new URL(options.endpoint)
  const doFetch = options.fetch ?? fetch
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const policy = options.policy ?? DEFAULT_RETRY_POLICY
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? realSleep
  const random = options.random ?? Math.random
  const failures = new FailureWindow(options.deadlineMs ?? DEFAULT_DEADLINE_MS, now)
  const closed = options.signal
  // One listener on the close signal for all the requests of this client, not one per request (close-watch.ts).
  const onClose = closeWatch(closed)
  const attemptOptions = {doFetch, setTimer: options.setTimer ?? realSetTimer, onProgress: options.onProgress, hasNetwork: options.hasNetwork ?? machineHasNetwork, closed, onClose}
  /** The wait before a retry, ended early when the client closes. */
  const pause = (ms: number): Promise<void> => {
    if (!closed || ms <= 0) return sleep(ms)
    return new Promise<void>((resolve) => {
      const stopWatching = onClose(resolve)
      void sleep(ms).then(() => {
        stopWatching()
        resolve()
      })
    })
  }

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
    /**
     * The retry after `decision`, or the reason to stop: the deadline comes before any attempts left. `report`
     * tells the trace what was decided, before a failure is thrown.
     */
    const next = (outcome: Outcome, attempt: number, request: UnansweredRequest, fail: (waitTooLong: TooLongWait | undefined) => Error, report: (retry: string) => void, advice: string[] = []): number => {
      const decision = unlessStopping(decideRetry(outcome, attempt, method, policy, now(), random, url.pathname))
      if (!decision.retry) {
        report(decision.why ? `gave up: ${decision.why}` : 'none')
        throw fail(decision.waitTooLong)
      }
      if (!failures.allowsRetry(decision.delayMs, Math.min(timeoutMs, MIN_ATTEMPT_MS))) {
        report(`gave up: no time for another attempt within the ${formatDuration(failures.deadlineMs)} deadline`)
        throw new DeadlineError(request, failures.deadlineMs, decision.reason, {suggestions: deadlineSuggestions(failures.deadlineMs, advice)})
      }
      report(`waiting ${(decision.delayMs / 1000).toFixed(1)}s before attempt ${attempt + 1} of ${policy.maxAttempts}`)
      if (decision.delayMs > 0) options.onWait?.(waitMessage(request, decision.reason, decision.delayMs, policy))
      return decision.delayMs
    }

    for (let attempt = 1; ; attempt++) {
      if (options.isStopped?.()) attemptedAfterStop = true
      const request: UnansweredRequest = {method, origin: url.origin, path, attempts: attempt}
      if (closed?.aborted) throw new ClientClosedError(request)
      const startedAt = now()
      // Once failing, an attempt may not run past the deadline (a request that starts late still gets a real try);
      // a create is never cut short: it is sent once, and an answer cut off would leave its outcome unknown.
      const attemptTimeoutMs = isRetryableRequest(method, url.pathname) ? Math.min(timeoutMs, Math.max(failures.left(), MIN_ATTEMPT_MS)) : timeoutMs
      const result = await attemptOnce(attemptOptions, url, request, {...init, method, headers, redirect: 'manual'}, attemptTimeoutMs)
      const durationMs = now() - startedAt
      /** Tells the trace of this attempt, once what comes next is decided. */
      const report = (retry: string, error: string | null = null): void => {
        if (!options.trace) return
        const answer = result.kind === 'answer' ? result : null
        options.trace({
          startedAt, method, url: url.href, attempt, durationMs, retry, requestBody: bodyText(init.body),
          status: answer?.response.status ?? null,
          responseHeaders: answer?.response.headers ?? null,
          responseBody: answer?.body ?? null,
          error: error ?? attemptError(result, url, attemptTimeoutMs),
        })
      }
      if (result.kind === 'answer') {
        const {response, body} = result
        if (response.status >= 300 && response.status < 400) {
          report('none')
          throw new RedirectError(request, endpoint.origin, response.headers.get('location') ?? '(no location)')
        }
        const unreadable = response.ok ? unreadableAnswer(response, body) : null
        // A 5xx or a garbled body is no sign of a working endpoint; anything else (a 4xx, a 429) is.
        if (unreadable || response.status >= 500) failures.failed(startedAt)
        else failures.answered()
        if (response.ok && !unreadable) {
          report('none')
          return new Response(body === '' ? null : body, {status: response.status, headers: response.headers})
        }
        // A garbled success is a glitch on the way (a proxy's page, a cut body): worth another GET, never another POST.
        const outcome: Outcome = unreadable ? {kind: 'network', reason: unreadable} : {kind: 'status', status: response.status, headers: response.headers}
        const delayMs = next(outcome, attempt, request, (waitTooLong) => (unreadable ? new MalformedAnswerError(request, unreadable) : apiError(response, body, request, endpoint.origin, waitTooLong)), (retry) => report(retry, unreadable))
        await pause(delayMs)
        continue
      }
      if (result.kind === 'closed') {
        report('none')
        throw new ClientClosedError(request)
      }
      failures.failed(startedAt)
      if (result.kind === 'timeout') {
        const reason = `no answer from ${url.host} within ${shortDuration(attemptTimeoutMs)}`
        const delayMs = next({kind: 'timeout', reason}, attempt, request, () => new TimeoutError(request, attemptTimeoutMs, {suggestions: retrySuggestion(method)}), report)
        await pause(delayMs)
        continue
      }
      const {failure} = result
      const outcome: Outcome = {kind: 'network', reason: failure.reason, retryable: failure.retryable}
      const delayMs = next(outcome, attempt, request, () => networkError(request, failure), report, failure.suggestions)
      await pause(delayMs)
    }
  }
}

type AttemptResult = {kind: 'answer'; response: Response; body: string} | {kind: 'timeout'} | {kind: 'closed'} | {kind: 'network'; failure: NetworkFailure}

interface AttemptOptions {
  doFetch: FetchFunction
  setTimer: SetTimer
  onProgress: ((message: string) => void) | undefined
  hasNetwork: () => boolean
  closed: AbortSignal | undefined
  onClose: OnClose
}

async function attemptOnce(options: AttemptOptions, url: URL, request: UnansweredRequest, init: RequestInit, timeoutMs: number): Promise<AttemptResult> {
  const controller = new AbortController()
  const cancelTimeout = options.setTimer(timeoutMs, () => controller.abort())
  const stopWatching = options.onClose(() => controller.abort())
  // Only the wait for the answer's start is told: once headers arrive, the endpoint is evidently there.
  const cancelProgress = timeoutMs > PROGRESS_AFTER_MS && options.onProgress
    ? options.setTimer(PROGRESS_AFTER_MS, () => options.onProgress?.(`${request.method} ${request.path}: still waiting for ${url.host} after ${shortDuration(PROGRESS_AFTER_MS)} (timeout ${shortDuration(timeoutMs)})`))
    : () => {}
  try {
    const response = await options.doFetch(url, {...init, signal: controller.signal}).finally(cancelProgress)
    // The body is read under the same timeout: a server that stalls mid-answer is a timeout too.
    const body = await response.text()
    return {kind: 'answer', response, body}
  } catch (error) {
    if (options.closed?.aborted) return {kind: 'closed'}
    if (controller.signal.aborted) return {kind: 'timeout'}
    return {kind: 'network', failure: classifyNetworkFailure(error, url, options.hasNetwork)}
  } finally {
    cancelTimeout()
    stopWatching()
  }
}

/** Why an attempt got no answer, for the trace; null when it got one. */
function attemptError(result: AttemptResult, url: URL, timeoutMs: number): string | null {
  if (result.kind === 'timeout') return `no answer from ${url.host} within ${shortDuration(timeoutMs)}`
  if (result.kind === 'closed') return 'the client was closed (the command ended)'
  if (result.kind === 'network') return result.failure.reason
  return null
}

/** The body sent, as text for the trace: velda-do's own JSON is a string; dots sends bytes. */
function bodyText(body: RequestInit['body']): string | null {
  if (body === undefined || body === null) return null
  if (typeof body === 'string') return body
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return Buffer.from(body instanceof ArrayBuffer ? body : body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)).toString('utf8')
  return `(a ${body.constructor.name} body, not shown)`
}

function networkError(request: UnansweredRequest, failure: NetworkFailure): NetworkError {
  // A POST that failed on the way may have been performed: "try again" is the caller's decision, not ours.
  const suggestions = request.method === 'POST' && failure.retryable ? [] : failure.suggestions
  return new NetworkError(request, failure.reason, failure.code, {suggestions})
}

/** What the last failure advises (e.g. check the DNS), then how to wait longer. */
function deadlineSuggestions(deadlineMs: number, advice: string[]): string[] {
  return [
    ...(advice.length > 0 ? advice : ['check the network and the endpoint, then try again']),
    `to keep retrying longer than ${formatDuration(deadlineMs)}: export ${DEADLINE_ENV_VAR}=${formatDuration(Math.min(deadlineMs * 2, DEADLINE_LIMITS.maxMs))}`,
  ]
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

function apiError(response: Response, body: string, request: RequestInfo, endpoint: string, waitTooLong?: TooLongWait): ApiError {
  const parsed = parseErrorBody(body)
  const requestId = parsed.requestId ?? response.headers.get('x-request-id')
  if (response.status === 401) {
    return new UnauthorizedError(endpoint, parsed.id, parsed.message, requestId, request)
  }
  // A wait DigitalOcean asked for and velda-do would not take is the reason, and its end the time to try again.
  const suggestions = waitTooLong
    ? [`try again after ${utcSeconds(waitTooLong.retryAtMs)} (in ${formatSpan(waitTooLong.toldMs)}), the time DigitalOcean gave`]
    : response.status === 429 || response.status >= 500 ? ['try again in a minute; DigitalOcean may be busy or rate limiting this token'] : []
  const error = new ApiError(response.status, parsed.id, parsed.message, requestId, request, {suggestions})
  if (waitTooLong) error.message += `; ${tooLongWaitText(waitTooLong)}`
  error.headers = response.headers
  return error
}

/**
 * DigitalOcean's `{id, message, request_id}`, or a one-line summary of anything else (a proxy's HTML page). Some
 * of its services answer `{error, messages, root_causes}` instead (its tags_bad_request example): their `error`
 * is the message then, so DigitalOcean's words are shown, not "no message".
 */
export function parseErrorBody(body: string): {id: string | null; message: string; requestId: string | null} {
  try {
    const json = JSON.parse(body) as {id?: unknown; message?: unknown; error?: unknown; request_id?: unknown}
    if (json && typeof json === 'object') {
      return {
        id: typeof json.id === 'string' ? json.id : null,
        message: typeof json.message === 'string' ? json.message : typeof json.error === 'string' ? json.error : 'no message',
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

/** `GET /v2/sizes: cannot reach ...: connection dropped (ECONNRESET); waiting 0.4s before attempt 2 of 5`. */
function waitMessage(request: RequestInfo, reason: string, delayMs: number, policy: RetryPolicy): string {
  return `${request.method} ${request.path}: ${reason}; waiting ${(delayMs / 1000).toFixed(1)}s before attempt ${request.attempts + 1} of ${policy.maxAttempts}`
}

function retrySuggestion(method: string): string[] {
  return method === 'POST' ? [] : ['check the network and the endpoint, then try again']
}
