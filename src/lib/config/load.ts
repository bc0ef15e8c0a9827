import {closeSync, constants, fstatSync, openSync, readSync, type Stats} from 'node:fs'

import {SettingsError} from '../base/errors.js'
import {fileKind} from '../system/file-kind.js'
import {ConfigError} from './diagnostics.js'
import type {Environment} from './interpolate.js'
import {suggestKey} from './keys.js'
import {parseConfig, type ParseResult} from './parse.js'
import type {PoolConfig, VeldaConfig} from './types.js'
import {plural} from '../text/plural.js'

export const CONFIG_ENV_VAR = 'VELDA_DO_CONFIG'
export const DEFAULT_CONFIG_FILES = ['velda-do.yaml', 'velda.yaml'] as const
/**
 * A Velda config is a few kilobytes; parsing is linear, but a file past this (a log, a disk image, /dev/zero
 * given by mistake) is refused before it is read rather than filling the memory.
 */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024

export interface ConfigLocation {
  path: string
  /** Where the path came from, for messages: `--config`, `$VELDA_DO_CONFIG`, `./velda.yaml`. */
  source: string
}

/** docs/cli.md, "Where settings come from": `--config`, then `$VELDA_DO_CONFIG`, then ./velda-do.yaml, then ./velda.yaml. */
export function locateConfig(flag: string | undefined, env: Environment, exists: (path: string) => boolean): ConfigLocation {
  if (flag) return {path: flag, source: '--config'}
  const fromEnv = env[CONFIG_ENV_VAR]
  if (fromEnv) return {path: fromEnv, source: `$${CONFIG_ENV_VAR}`}
  for (const name of DEFAULT_CONFIG_FILES) if (exists(name)) return {path: name, source: `./${name}`}
  throw new SettingsError('no config file found: looked for ./velda-do.yaml and ./velda.yaml', {
    suggestions: [
      'pass the file: velda-do config validate -c path/to/velda.yaml',
      `or set ${CONFIG_ENV_VAR}=path/to/velda.yaml`,
      'or start one here: velda-do config init (writes ./velda.yaml, a commented starter for AMD MI300X droplets)',
    ],
  })
}

/** Reads the config file; refuses anything but a regular file of at most MAX_CONFIG_BYTES. */
export function readConfigText(location: ConfigLocation): string {
  const fd = openConfig(location)
  try {
    const stats = fstatSync(fd)
    if (!stats.isFile()) throw notAFile(location, stats)
    if (stats.size > MAX_CONFIG_BYTES) throw tooBig(location, plural(stats.size, 'byte', {shown: stats.size.toLocaleString('en-US')}))
    // The size fstat gives may be out of date (or 0 for a generated file): never read past the limit anyway.
    const content = readAtMost(fd, MAX_CONFIG_BYTES + 1)
    if (content.length > MAX_CONFIG_BYTES) throw tooBig(location, `more than ${MAX_CONFIG_BYTES.toLocaleString('en-US')} bytes`)
    return content.toString('utf8')
  } finally {
    closeSync(fd)
  }
}

function openConfig(location: ConfigLocation): number {
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
    return openSync(location.path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as Error).message})`
    throw new SettingsError(`the config file ${location.path} (from ${location.source}) ${reason}`, {
      suggestions: ['check the path given with -c/--config or $VELDA_DO_CONFIG'],
    })
  }
}

function readAtMost(fd: number, limit: number): Buffer {
  const buffer = Buffer.alloc(limit)
  let length = 0
  while (length < limit) {
    const read = readSync(fd, buffer, length, limit - length, null)
    if (read === 0) break
    length += read
  }
  return buffer.subarray(0, length)
}

function notAFile(location: ConfigLocation, stats: Stats): SettingsError {
  return new SettingsError(`the config file ${location.path} (from ${location.source}) is ${fileKind(stats)}, not a regular file`, {
    suggestions: ['give the path of the YAML file with -c/--config (to use piped input, save it to a file first)'],
  })
}

/** `size` as said: `4,194,305 bytes`. */
function tooBig(location: ConfigLocation, size: string): SettingsError {
  const limit = `${MAX_CONFIG_BYTES / 1024 / 1024} MiB (${MAX_CONFIG_BYTES.toLocaleString('en-US')} bytes)`
  return new SettingsError(`the config file ${location.path} (from ${location.source}) is ${size}, over the limit of ${limit}`, {
    suggestions: ['check that -c/--config names the Velda config; a Velda config is a few kilobytes'],
  })
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
