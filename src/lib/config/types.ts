import type {SecretSetting} from './decode.js'
import type {Diagnostic, SourcePosition} from './diagnostics.js'

export interface Label {
  key: string
  value: string
}

export interface TailscaleSettings {
  /** The control server (`--login-server`), or null for Tailscale's own. */
  server: string | null
  preAuthKey: SecretSetting
}

/** One DigitalOcean pool, resolved from either way of defining pools. */
export interface PoolConfig {
  name: string
  /** Key path of the pool's definition, e.g. `provisioners[0].digitalocean_auto.pool_details[1]`. */
  path: string
  position: SourcePosition | null
  description: string | null
  size: string
  region: string
  image: string | number
  sshKeyIds: number[]
  backups: boolean
  ipv6: boolean
  monitoring: boolean
  vpcUuid: string | null
  extraTags: string[]
  labels: Label[]
  agentVersionOverride: string | null
  apiToken: SecretSetting | null
  apiEndpoint: string | null
  tailscale: TailscaleSettings | null
  /** velda.agent.AgentConfig as written in the file (snake_case keys), or null. */
  agentConfig: Record<string, unknown> | null
  /** The broker's raw agent.yaml escape hatch, used only when there is no agent_config. */
  agentConfigContent: string | null
  minAgents: number
  maxAgents: number | null
  /** `velda-<8 hex>`, as the broker computes it. */
  prefix: string
  tags: string[]
}

export interface VeldaConfig {
  file: string
  defaultBrokerAddress: string | null
  pools: PoolConfig[]
  /** Warnings only: a config with errors is never returned. */
  warnings: Diagnostic[]
}
