import {ExitCode, VeldaError} from '../errors.js'
import {redactRevealedSecrets} from '../secret.js'
import {TOKEN_ENV_VARS} from '../settings.js'

export const ISSUES_URL = 'https://github.com/velda-io/velda-do/issues'

/** What a failed command reports: the same content for humans (stderr) and scripts (`--json`). */
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
export function toFailure(error: unknown, env: Readonly<Record<string, string | undefined>>): Failure {
  if (error instanceof VeldaError) {
    return {
      exitCode: error.exitCode,
      code: error.code,
      message: redactKnownSecrets(error.message, env),
      suggestions: error.suggestions.map((s) => redactKnownSecrets(s, env)),
      details: JSON.parse(redactKnownSecrets(JSON.stringify(error.details()), env)) as Record<string, unknown>,
      partial: error.partialResult,
    }
  }
  const oclif = (error as OclifError | null)?.oclif
  if (oclif?.exit !== undefined && oclif.exit !== ExitCode.internal) {
    return {
      exitCode: ExitCode.usage,
      code: 'usage',
      message: redactKnownSecrets((error as Error).message, env),
      suggestions: ['see the command\'s --help'],
      details: {},
      partial: {},
    }
  }
  const message = error instanceof Error ? error.message : String(error)
  return {
    exitCode: ExitCode.internal,
    code: 'internal',
    message: `internal error (a bug in velda-do): ${redactKnownSecrets(message, env)}`,
    suggestions: [`report it at ${ISSUES_URL} with the command you ran and this message (run with DEBUG=velda-do* for details)`],
    details: {},
    partial: {},
  }
}

/**
 * A last line of defence: secrets are kept in `Secret` objects and never formatted, but if a token from the
 * environment ever ended up in a message (e.g. echoed back by a server), it is cut out here.
 */
export function redactKnownSecrets(text: string, env: Readonly<Record<string, string | undefined>>): string {
  let result = redactRevealedSecrets(text)
  for (const name of TOKEN_ENV_VARS) {
    const value = env[name]
    if (value && value.length >= 8) result = result.split(value).join('<redacted>')
  }
  return result
}
