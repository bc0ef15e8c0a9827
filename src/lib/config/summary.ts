import type {Environment} from './interpolate.js'
import type {PoolConfig, VeldaConfig} from './types.js'
import {REDACTED} from '../secret.js'
import {resolveAgentVersion, resolveBroker, resolveEndpoint, resolveToken} from '../settings.js'
import {VeldaError} from '../errors.js'

/** What `config validate` shows of a pool: its resolved settings, secrets redacted. snake_case for JSON. */
export interface PoolSummary {
  name: string
  defined_at: string
  description: string | null
  prefix: string
  size: string
  region: string
  image: string | number
  ssh_key_ids: number[]
  backups: boolean
  ipv6: boolean
  monitoring: boolean
  vpc_uuid: string | null
  tags: string[]
  min_agents: number
  max_agents: number | null
  api_endpoint: {value: string; source: string}
  api_token: {source: string; set: boolean; value: string} | null
  broker: {value: string; source: string} | null
  agent_version: {value: string; source: string} | null
  tailscale: {server: string | null; pre_auth_key: string; set: boolean} | null
  /** Settings that are missing now and will stop commands that need them. */
  notes: string[]
}

export function summarizePools(config: VeldaConfig, env: Environment): PoolSummary[] {
  return config.pools.map((pool) => summarizePool(pool, config, env))
}

function summarizePool(pool: PoolConfig, config: VeldaConfig, env: Environment): PoolSummary {
  const notes: string[] = []
  const token = resolveToken(env, pool)
  if (!token) notes.push('no API token: set DIGITALOCEAN_API_TOKEN before commands that call the API')
  else if (token.missing.length > 0) notes.push(`the API token needs $${token.missing.join(', $')}, which is not set`)
  const tailscaleMissing = pool.tailscale?.preAuthKey.missing ?? []
  if (tailscaleMissing.length > 0) notes.push(`the Tailscale key needs $${tailscaleMissing.join(', $')}, which is not set: pool up will stop`)
  return {
    name: pool.name,
    defined_at: pool.position ? `${pool.position.file}:${pool.position.line}:${pool.position.col}` : pool.path,
    description: pool.description,
    prefix: pool.prefix,
    size: pool.size,
    region: pool.region,
    image: pool.image,
    ssh_key_ids: pool.sshKeyIds,
    backups: pool.backups,
    ipv6: pool.ipv6,
    monitoring: pool.monitoring,
    vpc_uuid: pool.vpcUuid,
    tags: pool.tags,
    min_agents: pool.minAgents,
    max_agents: pool.maxAgents,
    api_endpoint: resolveEndpoint(undefined, env, pool),
    api_token: token ? {source: token.source, set: token.secret !== null, value: REDACTED} : null,
    broker: settingOrNote(() => resolveBroker(undefined, pool, config), notes),
    agent_version: settingOrNote(() => resolveAgentVersion(undefined, pool, config.file), notes),
    tailscale: pool.tailscale
      ? {server: pool.tailscale.server, pre_auth_key: REDACTED, set: pool.tailscale.preAuthKey.secret !== null}
      : null,
    notes,
  }
}

function settingOrNote<T>(resolve: () => T, notes: string[]): T | null {
  try {
    return resolve()
  } catch (error) {
    if (!(error instanceof VeldaError)) throw error
    notes.push(`${error.message}; ${error.suggestions.join('; ')}`)
    return null
  }
}
