import {POOL_TAG_PREFIX} from '../naming.js'
import {endpointProblem, hasControlCharacter, httpUrlProblem} from './endpoint.js'
import type {IntSpec, ObjectSpec, Problem, Spec, StringSpec} from './spec.js'

/**
 * The parts of the Velda broker's config schema (velda.config / velda.agent protobuf messages) that velda-do
 * reads. Field names and order follow the broker's .proto files, so agent.yaml comes out as the broker writes it.
 */

const INT32_MAX = 2_147_483_647
const TAG_PATTERN = /^[a-zA-Z0-9_:-]+$/
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DURATION_PATTERN = /^-?(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/
export const VERSION_PATTERN = /^[0-9A-Za-z][0-9A-Za-z._+-]*$/
const SLUG_PATTERN = /^[a-z0-9][a-z0-9._-]*$/

export const MAX_TAG_LENGTH = 255

export function tagProblem(tag: string): Problem | undefined {
  if (tag.length > MAX_TAG_LENGTH) return {message: `tag "${tag.slice(0, 40)}..." is ${tag.length} characters long`, fix: `keep tags to ${MAX_TAG_LENGTH} characters`}
  if (!TAG_PATTERN.test(tag)) {
    const bad = [...new Set(tag.replace(/[a-zA-Z0-9_:-]/g, ''))].map((c) => JSON.stringify(c)).join(' ')
    return {message: `tag "${tag}" has characters DigitalOcean does not allow in tags: ${bad}`, fix: 'use only letters, digits, _, : and - (e.g. replace / and . with -)'}
  }
  return undefined
}

/** Tags velda-do sets itself: a second `velda-pool:` tag would hide the droplets from their own pool. */
export function reservedTagProblem(tag: string): Problem | undefined {
  if (!tag.startsWith(POOL_TAG_PREFIX)) return undefined
  return {message: `tag "${tag}" is reserved: velda-do tags each droplet ${POOL_TAG_PREFIX}<pool name> itself`, fix: 'remove it, or use another key'}
}

/** The broker address goes into the boot script, where a line break (from "\n" or a `${VAR}`) would split it. */
function brokerAddressProblem(value: string): Problem | undefined {
  if (!hasControlCharacter(value)) return undefined
  return {message: `${JSON.stringify(value)} has a control character (e.g. a line break)`, fix: 'write the address on one line, like broker.example.com:50051'}
}

const string = (check?: StringSpec['check']): StringSpec => ({kind: 'string', ...(check ? {check} : {})})
const int32 = (min = 0): IntSpec => ({kind: 'int', min, max: INT32_MAX})
const bool: Spec = {kind: 'bool'}
const duration = string((value) =>
  DURATION_PATTERN.test(value) ? undefined : {message: `"${value}" is not a duration`, fix: 'write it like "90s", "5m" or "1h30m"'})
const stringList: Spec = {kind: 'list', items: string(), example: '["a", "b"]'}

const vpcUuid = string((value) =>
  value === '' || UUID_PATTERN.test(value) ? undefined : {message: `"${value}" is not a VPC UUID`, fix: 'copy the VPC id from `doctl vpcs list` (like 5a4981aa-9653-4bd1-bef5-d6bff52042e4), or leave vpc_uuid out'})

const agentVersion = string((value) =>
  VERSION_PATTERN.test(value) ? undefined : {message: `"${value}" is not a release version`, fix: 'write a version like "1.0.0"'})

const slug = (what: string, example: string): StringSpec =>
  string((value) => (SLUG_PATTERN.test(value) ? undefined : {message: `"${value}" is not a ${what} slug`, fix: `write a slug like ${example} (velda-do ${what === 'size' ? 'sizes' : 'regions'} lists them)`}))

const sshKeyIds: Spec = {kind: 'list', items: int32(1), example: '[52896465]'}

const tag = string((value) => tagProblem(value) ?? reservedTagProblem(value))

export const TAILSCALE_CONFIG: ObjectSpec = {
  kind: 'object',
  fields: {
    server: string(httpUrlProblem),
    pre_auth_key: {kind: 'string', secret: true},
  },
  required: ['pre_auth_key'],
}

const BROKER_INFO: ObjectSpec = {
  kind: 'object',
  fields: {address: string(brokerAddressProblem), public_address: string(brokerAddressProblem)},
}

const CAS_CONFIG: ObjectSpec = {
  kind: 'object',
  fields: {cas_cache_dir: string(), use_direct_protocol: bool, flags: stringList, cache_sources: stringList},
}

const SANDBOX_CONFIG: ObjectSpec = {
  kind: 'object',
  fields: {
    disk_source: {
      kind: 'object',
      fields: {
        mounted_disk_source: {kind: 'object', fields: {local_path: string()}},
        nfs_mount_source: {kind: 'object', fields: {mount_options: string(), snapshot_mount_options: string()}},
        cas_config: CAS_CONFIG,
      },
    },
    allowed_host_mount_sources: stringList,
    host_mounts: {
      kind: 'list',
      items: {kind: 'object', fields: {source: string(), target: string(), read_write: bool}},
      example: '[{source: /data, target: /data}]',
    },
    max_time: duration,
    host_local_mount_base_dir: string(),
    allocate_tty: bool,
    apparmor_profile: string(),
    nvidia_driver_install_dir: string(),
  },
}

const DAEMON_CONFIG: ObjectSpec = {
  kind: 'object',
  fields: {
    work_dir_path: string(),
    max_sessions: int32(),
    network: {
      kind: 'object',
      fields: {
        private_cidr_range: string(),
        detect_gcp_alias_ip_ranges: bool,
        network_mode: {kind: 'enum', values: ['NETWORK_MODE_UNSPECIFIED', 'NETWORK_MODE_HOST', 'NETWORK_MODE_BRIDGE']},
        block_metadata_server: bool,
      },
    },
    primary_network_device_name: string(),
    mtls_client_cert_path: string(),
    mtls_client_key_path: string(),
    agent_name: string(),
  },
}

/** velda.agent.AgentConfig: what the agent reads from /etc/velda/agent.yaml. */
export const AGENT_CONFIG: ObjectSpec = {
  kind: 'object',
  fields: {
    broker: BROKER_INFO,
    session: string(),
    instance: {kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER},
    sandbox_config: SANDBOX_CONFIG,
    daemon_config: DAEMON_CONFIG,
    pool: string(),
    task_id: string(),
    service: string(),
  },
}

const AUTOSCALER_FIELDS = {
  max_agents: int32(),
  min_idle_agents: int32(),
  max_idle_agents: int32(),
  min_agents: int32(),
  idle_decay: duration,
  initial_delay: duration,
  sync_loop_interval: duration,
  kill_unknown_after: duration,
  default_slots_per_agent: int32(),
  mode: {kind: 'enum', values: ['MODE_UNSPECIFIED', 'MODE_STANDARD', 'MODE_BATCH']},
  metadata: {kind: 'object', fields: {description: string()}},
  scale_up_error_retry_delay: duration,
  allocation_error_reset_after: duration,
} satisfies Record<string, Spec>

/** velda.config.AutoscalerBackendDigitalOceanDroplet. */
export const DIGITALOCEAN_DROPLET: ObjectSpec = {
  kind: 'object',
  fields: {
    name: string(),
    region: slug('region', 'atl1'),
    size: slug('size', 'gpu-mi300x1-192gb-devcloud'),
    image: {kind: 'image'},
    ssh_key_ids: sshKeyIds,
    backups: bool,
    ipv6: bool,
    monitoring: bool,
    tags: {kind: 'list', items: tag, example: '[team-infra]'},
    vpc_uuid: vpcUuid,
    agent_config_content: string(),
    agent_config: AGENT_CONFIG,
    labels: {kind: 'stringMap'},
    agent_version_override: agentVersion,
    api_token: {kind: 'string', secret: true, bareVariable: true},
    api_endpoint: string(endpointProblem),
    tailscale_config: TAILSCALE_CONFIG,
  },
  required: ['size', 'region', 'image'],
}

/** The other backends of the broker: pools using them are not velda-do's business. */
export const OTHER_BACKENDS = [
  'gce_instance_group', 'kubernetes', 'command', 'aws_launch_template', 'nebius_launch_template', 'mithril_spot_bid',
  'azure_vmss', 'primeintellect_instance',
] as const

/** velda.config.AgentPool.AutoScaler, with only the DigitalOcean backend described. */
export const AUTO_SCALER: ObjectSpec = {
  kind: 'object',
  fields: {
    backend: {kind: 'object', fields: {digitalocean_droplet: DIGITALOCEAN_DROPLET}, ignored: OTHER_BACKENDS},
    ...AUTOSCALER_FIELDS,
  },
}

export const AGENT_POOL: ObjectSpec = {
  kind: 'object',
  fields: {name: string(), auto_scaler: AUTO_SCALER},
  aliases: {autoscaler: 'auto_scaler', autoScaler: 'auto_scaler'},
  required: ['name', 'auto_scaler'],
}

/** The provisioner's and each pool's default autoscaler: no backend (the provisioner supplies it). */
const PROVISIONED_AUTOSCALER: ObjectSpec = {kind: 'object', fields: AUTOSCALER_FIELDS}

export const POOL_DETAIL: ObjectSpec = {
  kind: 'object',
  fields: {
    pool_name: string(),
    size: slug('size', 'gpu-mi300x1-192gb-devcloud'),
    image: {kind: 'image'},
    description: string(),
    autoscaler_config: PROVISIONED_AUTOSCALER,
    backups: bool,
    ipv6: bool,
    monitoring: bool,
    vpc_uuid: vpcUuid,
  },
  required: ['pool_name', 'size', 'image'],
}

/** velda.config.DigitalOceanAutoProvisioner. */
export const DIGITALOCEAN_AUTO: ObjectSpec = {
  kind: 'object',
  fields: {
    region: slug('region', 'atl1'),
    api_token: {kind: 'string', secret: true, bareVariable: true},
    ssh_key_ids: sshKeyIds,
    labels: {kind: 'stringMap'},
    agent_version_override: agentVersion,
    autoscaler_config: PROVISIONED_AUTOSCALER,
    api_endpoint: string(endpointProblem),
    pool_details: {kind: 'list', items: POOL_DETAIL, example: '[{pool_name: gpu, size: ..., image: ...}]'},
    tailscale_config: TAILSCALE_CONFIG,
  },
  required: ['region', 'pool_details'],
}

export const OTHER_PROVISIONERS = ['aws', 'kubernetes', 'gcs', 'aws_auto', 'nebius_auto', 'mithril_auto', 'azure'] as const

/** velda.config.Config top-level keys; only three of them matter to velda-do. */
export const TOP_LEVEL_KEYS = [
  'server', 'storage', 'agent_pools', 'provisioners', 'allow_new_pool', 'default_broker_info', 'log_storage',
  'file_content_server', 'ssh_connector',
] as const

export const BROKER_INFO_SPEC = BROKER_INFO

/** The broker's own default autoscaler for provisioned pools that give none. */
export const PROVISIONER_DEFAULT_LIMITS = {max_agents: 10, min_agents: 0} as const
