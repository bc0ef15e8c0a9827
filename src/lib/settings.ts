import type {SecretSetting} from './config/decode.js'
import {endpointProblem} from './config/endpoint.js'
import type {Environment} from './config/interpolate.js'
import {VERSION_PATTERN} from './config/schema.js'
import type {PoolConfig, VeldaConfig} from './config/types.js'
import {SettingsError, UsageError} from './errors.js'
import {Secret} from './secret.js'

/** A setting and where it came from, so `config validate` and errors can say why a value was chosen. */
export interface Resolved<T> {
  value: T
  source: string
}

/** The Velda broker's default: one config behaves the same in velda-do and in the broker. */
export const DEFAULT_API_ENDPOINT = 'https://api-amd.digitalocean.com'
export const ENDPOINT_ENV_VAR = 'DIGITALOCEAN_API_ENDPOINT'
/** In precedence order; DIGITALOCEAN_ACCESS_TOKEN is doctl's name. */
export const TOKEN_ENV_VARS = ['DIGITALOCEAN_API_TOKEN', 'DIGITALOCEAN_ACCESS_TOKEN', 'DIGITALOCEAN_TOKEN'] as const

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
  throw new UsageError(`${where}: "${version}" is not a release version`, {suggestions: ['write it like 1.0.0']})
}

/** docs/cli.md, "Where settings come from": `--broker`, then the pool's agent_config.broker.address, then default_broker_info.address. */
export function resolveBroker(flag: string | undefined, pool: PoolConfig, config: VeldaConfig): Resolved<string> {
  if (flag) return {value: checkBrokerAddress(flag, '--broker'), source: '--broker'}
  const fromAgentConfig = (pool.agentConfig?.broker as {address?: unknown} | undefined)?.address
  if (typeof fromAgentConfig === 'string' && fromAgentConfig !== '') return {value: fromAgentConfig, source: 'agent_config.broker.address'}
  if (config.defaultBrokerAddress) return {value: config.defaultBrokerAddress, source: 'default_broker_info'}
  throw new SettingsError(`no broker address for pool ${pool.name}: the agent would not know where to connect`, {
    suggestions: ['pass --broker broker.example.com:50051', `or set default_broker_info.address in ${config.file}`],
  })
}

/** docs/cli.md, "Where settings come from": `--agent-version`, then the pool's agent_version_override. */
export function resolveAgentVersion(flag: string | undefined, pool: PoolConfig, file: string): Resolved<string> {
  if (flag) return {value: checkAgentVersion(flag, '--agent-version'), source: '--agent-version'}
  if (pool.agentVersionOverride) return {value: pool.agentVersionOverride, source: 'agent_version_override'}
  throw new SettingsError(`no agent version for pool ${pool.name}: velda-do would not know which Velda release to install`, {
    suggestions: ['pass --agent-version 1.0.0', `or set agent_version_override in the pool's settings in ${file}`],
  })
}

/**
 * docs/cli.md, "Where settings come from": `--api-endpoint`, `$DIGITALOCEAN_API_ENDPOINT`, the pool's api_endpoint, then the broker's default.
 * Checked before anything is shown or sent: the endpoint receives the token.
 */
export function resolveEndpoint(flag: string | undefined, env: Environment, pool: PoolConfig | null): Resolved<string> {
  const chosen: Resolved<string> = flag
    ? {value: flag, source: '--api-endpoint'}
    : env[ENDPOINT_ENV_VAR]
      ? {value: env[ENDPOINT_ENV_VAR], source: `$${ENDPOINT_ENV_VAR}`}
      : pool?.apiEndpoint
        ? {value: pool.apiEndpoint, source: 'api_endpoint'}
        : {value: DEFAULT_API_ENDPOINT, source: 'default'}
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
  for (const name of TOKEN_ENV_VARS) {
    const value = env[name]
    if (value) return {secret: new Secret(value), source: `$${name}`, missing: []}
  }
  const setting: SecretSetting | null = pool?.apiToken ?? null
  if (!setting) return null
  const via = setting.variables.length > 0 ? ` via $${setting.variables.join(', $')}` : ''
  return {secret: setting.secret, source: `api_token${via}`, missing: setting.missing}
}
