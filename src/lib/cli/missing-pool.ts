import {UsageError, VeldaError} from '../base/errors.js'
import type {VeldaConfig} from '../config/types.js'

/** A token of oclif's parse: a flag (its name and what was typed) or an argument. */
export type RawToken = {type: string; flag?: string; input: string}

/** What oclif had parsed when it found POOL missing: the flags typed (`-c` among them) and the raw tokens. */
interface PartialParse {
  args: Record<string, unknown>
  flags: Record<string, unknown>
  raw: RawToken[]
}

/** oclif's RequiredArgsError, by its shape: a class of one bundle is not another's (no instanceof). */
interface MissingArgsError {
  message?: string
  args?: {name?: string}[]
  parse?: {output?: unknown}
}

/** The partial parse of a command line whose required POOL was left out; null for any other error. */
export function missingPoolParse(error: unknown): PartialParse | null {
  const missing = error as MissingArgsError | null
  const isIt = missing?.message?.startsWith('Missing ') && Array.isArray(missing.args) && missing.args.some((arg) => arg?.name === 'pool')
  return isIt && missing?.parse?.output ? (missing.parse.output as PartialParse) : null
}

/**
 * No POOL given: the pools of the config the command would read, as a misspelt one gets them (findPool), exit 2;
 * when that config cannot be read, the missing POOL and what keeps the config from being read, with its fixes.
 */
export function missingPoolError(readConfig: () => VeldaConfig): UsageError {
  let config: VeldaConfig
  try {
    config = readConfig()
  } catch (error) {
    if (!(error instanceof VeldaError)) throw error
    return new UsageError(`missing POOL, the name of a pool in the config; and the config cannot be read: ${error.message}`, {suggestions: error.suggestions})
  }
  const names = config.pools.map((pool) => pool.name)
  return new UsageError(`missing POOL, the name of a DigitalOcean pool in ${config.file}`, {
    suggestions: names.length > 0 ? [`the pools are: ${names.join(', ')}`] : [`${config.file} has no DigitalOcean pool: add one (velda-do config init writes a starter)`],
  })
}
