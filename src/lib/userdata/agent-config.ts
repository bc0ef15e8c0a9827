import {Document} from 'yaml'

import {toLowerCamelCase} from '../config/keys.js'
import {AGENT_CONFIG} from '../config/schema.js'
import type {ObjectSpec, Spec} from '../config/spec.js'
import type {PoolConfig} from '../config/types.js'

/**
 * The agent's /etc/velda/agent.yaml: the pool's agent_config with `pool` and `broker.address` filled in, keys in
 * lowerCamelCase and in protobuf field order, as the broker writes it (protojson names).
 */
export function agentConfigDocument(pool: PoolConfig, brokerAddress: string): Record<string, unknown> {
  const base = pool.agentConfig ?? {}
  const broker = {...((base.broker as Record<string, unknown> | undefined) ?? {}), address: brokerAddress}
  return toProtoJson({...base, broker, pool: pool.name}, AGENT_CONFIG) as Record<string, unknown>
}

export function renderAgentConfig(pool: PoolConfig, brokerAddress: string): string {
  // The broker's raw escape hatch: written as given, exactly as the broker does when agent_config is absent.
  if (!pool.agentConfig && pool.agentConfigContent !== null) {
    return pool.agentConfigContent.endsWith('\n') ? pool.agentConfigContent : `${pool.agentConfigContent}\n`
  }
  return new Document(agentConfigDocument(pool, brokerAddress)).toString({lineWidth: 0})
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
