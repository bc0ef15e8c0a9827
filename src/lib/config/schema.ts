import {POOL_TAG_PREFIX} from './naming.js'
import {hasControlCharacter, httpUrlProblem} from './endpoint.js'
import {INT64_MAX, INT64_MIN} from './protojson.js'
import type {DurationSpec, Int64Spec, IntSpec, ObjectSpec, Problem, Spec, StringSpec} from './spec.js'
import {plural} from '../text/plural.js'

/**
 * The messages of the Velda broker's config schema (velda.config / velda.agent protobuf messages) that velda-do
 * reads, as building blocks: the settings tables (droplet-settings.ts, pool-settings.ts, top-level-settings.ts)
 * declare which key holds which, and pool-schema.ts assembles the DigitalOcean sections from them. Field names
 * and order follow the broker's .proto files, so agent.yaml comes out as the broker writes it.
 */

const INT32_MAX = 2_147_483_647
const INT32_MIN = -2_147_483_648
const TAG_PATTERN = /^[a-zA-Z0-9_:-]+$/
export const VERSION_PATTERN = /^[0-9A-Za-z][0-9A-Za-z._+-]*$/

export const MAX_TAG_LENGTH = 255

export function tagProblem(tag: string): Problem | undefined {
  if (tag.length > MAX_TAG_LENGTH) return {message: `tag "${tag.slice(0, 40)}..." is ${plural(tag.length, 'character')} long`, fix: `keep tags to ${MAX_TAG_LENGTH} characters`}
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

export const string = (check?: StringSpec['check']): StringSpec => ({kind: 'string', ...(check ? {check} : {})})
const int32 = (min = 0): IntSpec => ({kind: 'int', min, max: INT32_MAX})
const int64: Int64Spec = {kind: 'int64', min: INT64_MIN, max: INT64_MAX}
export const bool: Spec = {kind: 'bool'}
const duration: DurationSpec = {kind: 'duration'}
const stringList: Spec = {kind: 'list', items: string(), example: '["a", "b"]'}

/** Sections velda-do does not use, checked only as the broker's loader checks them: `${...}` is text there. */
const text: StringSpec = {kind: 'string', literal: true}
const anyInt32: IntSpec = {kind: 'int', min: INT32_MIN, max: INT32_MAX}

/** `agent_version_override`. "" is unset, as in the broker (proto3): the same prefix as leaving the key out. */
export const AGENT_VERSION = string((value) =>
  value === '' || VERSION_PATTERN.test(value) ? undefined : {message: `"${value}" is not a release version`, fix: 'write a Velda release name, like "v1.1.4"'})

/** One of a droplet's extra tags. */
export const TAG = string((value) => tagProblem(value) ?? reservedTagProblem(value))

export const TAILSCALE_CONFIG: ObjectSpec = {
  kind: 'object',
  fields: {
    server: string(httpUrlProblem),
    pre_auth_key: {kind: 'string', secret: true},
  },
  required: ['pre_auth_key'],
}

/** velda.config.BrokerInfo: `default_broker_info`, and an agent_config's `broker`. */
export const BROKER_INFO: ObjectSpec = {
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
      oneofs: [['mounted_disk_source', 'nfs_mount_source']],
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
      oneofs: [['private_cidr_range', 'detect_gcp_alias_ip_ranges']],
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
    instance: int64,
    sandbox_config: SANDBOX_CONFIG,
    daemon_config: DAEMON_CONFIG,
    pool: string(),
    task_id: string(),
    service: string(),
  },
}

export const AUTOSCALER_FIELDS = {
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

export const OTHER_PROVISIONERS = ['aws', 'kubernetes', 'gcs', 'aws_auto', 'nebius_auto', 'mithril_auto', 'azure'] as const

/*
 * The sections velda-do does not use, checked only as the broker's loader checks them (types, unknown keys), from
 * velda.config at velda-io/velda 41c94f5. Their strings are text: `${...}` is not refused there.
 */

/** velda.config.Server. */
export const SERVER: ObjectSpec = {
  kind: 'object',
  fields: {grpc_address: text, http_address: text, cert_spiffe_id: text},
  misplaced: {default_broker_info: 'move default_broker_info to the top level of the file: the broker reads it only there'},
}

/** velda.config.Storage: one of zfs, mini, btrfs. */
export const STORAGE: ObjectSpec = {
  kind: 'object',
  fields: {
    zfs: {kind: 'object', fields: {pool: text, max_disk_size_gb: int64}},
    mini: {kind: 'object', fields: {root: text}},
    btrfs: {kind: 'object', fields: {root_path: text, max_disk_size_gb: int64}},
  },
  oneofs: [['zfs', 'mini', 'btrfs']],
}

const TEXT_TAILSCALE: ObjectSpec = {kind: 'object', fields: {server: text, pre_auth_key: {kind: 'string', secret: true, literal: true}}}

/** velda.config.LogStorage. */
export const LOG_STORAGE: ObjectSpec = {kind: 'object', fields: {log_dir: text}}

/** velda.config.FileContentServer. */
export const FILE_CONTENT_SERVER: ObjectSpec = {kind: 'object', fields: {address: text, root: text, workers: anyInt32}}

/** velda.config.SshConnector. */
export const SSH_CONNECTOR: ObjectSpec = {
  kind: 'object',
  fields: {
    ssh_port: anyInt32,
    ssh_user: text,
    ssh_private_key_path: text,
    local_mtls_cert_path: text,
    remote_mtls_cert_path: text,
    remote_agent_config_path: text,
    local_output_log_dir: text,
    connect_timeout: duration,
    ready_timeout: duration,
    ready_poll_interval: duration,
    tailscale_config: TEXT_TAILSCALE,
  },
}

/** The broker's own default autoscaler for provisioned pools that give none (digitalocean_provisioner.go). */
export const PROVISIONER_DEFAULT_LIMITS = {max_agents: 10, min_agents: 0, max_idle_agents: 1, idle_decay: '60s'} as const
