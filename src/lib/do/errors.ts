import {formatDuration} from '../text/duration.js'
import {ExitCode, SettingsError, VeldaError, type VeldaErrorOptions} from '../base/errors.js'
import {plural} from '../text/plural.js'
import {knownEndpoint, redirectTargetAdvice, tokensByEndpoint} from '../net/known-endpoints.js'

/** Where a failed request went: enough to find it in DigitalOcean's logs, never the token. */
export interface RequestInfo {
  method: string
  /** Path and query, e.g. `/v2/droplets?page=2&per_page=200`. */
  path: string
  attempts: number
}

/** A request that got no answer: its errors name the host, since which host could not be reached is the point. */
export interface UnansweredRequest extends RequestInfo {
  /** Scheme, host and port (when not the default), e.g. `https://api-amd.digitalocean.com`. */
  origin: string
}

function requestDetails(request: RequestInfo): Record<string, unknown> {
  return {method: request.method, path: request.path, attempts: request.attempts}
}

function attemptsText(attempts: number): string {
  return plural(attempts, 'attempt')
}

/**
 * A request's error told with the attempts of the caller that sent it again itself (a create, re-sent only after
 * listing): `… (after 5 attempts, request id …)` rather than the transport's `(after 1 attempt …)` followed by the
 * caller's own count. Any other error: its message with `(after N attempts)` after it.
 */
export function messageWithAttempts(error: unknown, attempts: number): string {
  const message = error instanceof Error ? error.message : String(error)
  const request = (error as {request?: RequestInfo} | null)?.request
  const own = request ? `(after ${attemptsText(request.attempts)}` : null
  if (own && message.includes(own)) return message.replace(own, `(after ${attemptsText(attempts)}`)
  return `${message} (after ${attemptsText(attempts)})`
}

/** DigitalOcean answered with an error status. Exit 3: nothing was changed by this request. */
export class ApiError extends VeldaError {
  readonly exitCode = ExitCode.api
  readonly code: string = 'api_error'
  /** The answer's headers (retry-after, ratelimit-*), for callers that decide when to try again. */
  headers: Headers | null = null

  constructor(
    readonly status: number,
    /** DigitalOcean's error id, e.g. `unprocessable_entity`; null when the body was not DigitalOcean's JSON. */
    readonly errorId: string | null,
    /** DigitalOcean's message, or a summary of a non-JSON body (a proxy's HTML page). */
    readonly apiMessage: string,
    readonly requestId: string | null,
    readonly request: RequestInfo,
    options: VeldaErrorOptions = {},
    /** Who answered, before the status: a 401 names the endpoint that refused the token. */
    answered = 'DigitalOcean answered',
  ) {
    const id = errorId ? ` ${errorId}` : ''
    const requestId_ = requestId ? `, request id ${requestId}` : ''
    super(
      `${answered} ${status}${id} to ${request.method} ${request.path}: ${apiMessage} (after ${attemptsText(request.attempts)}${requestId_})`,
      options,
    )
  }

  override details(): Record<string, unknown> {
    return {
      status: this.status,
      api_error_id: this.errorId,
      request_id: this.requestId,
      ...requestDetails(this.request),
    }
  }
}

/**
 * 401: the token is missing, wrong, revoked, or meant for another endpoint. The message names the endpoint that
 * refused it, and the advice which kind of token each known endpoint takes: a token of one cloud is refused by the
 * other's API, and which host the token went to is the first thing to check.
 */
export class UnauthorizedError extends ApiError {
  override readonly code = 'unauthorized'

  constructor(
    /** The origin that refused the token, e.g. `https://api-amd.digitalocean.com`. */
    readonly endpoint: string,
    errorId: string | null,
    apiMessage: string,
    requestId: string | null,
    request: RequestInfo,
  ) {
    super(401, errorId, apiMessage, requestId, request, {suggestions: unauthorizedSuggestions(endpoint)}, `the endpoint ${endpoint} refused the token:`)
  }

  override details(): Record<string, unknown> {
    return {...super.details(), endpoint: this.endpoint}
  }
}

function unauthorizedSuggestions(endpoint: string): string[] {
  const known = knownEndpoint(endpoint)
  return [
    'check the token in DIGITALOCEAN_API_TOKEN (or the pool\'s api_token): it may be wrong, expired or revoked',
    known
      ? `${endpoint} takes ${known.token}; each API takes its own cloud's tokens: ${tokensByEndpoint()} (set api_endpoint or DIGITALOCEAN_API_ENDPOINT to the one the token was made for)`
      : `the token must be one ${endpoint} takes; each API takes its own cloud's tokens: ${tokensByEndpoint()} (set api_endpoint or DIGITALOCEAN_API_ENDPOINT to the one the token was made for)`,
  ]
}

/** `150ms`, `1.5s`, `29.6s`, `30s`: an attempt's timeout, cut short by the deadline, read at a glance. */
export function shortDuration(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)}ms` : `${Number((ms / 1_000).toFixed(1))}s`
}

function requestUrl(request: UnansweredRequest): string {
  return `${request.method} ${request.origin}${request.path}`
}

/**
 * The client was closed (the command that opened it is done): a request still in flight or waiting to retry ends
 * here instead of going on in the background. Nobody is left to see it; it is an error only so that its promise
 * settles.
 */
export class ClientClosedError extends VeldaError {
  readonly exitCode = ExitCode.internal
  readonly code = 'client_closed'

  constructor(readonly request: UnansweredRequest) {
    super(`${requestUrl(request)}: not sent again, the command is done`)
  }
}

/** No answer: connection refused or reset, DNS failure, dropped connection. The reason names the host. */
export class NetworkError extends VeldaError {
  readonly exitCode = ExitCode.api
  readonly code = 'network'

  constructor(
    readonly request: UnansweredRequest,
    /** e.g. `cannot reach api-amd.digitalocean.com: host not found (ENOTFOUND)`. */
    readonly reason: string,
    /** The system's error code (`ENOTFOUND`, `CERT_HAS_EXPIRED`), null when there was none. */
    readonly errorCode: string | null,
    options: VeldaErrorOptions = {},
  ) {
    super(`${requestUrl(request)}: ${reason} (after ${attemptsText(request.attempts)})`, options)
  }

  override details(): Record<string, unknown> {
    return {...requestDetails(this.request), host: new URL(this.request.origin).host, error_code: this.errorCode}
  }
}

/** Where an untrustworthy answer came from; `attempts` when the transport knows how many it made. */
export type AnswerSource = Pick<RequestInfo, 'method' | 'path'> & {attempts?: number}

/**
 * A success status with an answer that cannot be trusted: not JSON, a list without its array, an item without a
 * usable id, a count missing or at odds with the pages. Never read as "nothing there": an empty list taken from a
 * broken answer once made `pool up` create droplets that existed, and a missing id made it delete droplet 0.
 */
export class MalformedAnswerError extends VeldaError {
  readonly exitCode = ExitCode.api
  readonly code = 'malformed_answer'

  constructor(
    readonly request: AnswerSource,
    /** What was wrong, e.g. `the answer has no "droplets" list`. */
    readonly problem: string,
    options: VeldaErrorOptions = {},
  ) {
    const attempts = request.attempts === undefined ? '' : ` (after ${attemptsText(request.attempts)})`
    super(`${request.method} ${request.path}: ${problem}${attempts}`, {
      suggestions: [
        'try again: a proxy or an overloaded API can garble an answer, and a list can change while it is read',
        'if it persists, check that api_endpoint (or DIGITALOCEAN_API_ENDPOINT) is the DigitalOcean API itself',
      ],
      ...options,
    })
  }

  override details(): Record<string, unknown> {
    return {method: this.request.method, path: this.request.path, ...(this.request.attempts === undefined ? {} : {attempts: this.request.attempts}), problem: this.problem}
  }
}

/** No answer in time. */
export class TimeoutError extends VeldaError {
  readonly exitCode = ExitCode.api
  readonly code = 'timeout'

  constructor(
    readonly request: UnansweredRequest,
    readonly timeoutMs: number,
    options: VeldaErrorOptions = {},
  ) {
    super(`${requestUrl(request)}: no answer from ${new URL(request.origin).host} within ${shortDuration(timeoutMs)} (after ${attemptsText(request.attempts)})`, options)
  }

  override details(): Record<string, unknown> {
    return {...requestDetails(this.request), host: new URL(this.request.origin).host, timeout_ms: this.timeoutMs}
  }
}

/**
 * DigitalOcean gave no usable answer for the whole overall deadline: retrying stopped there, whatever attempts
 * were left. `lastReason` is what the last attempt met (it names the host).
 */
export class DeadlineError extends VeldaError {
  readonly exitCode = ExitCode.api
  readonly code = 'deadline'

  constructor(
    readonly request: UnansweredRequest,
    readonly deadlineMs: number,
    readonly lastReason: string,
    options: VeldaErrorOptions = {},
  ) {
    super(`${requestUrl(request)}: gave up, no usable answer within the ${formatDuration(deadlineMs)} deadline (${attemptsText(request.attempts)}; the last: ${lastReason})`, options)
  }

  override details(): Record<string, unknown> {
    return {...requestDetails(this.request), host: new URL(this.request.origin).host, deadline_ms: this.deadlineMs}
  }
}

/** The endpoint answered with a redirect: never followed (the token must not go to another host). */
export class RedirectError extends VeldaError {
  readonly exitCode = ExitCode.api
  readonly code = 'redirect'

  constructor(
    readonly request: RequestInfo,
    readonly endpoint: string,
    readonly location: string,
  ) {
    super(`the endpoint ${endpoint} redirects ${request.method} ${request.path} to ${location}; velda-do does not follow redirects`, {
      suggestions: [redirectSuggestion(endpoint, location)],
    })
  }

  override details(): Record<string, unknown> {
    return {method: this.request.method, path: this.request.path, location: this.location}
  }
}

/** Where to point api_endpoint instead; for a known host, which token it takes (the user's may be for the other cloud). */
function redirectSuggestion(endpoint: string, location: string): string {
  const target = URL.canParse(location, endpoint) ? new URL(location, endpoint).origin : location
  const advice = redirectTargetAdvice(target)
  return `set api_endpoint (or DIGITALOCEAN_API_ENDPOINT) to ${target}, if you trust that host with your token${advice ? `: ${advice}` : ''}`
}

/** A command that calls the API found no token anywhere. Exit 2: nothing was sent. */
export class MissingTokenError extends SettingsError {
  override readonly code = 'missing_token'
}
