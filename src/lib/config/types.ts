import type {ChangeMark} from './change-marks.js'
import type {Diagnostic, SourcePosition} from './diagnostics.js'
import type {DropletSettingValues} from './droplet-settings.js'
import type {PoolSettingValues} from './pool-settings.js'

/**
 * One DigitalOcean pool, resolved from either way of defining pools. Its settings are declared in
 * droplet-settings.ts (size, region, ...) and pool-settings.ts (api_endpoint, api_token, labels, ...).
 */
export interface PoolConfig extends DropletSettingValues, PoolSettingValues {
  name: string
  /** Key path of the pool's definition, e.g. `provisioners[0].digitalocean_auto.pool_details[1]`. */
  path: string
  position: SourcePosition | null
  description: string | null
  /**
   * `default_broker_info.public_address`: the broker gives it to the agent with the address (`publicAddress`)
   * when the pool's agent_config has no `broker` of its own.
   */
  defaultBrokerPublicAddress: string | null
  /** True for a pool from a provisioner's pool_details (the broker labels its droplets `velda/pool`). */
  provisioned: boolean
  /** The autoscaler settings a broker running this pool applies (its own defaults filled in). */
  brokerAutoscaler: BrokerAutoscaler
  minAgents: number
  maxAgents: number | null
  /** `velda-<8 hex>`, as the broker computes it. */
  prefix: string
  tags: string[]
}

/** The autoscaler of a pool as the broker applies it (pkg/broker/autoscaler.go), durations in protojson form. */
export interface BrokerAutoscaler {
  /** Where the settings come from: `auto_scaler`, `pool_details[1].autoscaler_config`, `the broker's default`, … */
  source: string
  minAgents: number
  maxAgents: number
  minIdleAgents: number
  /** After the broker's own floor: at least min_idle_agents + default_slots_per_agent - 1. */
  maxIdleAgents: number
  /** How long an idle agent is kept before it is deleted ("0s": at once). */
  idleDecay: string
  /** How long a listed droplet that never connected is kept; null: never deleted for that. */
  killUnknownAfter: string | null
  /** How often the broker lists the pool's droplets ("60s" unless set). */
  syncLoopInterval: string
}

/** Where agents connect when the pool's agent_config names no broker: as the broker decides it. */
export interface DefaultBroker {
  address: string | null
  publicAddress: string | null
  /** `default_broker_info`, or `server.grpc_address` (the broker's fallback when that is a full address). */
  source: string
}

export interface VeldaConfig {
  file: string
  defaultBrokerAddress: string | null
  /** Null when the file gives neither default_broker_info nor a full server.grpc_address. */
  defaultBroker: DefaultBroker | null
  /**
   * When the file has no default_broker_info and server.grpc_address is only a port (":50051"), the broker
   * guesses its own public IP for the agents; velda-do cannot, and says so.
   */
  brokerGuessesAddress: boolean
  pools: PoolConfig[]
  /** Sections the broker reads but whose schema velda-do does not know, as key paths: not checked. */
  unchecked: string[]
  /** Warnings only: a config with errors is never returned. */
  warnings: Diagnostic[]
  /** Values still marked `# CHANGE` (the starter's placeholders), in file order. */
  changeMarks: ChangeMark[]
}
