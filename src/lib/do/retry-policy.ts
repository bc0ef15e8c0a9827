/**
 * When to try a request again, and after how long: pure functions of what happened, so the timing can be
 * tested without a network or a clock. The request engine (transport.ts) only carries the decisions out.
 */

import {plural} from '../text/plural.js'

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number
  /** First backoff; it doubles each attempt. */
  baseDelayMs: number
  /** Longest backoff of our own choosing. */
  maxDelayMs: number
  /** Longest single wait we accept when DigitalOcean tells us how long to wait (retry-after, ratelimit-reset). */
  maxServerWaitMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxServerWaitMs: 120_000,
}

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504])

/** GET and DELETE may be repeated; a POST that may have been performed must not (the caller reconciles). */
export function isRetryableMethod(method: string): boolean {
  return ['GET', 'HEAD', 'DELETE'].includes(method.toUpperCase())
}

/**
 * POSTs whose repetition changes nothing: assigning resources to a project leaves them in that project however
 * often it is sent (a second time answers `already_assigned`), so a lost answer is safely asked again.
 */
const IDEMPOTENT_POSTS: readonly RegExp[] = [
  /^\/v2\/projects\/[^/]+\/resources$/,
  // Making a tag that exists answers it as it is; tagging a droplet twice leaves it tagged once.
  /^\/v2\/tags$/,
  /^\/v2\/tags\/[^/]+\/resources$/,
]

/**
 * A DELETE whose repetition is not harmless to read: `DELETE /v2/droplets?tag_name=` (the only DELETE of that
 * path) after a lost answer or a 5xx may have deleted some or all of its droplets, and the bulk delete must learn
 * which by listing, not by sending it again. A 429 is a refusal (nothing was done), so it is waited out as ever.
 */
function retriedOnlyWhenRefused(method: string, path: string): boolean {
  return method.toUpperCase() === 'DELETE' && (path.split('?')[0] ?? '') === '/v2/droplets'
}

/** Whether this request may be sent again after a failure: by its method, or a POST known to be idempotent. */
export function isRetryableRequest(method: string, path: string): boolean {
  if (isRetryableMethod(method)) return true
  const pathname = path.split('?')[0] ?? ''
  return method.toUpperCase() === 'POST' && IDEMPOTENT_POSTS.some((pattern) => pattern.test(pathname))
}

export type Outcome =
  | {kind: 'status'; status: number; headers: Headers}
  /** `retryable: false`: waiting cannot help (a name that does not exist, an untrusted certificate). */
  | {kind: 'network'; reason: string; retryable?: boolean}
  | {kind: 'timeout'; reason?: string}

/**
 * `waitTooLong`: DigitalOcean told a wait longer than velda-do takes, so the error says so and when to try again,
 * in place of a generic "try again in a minute".
 */
export type Decision = {retry: false; why?: string; waitTooLong?: TooLongWait} | {retry: true; delayMs: number; reason: string}

/** A wait DigitalOcean asked for (`retry-after`, `ratelimit-reset`) past policy.maxServerWaitMs, and when it ends. */
export interface TooLongWait {
  toldMs: number
  maxMs: number
  /** When DigitalOcean says a request will be answered again (epoch ms). */
  retryAtMs: number
}

/** `DigitalOcean asks to wait 300s, longer than velda-do waits (120s)`: the one wording, for the trace and the error. */
export function tooLongWaitText(wait: TooLongWait): string {
  return `DigitalOcean asks to wait ${Math.ceil(wait.toldMs / 1000)}s, longer than velda-do waits (${wait.maxMs / 1000}s)`
}

/** Exponential backoff with "equal jitter": half fixed, half random, so clients that failed together spread out. */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

/** `retry-after` in seconds or as an HTTP date; null when absent or unreadable. */
export function retryAfterMs(headers: Headers, now: number): number | null {
  const value = headers.get('retry-after')
  if (value === null) return null
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.ceil(Number(value) * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? null : Math.max(0, date - now)
}

/** With no requests left, `ratelimit-reset` (epoch seconds) is when the oldest counted request expires. */
export function rateLimitResetMs(headers: Headers, now: number): number | null {
  if (headers.get('ratelimit-remaining') !== '0') return null
  const reset = Number(headers.get('ratelimit-reset'))
  if (!Number.isFinite(reset) || reset <= 0) return null
  return Math.max(0, reset * 1000 - now)
}

/** How long DigitalOcean asked to wait before trying again: `retry-after`, else (for 429) `ratelimit-reset`. */
export function toldWaitMs(status: number, headers: Headers, now: number): number | null {
  return retryAfterMs(headers, now) ?? (status === 429 ? rateLimitResetMs(headers, now) : null)
}

export interface RetryDelayOptions {
  now: () => number
  random: () => number
  /** The backoff's first step and ceiling; DEFAULT_RETRY_POLICY's when not given. */
  baseDelayMs?: number
  maxDelayMs?: number
}

/**
 * How long to wait before trying a failed request again: what DigitalOcean told (`retry-after`, or for a 429
 * `ratelimit-reset`), else the backoff. The one rule, for the transport's retries and for callers that retry a
 * request the transport does not (a create): anything with a `status` and its answer's `headers` (an ApiError,
 * an answer's Outcome) can carry a told wait; any other failure gets the backoff. Whether to wait that long at
 * all (maxServerWaitMs) is the caller's decision.
 */
export function delayBeforeRetry(error: unknown, attempt: number, options: RetryDelayOptions): number {
  const told = toldWait(error, options.now())
  if (told !== null) return told
  const {baseDelayMs = DEFAULT_RETRY_POLICY.baseDelayMs, maxDelayMs = DEFAULT_RETRY_POLICY.maxDelayMs} = options
  return backoffDelay(attempt, {baseDelayMs, maxDelayMs}, options.random)
}

function toldWait(error: unknown, now: number): number | null {
  if (typeof error !== 'object' || error === null) return null
  const {status, headers} = error as {status?: unknown; headers?: unknown}
  return typeof status === 'number' && headers instanceof Headers ? toldWaitMs(status, headers, now) : null
}

export function decideRetry(
  outcome: Outcome,
  attempt: number,
  method: string,
  policy: RetryPolicy,
  now: number,
  random: () => number,
  /** The request's path: an idempotent POST (isRetryableRequest) is retried like a GET. */
  path = '',
): Decision {
  if (outcome.kind === 'status' && !RETRYABLE_STATUSES.has(outcome.status)) return {retry: false}
  if (outcome.kind === 'network' && outcome.retryable === false) return {retry: false, why: 'waiting would not help'}
  if (retriedOnlyWhenRefused(method, path) && !(outcome.kind === 'status' && outcome.status === 429)) {
    return {retry: false, why: 'a delete by tag is not sent again: it may have been performed (the caller lists to see)'}
  }
  if (!isRetryableRequest(method, path)) return {retry: false, why: `${method} is not retried: it may have been performed`}
  if (attempt >= policy.maxAttempts) return {retry: false, why: `gave up after ${plural(attempt, 'attempt')}`}
  const told = toldWait(outcome, now)
  if (told !== null && told > policy.maxServerWaitMs) {
    const waitTooLong = {toldMs: told, maxMs: policy.maxServerWaitMs, retryAtMs: now + told}
    return {retry: false, why: tooLongWaitText(waitTooLong), waitTooLong}
  }
  const delayMs = delayBeforeRetry(outcome, attempt, {now: () => now, random, baseDelayMs: policy.baseDelayMs, maxDelayMs: policy.maxDelayMs})
  if (outcome.kind === 'status') return {retry: true, delayMs, reason: outcome.status === 429 ? 'rate limited' : `answer ${outcome.status}`}
  return {retry: true, delayMs, reason: outcome.reason ?? 'no answer in time'}
}
