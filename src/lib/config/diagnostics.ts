import {ExitCode, VeldaError} from '../base/errors.js'
import {plural} from '../text/plural.js'

export interface SourcePosition {
  file: string
  /** 1-based. */
  line: number
  /** 1-based. */
  col: number
}

export interface Diagnostic {
  severity: 'error' | 'warning'
  /** Where in the document, as a key path: `provisioners[0].digitalocean_auto.pool_details[1].size`. */
  path: string
  message: string
  /** How to fix it, when there is a known fix. */
  fix?: string
  position: SourcePosition | null
}

export function formatPosition(position: SourcePosition | null, fallbackFile: string): string {
  return position ? `${position.file}:${position.line}:${position.col}` : fallbackFile
}

/** `velda.yaml:12:7: error: agent_pools[0]...size: required key "size" is missing`, then the fix on its own line. */
export function formatDiagnostic(diagnostic: Diagnostic, fallbackFile: string): string {
  const where = formatPosition(diagnostic.position, fallbackFile)
  const path = diagnostic.path ? `${diagnostic.path}: ` : ''
  const fix = diagnostic.fix ? `\n    fix: ${diagnostic.fix}` : ''
  return `${where}: ${diagnostic.severity}: ${path}${diagnostic.message}${fix}`
}

/** In file order, so a long list reads top to bottom like the file. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const key = (d: Diagnostic) => [d.position?.line ?? 0, d.position?.col ?? 0] as const
  return [...diagnostics].sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1] - key(b)[1])
}

export function errorsOf(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 'error')
}

/** The config file is invalid: every problem found, each with its position. Exit 2, nothing sent. */
export class ConfigError extends VeldaError {
  readonly exitCode = ExitCode.usage
  readonly code = 'invalid_config'

  constructor(
    readonly file: string,
    readonly diagnostics: readonly Diagnostic[],
  ) {
    const errors = sortDiagnostics(errorsOf(diagnostics))
    const lines = errors.map((d) => `  ${formatDiagnostic(d, file)}`)
    super(`${file} is invalid (${plural(errors.length, 'problem')}):\n${lines.join('\n')}`, {
      suggestions: [`Fix the problems above, then check again with: velda-do config validate -c ${file}`],
    })
  }

  override details(): Record<string, unknown> {
    return {problems: sortDiagnostics(this.diagnostics).map((d) => diagnosticToJson(d))}
  }
}

export function diagnosticToJson(d: Diagnostic): Record<string, unknown> {
  return {
    severity: d.severity,
    file: d.position?.file ?? null,
    line: d.position?.line ?? null,
    col: d.position?.col ?? null,
    path: d.path,
    message: d.message,
    fix: d.fix ?? null,
  }
}
