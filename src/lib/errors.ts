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
  /** What the command did before failing (e.g. `created`, `failed`): printed beside the error with --json. */
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
 * The typed result of an operation that failed part-way, kept beside its error: a command reads back exactly what
 * the library attached (no casts from `partialResult`), and `partialResult` carries the same for --json.
 */
export class PartialResults<T extends object> {
  private readonly byError = new WeakMap<VeldaError, T>()

  /** The error, with `result` as what was done (also its `partialResult`, for --json). */
  attach<E extends VeldaError>(error: E, result: T): E {
    this.byError.set(error, result)
    // The result's keys first, then any the error brought (e.g. members_after), as --json prints them.
    const extra = {...error.partialResult}
    for (const key of Object.keys(extra)) Reflect.deleteProperty(error.partialResult, key)
    Object.assign(error.partialResult, result, extra)
    return error
  }

  of(error: unknown): T | undefined {
    return error instanceof VeldaError ? this.byError.get(error) : undefined
  }
}
