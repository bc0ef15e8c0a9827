import {readFileSync} from 'node:fs'

import {SettingsError} from '../errors.js'
import {ConfigError} from './diagnostics.js'
import type {Environment} from './interpolate.js'
import {suggestKey} from './keys.js'
import {parseConfig, type ParseResult} from './parse.js'
import type {PoolConfig, VeldaConfig} from './types.js'

export const CONFIG_ENV_VAR = 'VELDA_DO_CONFIG'
export const DEFAULT_CONFIG_FILES = ['velda-do.yaml', 'velda.yaml'] as const

export interface ConfigLocation {
  path: string
  /** Where the path came from, for messages: `--config`, `$VELDA_DO_CONFIG`, `./velda.yaml`. */
  source: string
}

/** cli.md: `--config`, then `$VELDA_DO_CONFIG`, then ./velda-do.yaml, then ./velda.yaml. */
export function locateConfig(flag: string | undefined, env: Environment, exists: (path: string) => boolean): ConfigLocation {
  if (flag) return {path: flag, source: '--config'}
  const fromEnv = env[CONFIG_ENV_VAR]
  if (fromEnv) return {path: fromEnv, source: `$${CONFIG_ENV_VAR}`}
  for (const name of DEFAULT_CONFIG_FILES) if (exists(name)) return {path: name, source: `./${name}`}
  throw new SettingsError('no config file found: looked for ./velda-do.yaml and ./velda.yaml', {
    suggestions: ['pass the file: velda-do config validate -c path/to/velda.yaml', `or set ${CONFIG_ENV_VAR}=path/to/velda.yaml`],
  })
}

export function readConfigText(location: ConfigLocation): string {
  try {
    return readFileSync(location.path, 'utf8')
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as Error).message})`
    throw new SettingsError(`the config file ${location.path} (from ${location.source}) ${reason}`, {
      suggestions: ['check the path given with -c/--config or $VELDA_DO_CONFIG'],
    })
  }
}

/** Reads and checks the config; throws ConfigError listing every problem. */
export function loadConfig(location: ConfigLocation, env: Environment): VeldaConfig {
  const result = parseConfig(readConfigText(location), {file: location.path, env})
  return configOrThrow(result, location.path)
}

export function configOrThrow(result: ParseResult, file: string): VeldaConfig {
  if (!result.config) throw new ConfigError(file, result.diagnostics)
  return result.config
}

export function findPool(config: VeldaConfig, name: string): PoolConfig {
  const pool = config.pools.find((p) => p.name === name)
  if (pool) return pool
  const names = config.pools.map((p) => p.name)
  const close = suggestKey(name, names)
  throw new SettingsError(`there is no DigitalOcean pool "${name}" in ${config.file}`, {
    suggestions: [...(close ? [`did you mean ${close}?`] : []), `the pools are: ${names.join(', ')}`],
  })
}
