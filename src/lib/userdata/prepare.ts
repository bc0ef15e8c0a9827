import {findPool} from '../config/load.js'
import type {PoolConfig, VeldaConfig} from '../config/types.js'
import type {Resolved} from '../config/pool-settings.js'
import {releaseNameAdvice} from '../config/release-name.js'
import {resolveAgentVersion, resolveBroker} from '../config/resolve-settings.js'
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
  /**
   * What the commands that render the script (render-userdata, pool up, pool scale, their dry runs) say on stderr
   * before going on: an agent version that does not look like a Velda release name. Never a refusal (parity).
   */
  warnings: string[]
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
  return {pool, broker, agentVersion, script, bytes: userDataBytes(script), warnings: releaseNameWarnings(pool, agentVersion, config.file)}
}

function releaseNameWarnings(pool: PoolConfig, version: Resolved<string>, file: string): string[] {
  const advice = releaseNameAdvice(version.value)
  if (!advice) return []
  // As a config problem is shown (file: warning: path: message, then the fix): the flag, or the pool's key in its file.
  const where = version.source.startsWith('-') ? `${version.source}: warning` : `${file}: warning: pool ${pool.name}'s ${version.source}`
  return [`${where}: ${advice.message}\n    fix: ${advice.fix}`]
}
