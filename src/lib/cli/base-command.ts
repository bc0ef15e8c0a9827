import {existsSync} from 'node:fs'

import type {Interfaces} from '@oclif/core'
import {Command} from '@oclif/core/command'

import {CONFIG_ENV_VAR, type ConfigLocation, DEFAULT_CONFIG_FILES, loadConfig, locateConfig} from '../config/load.js'
import {type Diagnostic, formatDiagnostic} from '../config/diagnostics.js'
import type {VeldaConfig} from '../config/types.js'
import {redactKnownSecrets, toFailure} from './failure.js'
import {paint} from './style.js'

/**
 * Every command's base: `--json` (run() returns the JSON document), settings lookup, and one catch() that
 * turns any failure into the exit code of cli.md with its "Try this:" suggestions.
 */
export abstract class BaseCommand<Result> extends Command {
  static override enableJsonFlag = true

  abstract override run(): Promise<Result>

  /**
   * A line on stderr, with or without --json: progress, waits and warnings are for people, and --json only
   * promises a clean stdout (oclif's logToStderr is silent under --json).
   */
  protected say(message: string): void {
    process.stderr.write(`${message}\n`)
  }

  protected get env(): Readonly<Record<string, string | undefined>> {
    return process.env
  }

  /** Finds and loads the config (cli.md precedence), printing its warnings on stderr. */
  protected readConfig(flagPath: string | undefined): VeldaConfig {
    const location: ConfigLocation = locateConfig(flagPath, this.env, existsSync)
    const config = loadConfig(location, this.env)
    this.printWarnings(config.warnings, config.file)
    return config
  }

  /** The config when there is one (flag, variable or a file in the current directory), else null. */
  protected readOptionalConfig(flagPath: string | undefined): VeldaConfig | null {
    const anyGiven = flagPath || this.env[CONFIG_ENV_VAR] || DEFAULT_CONFIG_FILES.some((name) => existsSync(name))
    return anyGiven ? this.readConfig(flagPath) : null
  }

  protected printWarnings(diagnostics: readonly Diagnostic[], file: string): void {
    for (const warning of diagnostics.filter((d) => d.severity === 'warning')) {
      this.say(paint.warning(formatDiagnostic(warning, file)))
    }
  }

  protected override async catch(error: Interfaces.CommandError): Promise<never> {
    const failure = toFailure(error, this.env)
    if (this.jsonEnabled()) {
      this.logJson({
        ...failure.partial,
        error: {code: failure.code, message: failure.message, suggestions: failure.suggestions, ...failure.details},
      })
    } else {
      this.logToStderr(`${paint.error('Error:')} ${failure.message}`)
      if (failure.suggestions.length > 0) {
        this.logToStderr(paint.dim('Try this:'))
        for (const suggestion of failure.suggestions) this.logToStderr(`  ${suggestion}`)
      }
    }
    if (failure.exitCode === 1 && process.env.DEBUG) this.say(redactKnownSecrets(String((error as Error).stack), this.env))
    return this.exit(failure.exitCode)
  }
}
