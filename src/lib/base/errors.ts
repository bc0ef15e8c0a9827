/**
 * The one error hierarchy of velda-do. Every failure a user can see is one of these, so the base command can
 * map it to the exit code of docs/cli.md ("Exit codes") and print its "Try this:" suggestions; anything else is a bug (exit 1).
 */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  api: 3,
  partial: 4,
  waitTimeout: 5,
  interrupted: 130,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

export interface VeldaErrorOptions {
  suggestions?: string[]
  cause?: unknown
  /**
   * Keys printed beside the error with --json: the whole document of a refusal or a cancel that did nothing
   * (`deleted: []`), or what the error adds to an outcome's own keys (`members_after`).
   */
  partialResult?: Record<string, unknown>
}

export abstract class VeldaError extends Error {
  abstract readonly exitCode: ExitCodeValue
  /** Stable machine-readable kind, the `error.code` of JSON output. */
  abstract readonly code: string
  readonly suggestions: string[]
  readonly partialResult: Record<string, unknown>

  constructor(message: string, options: VeldaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = new.target.name
    this.suggestions = options.suggestions ?? []
    this.partialResult = options.partialResult ?? {}
  }

  /** Extra keys merged into the JSON error document (e.g. the list of config problems). */
  details(): Record<string, unknown> {
    return {}
  }
}

/** A bad flag, argument or combination of them: nothing was sent. */
export class UsageError extends VeldaError {
  readonly exitCode = ExitCode.usage
  readonly code: string = 'usage'
}

/** A setting that cannot be resolved (no config file, no broker address, no agent version...). */
export class SettingsError extends VeldaError {
  readonly exitCode = ExitCode.usage
  readonly code: string = 'settings'
}

/** A guard refused the operation (max/min agents, size not offered, missing ssh key, no confirmation). */
export class GuardError extends VeldaError {
  readonly exitCode = ExitCode.usage
  readonly code = 'refused'
}

/** Some droplets were created or deleted and some were not; the result lists both. */
export class PartialError extends VeldaError {
  readonly exitCode = ExitCode.partial
  readonly code = 'partial'
}

/** Everything asked for was created, but the pool ended over max_agents (someone else created droplets meanwhile). */
export class OverMaxAgentsError extends VeldaError {
  readonly exitCode = ExitCode.partial
  readonly code = 'over_max_agents'
}

/** `--wait` ran out of time: the droplets exist, not all are active. */
export class WaitTimeoutError extends VeldaError {
  readonly exitCode = ExitCode.waitTimeout
  readonly code = 'wait_timeout'
}

/** `--wait` could not watch the droplets (the listing failed): they exist, their state is unknown. */
export class WaitFailedError extends VeldaError {
  readonly exitCode = ExitCode.waitTimeout
  readonly code = 'wait_failed'
}

/** Ctrl-C: the command stopped; what it did so far is in the result. */
export class InterruptedError extends VeldaError {
  readonly exitCode = ExitCode.interrupted
  readonly code = 'interrupted'
}

/**
 * The user answered "no" at a confirmation prompt: nothing was done. Exit 130 like every other cancel (a Ctrl-C
 * at the prompt), so `velda-do pool down … && next-step` does not go on, but it is a report, not an error.
 */
export class CancelledError extends VeldaError {
  readonly exitCode = ExitCode.interrupted
  readonly code = 'cancelled'
}

/** The operation failed before changing anything (every create or delete was refused). */
export class NothingChangedError extends VeldaError {
  readonly exitCode = ExitCode.api
  readonly code = 'nothing_changed'
}

/** `velda-do doctor` found misses the user fixes in the config or the account; the checklist is the result. */
export class ChecksFailedError extends VeldaError {
  readonly exitCode = ExitCode.usage
  readonly code = 'checks_failed'
}

/** `velda-do doctor` could not ask DigitalOcean (refused token, network, 5xx): the checklist says where. */
export class ChecksUnreachableError extends VeldaError {
  readonly exitCode = ExitCode.api
  readonly code = 'checks_api_failed'
}

/**
 * What an operation that acts did, as a value: its result, and `error` when it stopped or failed part-way (the
 * result then lists what was done and what was not; an operation throws only when it sent nothing, or for a bug).
 * The base command prints it: the result for a person or beside `error` in --json, and exits with the error's code.
 */
export type Outcome<Result extends object> = Result & {error?: VeldaError}

/** The error an outcome ended with; null for a whole result, or a value that is not an outcome. */
export function errorOf(value: unknown): VeldaError | null {
  if (typeof value !== 'object' || value === null || !('error' in value)) return null
  return value.error instanceof VeldaError ? value.error : null
}
