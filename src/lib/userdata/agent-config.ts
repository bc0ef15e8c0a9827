import {Document} from 'yaml'

import {toLowerCamelCase} from '../config/keys.js'
import {AGENT_CONFIG} from '../config/schema.js'
import type {ObjectSpec, Spec} from '../config/spec.js'
import type {DefaultBroker, PoolConfig} from '../config/types.js'

/**
 * The agent's /etc/velda/agent.yaml: the pool's agent_config with `pool` and `broker` filled in, keys in
 * lowerCamelCase and in protobuf field order, int64 values as strings, as protojson writes them.
 *
 * `broker` is, as the broker builds it, the pool's own agent_config.broker when it has one, else the whole
 * default_broker_info: address and public_address. `brokerAddress` (from --broker, agent_config.broker.address
 * or default_broker_info, see resolveBroker) replaces the address only.
 */
export function agentConfigDocument(pool: PoolConfig, brokerAddress: string): Record<string, unknown> {
  const base = pool.agentConfig ?? {}
  const own = base.broker as Record<string, unknown> | undefined
  const broker = own
    ? {...own, address: brokerAddress}
    : {address: brokerAddress, ...(pool.defaultBrokerPublicAddress ? {public_address: pool.defaultBrokerPublicAddress} : {})}
  return toProtoJson({...base, broker, pool: pool.name}, AGENT_CONFIG) as Record<string, unknown>
}

export function renderAgentConfig(pool: PoolConfig, brokerAddress: string): string {
  // The broker's raw escape hatch: written as given, exactly as the broker does when agent_config is absent.
  if (!pool.agentConfig && pool.agentConfigContent !== null) {
    return pool.agentConfigContent.endsWith('\n') ? pool.agentConfigContent : `${pool.agentConfigContent}\n`
  }
  return new Document(agentConfigDocument(pool, brokerAddress)).toString({lineWidth: 0})
}

/** What the broker writes to /etc/velda/agent.yaml for a pool (pkg/broker/backends/digitalocean). */
export type BrokerAgentConfig =
  | {kind: 'document'; document: Record<string, unknown>}
  | {kind: 'content'; content: string}
  /** Neither agent_config nor agent_config_content: an empty file, so the agent has no broker and no pool. */
  | {kind: 'empty'}

/**
 * The agent config the broker would write for `pool`: agent_config with the pool name and, unless agent_config
 * has its own `broker`, the default broker as a whole (`guessedAddress`: what stands for the IP address the broker
 * guesses for itself when server.grpc_address is only a port). Provisioned pools always have an (empty)
 * agent_config; a pool of agent_pools with neither agent_config nor agent_config_content gets an empty file.
 */
export function brokerAgentConfig(pool: PoolConfig, defaultBroker: DefaultBroker | null, guessedAddress?: string): BrokerAgentConfig {
  if (!pool.agentConfig) {
    return pool.agentConfigContent === null ? {kind: 'empty'} : {kind: 'content', content: pool.agentConfigContent}
  }
  const own = pool.agentConfig.broker as Record<string, unknown> | undefined
  const address = defaultBroker?.address ?? guessedAddress
  const broker = own ?? {
    ...(address ? {address} : {}),
    ...(defaultBroker?.publicAddress ? {public_address: defaultBroker.publicAddress} : {}),
  }
  return {kind: 'document', document: toProtoJson({...pool.agentConfig, broker, pool: pool.name}, AGENT_CONFIG) as Record<string, unknown>}
}

function toProtoJson(value: unknown, spec: Spec): unknown {
  if (spec.kind === 'list' && Array.isArray(value)) return value.map((item) => toProtoJson(item, spec.items))
  if (spec.kind !== 'object' || typeof value !== 'object' || value === null) return value
  const source = value as Record<string, unknown>
  const result: Record<string, unknown> = {}
  for (const [key, fieldSpec] of Object.entries((spec as ObjectSpec).fields)) {
    if (source[key] !== undefined) result[toLowerCamelCase(key)] = toProtoJson(source[key], fieldSpec)
  }
  return result
}
