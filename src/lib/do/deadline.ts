/**
 * The overall deadline: a command gives up once DigitalOcean has given no usable answer for this long, however
 * many attempts are left. It runs from the start of the first attempt that failed and restarts at every answer,
 * so a long `pool up --wait` whose polls succeed is never cut, while an offline or black-holed endpoint fails
 * within it instead of after 5 attempts of 30 s.
 */
export const DEFAULT_DEADLINE_MS = 60_000
export const DEADLINE_ENV_VAR = 'VELDA_DO_DEADLINE'
/** Shorter leaves no room for one retry; longer than an hour is better done by running the command again. */
export const DEADLINE_LIMITS = {minMs: 1_000, maxMs: 60 * 60_000} as const

/**
 * One per transport, shared by its concurrent requests: an answer to any of them shows the endpoint is there.
 * Answers that are not usable (a 5xx, a garbled body) leave the window open, as no answer does.
 */
export class FailureWindow {
  private since: number | null = null
  private lastAnswerAt = Number.NEGATIVE_INFINITY

  constructor(
    readonly deadlineMs: number,
    private readonly now: () => number,
  ) {}

  /** An attempt that started at `startedAt` got no usable answer. */
  failed(startedAt: number): void {
    // An attempt that started before another one's answer does not reach back past that answer.
    const start = Math.max(startedAt, this.lastAnswerAt)
    if (this.since === null || start < this.since) this.since = start
  }

  answered(): void {
    this.since = null
    this.lastAnswerAt = this.now()
  }

  /** Time left before the deadline; Infinity while nothing fails. */
  left(): number {
    return this.since === null ? Number.POSITIVE_INFINITY : this.since + this.deadlineMs - this.now()
  }

  /** Whether a retry after `delayMs` would still have `attemptMs` for its attempt before the deadline. */
  allowsRetry(delayMs: number, attemptMs: number): boolean {
    return delayMs + attemptMs <= this.left()
  }
}
