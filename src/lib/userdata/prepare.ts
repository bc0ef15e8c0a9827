import {findPool} from '../config/load.js'
import type {PoolConfig, VeldaConfig} from '../config/types.js'
import {type Resolved, resolveAgentVersion, resolveBroker} from '../config/resolve-settings.js'
import {assertUserDataSize, renderUserData, userDataBytes, type UserDataInputs} from './render.js'

export interface UserDataRequest {
  poolName: string
  broker?: string
  agentVersion?: string
  secrets: UserDataInputs['secrets']
}

export interface PreparedUserData {
  pool: PoolConfig
  broker: Resolved<string>
  agentVersion: Resolved<string>
  script: string
  bytes: number
}

/** Resolves a pool's settings (docs/cli.md, "Where settings come from") and renders its boot script, refusing one over 64 KiB. */
export function prepareUserData(config: VeldaConfig, request: UserDataRequest): PreparedUserData {
  const pool = findPool(config, request.poolName)
  const broker = resolveBroker(request.broker, pool, config)
  const agentVersion = resolveAgentVersion(request.agentVersion, pool, config.file)
  const script = renderUserData({
    pool,
    brokerAddress: broker.value,
    agentVersion: agentVersion.value,
    secrets: request.secrets,
  })
  assertUserDataSize(script, pool.name)
  return {pool, broker, agentVersion, script, bytes: userDataBytes(script)}
}
