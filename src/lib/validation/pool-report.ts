import {dropletSettingSummary, type DropletSettingSummary} from '../config/droplet-settings.js'
import {inReportOrder, type PoolSettingReport} from '../config/pool-settings.js'
import type {Environment} from '../config/interpolate.js'
import {describeDuration, parseProtoDuration} from '../config/protojson.js'
import type {PoolConfig, VeldaConfig} from '../config/types.js'
import {VELDA_TAG, poolPrefix} from '../config/naming.js'
import {REDACTED} from '../base/secret.js'
import type {Resolved} from '../config/pool-settings.js'
import {releaseNameAdvice} from '../config/release-name.js'
import {resolveAgentVersion, resolveBroker, resolveEndpoint, resolveToken} from '../config/resolve-settings.js'
import {DEFAULT_BROKER} from '../config/top-level-settings.js'
import {VeldaError} from '../base/errors.js'
import {agentConfigDocument, brokerAgentConfig} from '../userdata/agent-config.js'
import {defaultEndpointNote} from './endpoint-note.js'

/** Whether a broker running this pool from the same file would see what velda-do sees. */
export interface BrokerParity {
  prefix: {same: boolean; velda_do: string; broker: string}
  tags: {same: boolean; velda_do: string[]; broker: string[]; note: string}
  agent_config: {same: boolean; note: string}
}

/** The pool's autoscaler as a broker running it applies it (its defaults and floors filled in). */
export interface BrokerAutoscalerSummary {
  source: string
  min_agents: number
  max_agents: number
  min_idle_agents: number
  max_idle_agents: number
  idle_decay: string
  kill_unknown_after: string | null
  sync_loop_interval: string
}

/**
 * What `config validate` shows of a pool: its resolved settings, secrets redacted. snake_case for JSON. The
 * droplet settings (size, region, ...) are listed by their config key, between prefix and tags; the pool's
 * resolved settings (api_endpoint, api_token, broker, ...) by the report key pool-settings.ts gives them.
 */
export interface PoolReport extends DropletSettingSummary, PoolSettingReport {
  name: string
  defined_at: string
  description: string | null
  prefix: string
  tags: string[]
  min_agents: number
  max_agents: number | null
  broker_parity: BrokerParity
  broker_autoscaler: BrokerAutoscalerSummary
  /** Settings that are missing now and will stop commands that need them, and what the broker reads differently. */
  notes: string[]
}

export function reportPools(config: VeldaConfig, env: Environment): PoolReport[] {
  return config.pools.map((pool) => countPool(pool, config, env))
}

function countPool(pool: PoolConfig, config: VeldaConfig, env: Environment): PoolReport {
  const notes: string[] = []
  const token = resolveToken(env, pool)
  if (!token) notes.push('no API token: set DIGITALOCEAN_API_TOKEN before commands that call the API')
  else if (token.missing.length > 0) notes.push(`the API token needs $${token.missing.join(', $')}, which is not set`)
  const tailscaleMissing = pool.tailscale?.preAuthKey.missing ?? []
  if (tailscaleMissing.length > 0) notes.push(`the Tailscale key needs $${tailscaleMissing.join(', $')}, which is not set: pool up will stop`)
  const referenced = pool.apiToken?.variables ?? []
  if (referenced.length > 0) {
    // Only variable names: the text around them may be part of the secret.
    notes.push(`api_token reads $${referenced.join(', $')} in velda-do; the broker reads api_token literally (no \${...}, no variable names) `
      + 'and would send those characters to DigitalOcean as the token: to share this file, leave api_token out (both then read $DIGITALOCEAN_API_TOKEN)')
  }
  const tailscaleVariables = pool.tailscale?.preAuthKey.variables ?? []
  if (tailscaleVariables.length > 0) {
    notes.push(`pre_auth_key reads $${tailscaleVariables.join(', $')} in velda-do; the broker reads pre_auth_key literally (no \${...}) `
      + 'and its droplets would pass those characters to tailscale up as the key')
  }
  const endpointNote = defaultEndpointNote(pool, env)
  if (endpointNote) notes.push(endpointNote)
  const broker = settingOrNote(() => resolveBroker(undefined, pool, config), notes)
  if (broker && broker.source === DEFAULT_BROKER.key && config.defaultBroker) broker.source = config.defaultBroker.source
  const agentVersion = settingOrNote(() => resolveAgentVersion(undefined, pool, config.file), notes)
  // Accepted, as the broker accepts it, but a droplet would fail at boot fetching a release of that name.
  const releaseAdvice = agentVersion ? releaseNameAdvice(agentVersion.value) : null
  if (agentVersion && releaseAdvice) notes.push(`${agentVersion.source} ${releaseAdvice.message}; ${releaseAdvice.fix}`)
  const resolved: PoolSettingReport = {
    api_endpoint: resolveEndpoint(undefined, env, pool),
    api_token: token ? {source: token.source, set: token.secret !== null, value: REDACTED} : null,
    broker,
    agent_version: agentVersion,
    tailscale: pool.tailscale
      ? {server: pool.tailscale.server, pre_auth_key: REDACTED, set: pool.tailscale.preAuthKey.secret !== null}
      : null,
  }
  return {
    name: pool.name,
    defined_at: pool.position ? `${pool.position.file}:${pool.position.line}:${pool.position.col}` : pool.path,
    description: pool.description,
    prefix: pool.prefix,
    ...dropletSettingSummary(pool),
    tags: pool.tags,
    min_agents: pool.minAgents,
    max_agents: pool.maxAgents,
    ...inReportOrder(resolved),
    broker_parity: brokerParity(pool, config, broker),
    broker_autoscaler: {
      source: pool.brokerAutoscaler.source,
      min_agents: pool.brokerAutoscaler.minAgents,
      max_agents: pool.brokerAutoscaler.maxAgents,
      min_idle_agents: pool.brokerAutoscaler.minIdleAgents,
      max_idle_agents: pool.brokerAutoscaler.maxIdleAgents,
      idle_decay: pool.brokerAutoscaler.idleDecay,
      kill_unknown_after: pool.brokerAutoscaler.killUnknownAfter,
      sync_loop_interval: pool.brokerAutoscaler.syncLoopInterval,
    },
    notes,
  }
}

/** Stands for the IP address the broker guesses for itself when server.grpc_address is only a port. */
const GUESSED_ADDRESS = '<the broker\'s own public IP>'

function brokerParity(pool: PoolConfig, config: VeldaConfig, broker: Resolved<string> | null): BrokerParity {
  // Both hash the values exactly as written: velda-do expands nothing that feeds the prefix.
  const brokerPrefix = poolPrefix(pool)
  const brokerTags = [VELDA_TAG, ...pool.labels.map((l) => `${l.key}:${l.value}`), ...(pool.provisioned ? [`velda/pool:${pool.name}`] : [])]
  const onlyOurs = pool.tags.filter((t) => !brokerTags.includes(t))
  const onlyTheirs = brokerTags.filter((t) => !pool.tags.includes(t))
  const tagNotes = [
    ...onlyOurs.map((t) => (t.startsWith('velda-pool:') ? `velda-do adds ${t}` : `velda-do adds ${t} (from tags, which the broker never sends)`)),
    ...onlyTheirs.map((t) => `the broker adds ${t} (DigitalOcean's tag rule has no "/")`),
  ]
  return {
    prefix: {same: brokerPrefix === pool.prefix, velda_do: pool.prefix, broker: brokerPrefix},
    tags: {
      same: tagNotes.length === 0,
      velda_do: pool.tags,
      broker: brokerTags,
      note: tagNotes.length === 0
        ? 'the same tags'
        : `${tagNotes.join('; ')}; membership goes by name prefix, so each sees the other's droplets`,
    },
    agent_config: agentConfigParity(pool, config, broker),
  }
}

function agentConfigParity(pool: PoolConfig, config: VeldaConfig, broker: Resolved<string> | null): BrokerParity['agent_config'] {
  const theirs = brokerAgentConfig(pool, config.defaultBroker, config.brokerGuessesAddress ? GUESSED_ADDRESS : undefined)
  if (theirs.kind === 'empty') {
    return {same: false, note: 'the broker writes an empty agent.yaml for this pool (no agent_config, no agent_config_content): its agents get no pool and no broker; velda-do writes both'}
  }
  if (theirs.kind === 'content') return {same: true, note: 'the same: both write agent_config_content as it is'}
  if (!broker) {
    return {same: false, note: config.brokerGuessesAddress
      ? 'the broker gives agents its own public IP (server.grpc_address is only a port); velda-do needs --broker or default_broker_info'
      : 'velda-do has no broker address for the agents (see the note above)'}
  }
  const ours = agentConfigDocument(pool, broker.value)
  if (sameMessage(ours, theirs.document)) return {same: true, note: 'the same as the broker writes'}
  const theirBroker = JSON.stringify(normalized(theirs.document.broker) ?? {})
  const ourBroker = JSON.stringify(normalized(ours.broker) ?? {})
  return {same: false, note: `the broker writes broker ${theirBroker}, velda-do ${ourBroker}`}
}

/** Equal as protojson reads them: an empty string, list or message is the same as leaving it out. */
function sameMessage(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalized(a)) === JSON.stringify(normalized(b))
}

function normalized(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map((v) => normalized(v))
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => [k, normalized(v)] as const)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return entries.length === 0 ? undefined : Object.fromEntries(entries)
  }
  return value === '' || value === false || value === 0 ? undefined : value
}

/** A duration of the broker's autoscaler for people: `60s (1m)`. */
export function describeBrokerDuration(text: string): string {
  const parsed = parseProtoDuration(text)
  return parsed ? describeDuration(parsed) : text
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
