import {requiredSettings, settingSpecs} from './droplet-settings.js'
import {misplacedInProvisioner, poolSettingSpecs} from './pool-settings.js'
import {AUTOSCALER_FIELDS, string} from './schema.js'
import type {ObjectSpec} from './spec.js'

/**
 * The DigitalOcean sections of the broker's schema (agent_pools' digitalocean_droplet, provisioners'
 * digitalocean_auto), assembled from the settings tables: droplet-settings.ts and pool-settings.ts.
 */

/**
 * velda.config.AutoscalerBackendDigitalOceanDroplet. Its settings come from the two tables, in their order rather
 * than the .proto's: only agent.yaml's order matters to the broker. `name` is the broker's, unused by velda-do.
 */
export const DIGITALOCEAN_DROPLET: ObjectSpec = {
  kind: 'object',
  fields: {
    name: string(),
    ...settingSpecs('droplet'),
    ...poolSettingSpecs('droplet'),
  },
  required: requiredSettings('droplet'),
}

/** The other backends of the broker: pools using them are not velda-do's business, and their schema not checked. */
export const OTHER_BACKENDS = [
  'gce_instance_group', 'kubernetes', 'command', 'aws_launch_template', 'nebius_launch_template', 'mithril_spot_bid',
  'azure_vmss', 'primeintellect_instance',
] as const

/** velda.config.AutoscalerBackend: a oneof, so exactly one backend per pool. */
export const AUTOSCALER_BACKEND: ObjectSpec = {
  kind: 'object',
  fields: {digitalocean_droplet: DIGITALOCEAN_DROPLET},
  noun: 'backend',
  unchecked: OTHER_BACKENDS,
  oneofs: [['digitalocean_droplet', ...OTHER_BACKENDS]],
}

/** velda.config.AgentPool.AutoScaler, with only the DigitalOcean backend described. */
export const AUTO_SCALER: ObjectSpec = {
  kind: 'object',
  fields: {
    backend: AUTOSCALER_BACKEND,
    ...AUTOSCALER_FIELDS,
  },
}

export const AGENT_POOL: ObjectSpec = {
  kind: 'object',
  fields: {name: string(), auto_scaler: AUTO_SCALER},
  misplaced: {
    autoscaler: 'write auto_scaler (or autoScaler): the broker\'s loader does not know "autoscaler" (a spelling of its backend README) and would not start',
  },
  // A pool without auto_scaler is a static pool to the broker (agents join it themselves): not velda-do's.
  required: ['name'],
}

/** The provisioner's and each pool's default autoscaler: no backend (the provisioner supplies it). */
const PROVISIONED_AUTOSCALER: ObjectSpec = {kind: 'object', fields: AUTOSCALER_FIELDS}

export const POOL_DETAIL: ObjectSpec = {
  kind: 'object',
  fields: {
    pool_name: string(),
    ...settingSpecs('pool_details'),
    description: string(),
    autoscaler_config: PROVISIONED_AUTOSCALER,
  },
  required: ['pool_name', ...requiredSettings('pool_details')],
}

/** velda.config.DigitalOceanAutoProvisioner. */
export const DIGITALOCEAN_AUTO: ObjectSpec = {
  kind: 'object',
  fields: {
    ...settingSpecs('provisioner'),
    // Before tailscale_config, as in the broker's schema: a misspelling as near to both gets autoscaler_config.
    autoscaler_config: PROVISIONED_AUTOSCALER,
    ...poolSettingSpecs('provisioner'),
    pool_details: {kind: 'list', items: POOL_DETAIL, example: '[{pool_name: gpu, size: ..., image: ...}]'},
  },
  required: [...requiredSettings('provisioner'), 'pool_details'],
  misplaced: misplacedInProvisioner(),
}
