import type {SecretSetting} from './decode.js'
import {endpointProblem} from './endpoint.js'
import type {Environment} from './interpolate.js'
import {poolSetting, type Resolved, type Sources} from './pool-settings.js'
import {VERSION_PATTERN} from './schema.js'
import {DEFAULT_BROKER} from './top-level-settings.js'
import type {PoolConfig, VeldaConfig} from './types.js'
import {SettingsError, UsageError} from '../base/errors.js'
import {Secret} from '../base/secret.js'

/**
 * Where each setting comes from (docs/cli.md, "Where settings come from"): a flag, then environment variables,
 * then the config file, then a default, as each setting's declaration in pool-settings.ts (and, for the broker
 * address, top-level-settings.ts) lists them. Every command resolves its pool's settings here. The two rows of
 * that table that are not settings of a pool live where they are used: which config file is read in load.ts
 * (locateConfig), the request timeout and deadline in connection.ts.
 */

const ENDPOINT = poolSetting('api_endpoint')
const TOKEN = poolSetting('api_token')
const BROKER = poolSetting('agent_config')
const AGENT_VERSION = poolSetting('agent_version_override')

/** In precedence order. */
export const TOKEN_ENV_VARS = TOKEN.from.env

/** The flag, then the environment variables, of a setting's sources: what overrides the file. */
function overridden(sources: Sources, flag: string | undefined, env: Environment): Resolved<string> | undefined {
  if (flag && sources.flag) return {value: flag, source: sources.flag}
  for (const name of sources.env ?? []) {
    const value = env[name]
    if (value) return {value, source: `$${name}`}
  }
  return undefined
}

const BROKER_ADDRESS = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):\d{1,5}$/

export function checkBrokerAddress(address: string, where: string): string {
  const port = Number(address.slice(address.lastIndexOf(':') + 1))
  if (BROKER_ADDRESS.test(address) && port >= 1 && port <= 65_535) return address
  throw new UsageError(`${where}: "${address}" is not a broker address (HOST:PORT)`, {
    suggestions: ['write it like broker.example.com:50051'],
  })
}

export function checkAgentVersion(version: string, where: string): string {
  if (VERSION_PATTERN.test(version)) return version
  throw new UsageError(`${where}: "${version}" is not a release version`, {suggestions: ['write a Velda release name, like v1.1.4']})
}

/** docs/cli.md, "Where settings come from": `--broker`, then the pool's agent_config.broker.address, then default_broker_info.address. */
export function resolveBroker(flag: string | undefined, pool: PoolConfig, config: VeldaConfig): Resolved<string> {
  const given = overridden(BROKER.from, flag, {})
  if (given) return {value: checkBrokerAddress(given.value, given.source), source: given.source}
  const fromAgentConfig = (pool.agentConfig?.broker as {address?: unknown} | undefined)?.address
  if (typeof fromAgentConfig === 'string' && fromAgentConfig !== '') return {value: fromAgentConfig, source: `${BROKER.key}.broker.address`}
  if (config.defaultBrokerAddress) return {value: config.defaultBrokerAddress, source: DEFAULT_BROKER.key}
  throw new SettingsError(`no broker address for pool ${pool.name}: the agent would not know where to connect`, {
    suggestions: [`pass ${BROKER.from.flag} broker.example.com:50051`, `or set ${DEFAULT_BROKER.key}.address in ${config.file}`],
  })
}

/** docs/cli.md, "Where settings come from": `--agent-version`, then the pool's agent_version_override. */
export function resolveAgentVersion(flag: string | undefined, pool: PoolConfig, file: string): Resolved<string> {
  const given = overridden(AGENT_VERSION.from, flag, {})
  if (given) return {value: checkAgentVersion(given.value, given.source), source: given.source}
  if (pool.agentVersionOverride) return {value: pool.agentVersionOverride, source: AGENT_VERSION.key}
  throw new SettingsError(`no agent version for pool ${pool.name}: velda-do would not know which Velda release to install`, {
    suggestions: [`pass ${AGENT_VERSION.from.flag} v1.1.4 (a Velda release name)`, `or set ${AGENT_VERSION.key} in the pool's settings in ${file}`],
  })
}

/**
 * docs/cli.md, "Where settings come from": `--api-endpoint`, `$DIGITALOCEAN_API_ENDPOINT`, the pool's api_endpoint, then the broker's default.
 * Checked before anything is shown or sent: the endpoint receives the token.
 */
export function resolveEndpoint(flag: string | undefined, env: Environment, pool: PoolConfig | null): Resolved<string> {
  const chosen: Resolved<string> = overridden(ENDPOINT.from, flag, env)
    ?? (pool?.apiEndpoint ? {value: pool.apiEndpoint, source: ENDPOINT.key} : {value: ENDPOINT.from.default, source: 'default'})
  return {value: checkEndpoint(chosen.value, chosen.source).replace(/\/+$/, ''), source: chosen.source}
}

/** The endpoint rules of endpointProblem, for a value from `where` (a flag, a variable): exit 2, nothing sent. */
export function checkEndpoint(value: string, where: string): string {
  const problem = endpointProblem(value)
  if (!problem) return value
  throw new UsageError(`${where}: ${problem.message}`, {suggestions: problem.fix ? [problem.fix] : []})
}

export interface TokenSource {
  /** Null when the source names a variable that is not set. */
  secret: Secret | null
  source: string
  missing: string[]
}

/** docs/cli.md, "Where settings come from": the three environment variables in order, then the pool's api_token. Null: no token anywhere. */
export function resolveToken(env: Environment, pool: PoolConfig | null): TokenSource | null {
  const given = overridden(TOKEN.from, undefined, env)
  if (given) return {secret: new Secret(given.value), source: given.source, missing: []}
  const setting: SecretSetting | null = pool?.apiToken ?? null
  if (!setting) return null
  const via = setting.variables.length > 0 ? ` via $${setting.variables.join(', $')}` : ''
  return {secret: setting.secret, source: `${TOKEN.key}${via}`, missing: setting.missing}
}
