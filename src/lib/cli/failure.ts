import {ExitCode, VeldaError} from '../base/errors.js'

export const ISSUES_URL = 'https://github.com/velda-io/velda-do/issues'

/**
 * What a failed command reports: the same content for humans (stderr) and scripts (`--json`). Secrets are cut on
 * the way out (output-guard.ts), not here: one filter for every message.
 */
export interface Failure {
  exitCode: number
  code: string
  message: string
  suggestions: string[]
  details: Record<string, unknown>
  /** Keys printed beside `error` in JSON (what was created before the failure). */
  partial: Record<string, unknown>
}

interface OclifError extends Error {
  oclif?: {exit?: number}
  code?: string
}

/** Maps anything thrown to a Failure: our errors keep their exit code; oclif's parse errors are usage errors. */
export function toFailure(error: unknown): Failure {
  if (error instanceof VeldaError) {
    return {
      exitCode: error.exitCode,
      code: error.code,
      message: error.message,
      suggestions: error.suggestions,
      details: error.details(),
      partial: error.partialResult,
    }
  }
  const oclif = (error as OclifError | null)?.oclif
  if (oclif?.exit !== undefined && oclif.exit !== ExitCode.internal) {
    return {exitCode: ExitCode.usage, code: 'usage', message: (error as Error).message, suggestions: ['see the command\'s --help'], details: {}, partial: {}}
  }
  const message = error instanceof Error ? error.message : String(error)
  return {
    exitCode: ExitCode.internal,
    code: 'internal',
    message: `internal error (a bug in velda-do): ${message}`,
    suggestions: [`report it at ${ISSUES_URL} with the command you ran and this message (run with DEBUG=velda-do* for details)`],
    details: {},
    partial: {},
  }
}
