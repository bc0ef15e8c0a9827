/**
 * The one error hierarchy of velda-do. Every failure a user can see is one of these, so the base command can
 * map it to the exit code of cli.md and print its "Try this:" suggestions; anything else is a bug (exit 1).
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
}

export abstract class VeldaError extends Error {
  abstract readonly exitCode: ExitCodeValue
  /** Stable machine-readable kind, the `error.code` of JSON output. */
  abstract readonly code: string
  readonly suggestions: string[]

  constructor(message: string, options: VeldaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = new.target.name
    this.suggestions = options.suggestions ?? []
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
