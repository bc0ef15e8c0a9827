import {type Document, isAlias, isMap, isScalar, isSeq, type Node, parseDocument} from 'yaml'

import {goYamlPlainScalar} from '../../src/lib/config/goyaml.js'
import {formatProtoDuration, INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN, numberAsInteger, parseProtoDuration, quotedInteger} from '../../src/lib/config/protojson.js'

/**
 * A model of the Velda broker's loader, independent of velda-do's parser: YAML typed as Go's yaml.v3 types it
 * (into interface{}), turned into JSON, then read as protojson reads it into the velda.config / velda.agent
 * messages. The messages below are transcribed from velda-io/velda 41c94f5 (proto/config/config.proto and
 * proto/agent/config.proto), field names only; messages velda-do does not need in full (other backends and
 * provisioners) are `opaque`: anything is accepted there, as if the broker knew it.
 *
 * It is the referee of the parity tests: the broker accepts a file if and only if `loadLikeBroker` does, and the
 * agent reads two agent.yaml files the same way if and only if `readAgentConfigLikeAgent` gives equal values.
 */

type ScalarType = 'string' | 'bool' | 'int32' | 'int64' | 'double' | 'duration'
interface Field {
  name: string
  type: ScalarType | 'enum' | 'message' | 'map'
  repeated?: boolean
  /** For `message` fields. */
  message?: string
  /** For `enum` fields: value names by number. */
  values?: readonly string[]
  oneof?: string
}

const s = (name: string, extra: Partial<Field> = {}): Field => ({name, type: 'string', ...extra})
const b = (name: string, extra: Partial<Field> = {}): Field => ({name, type: 'bool', ...extra})
const i32 = (name: string, extra: Partial<Field> = {}): Field => ({name, type: 'int32', ...extra})
const i64 = (name: string): Field => ({name, type: 'int64'})
const d = (name: string): Field => ({name, type: 'duration'})
const m = (name: string, message: string, extra: Partial<Field> = {}): Field => ({name, type: 'message', message, ...extra})

const OPAQUE = 'opaque'

const MESSAGES: Readonly<Record<string, readonly Field[]>> = {
  // velda.agent
  HostMount: [s('source'), s('target'), b('read_write')],
  CasConfig: [s('cas_cache_dir'), b('use_direct_protocol'), s('flags', {repeated: true}), s('cache_sources', {repeated: true})],
  MountedDiskSource: [s('local_path')],
  NfsMountSource: [s('mount_options'), s('snapshot_mount_options')],
  AgentDiskSource: [
    m('mounted_disk_source', 'MountedDiskSource', {oneof: 'source'}),
    m('nfs_mount_source', 'NfsMountSource', {oneof: 'source'}),
    m('cas_config', 'CasConfig'),
  ],
  SandboxConfig: [
    m('disk_source', 'AgentDiskSource'), s('allowed_host_mount_sources', {repeated: true}), m('host_mounts', 'HostMount', {repeated: true}),
    d('max_time'), s('host_local_mount_base_dir'), b('allocate_tty'), s('apparmor_profile'), s('nvidia_driver_install_dir'),
  ],
  Network: [
    s('private_cidr_range', {oneof: 'agent_ip'}), b('detect_gcp_alias_ip_ranges', {oneof: 'agent_ip'}),
    {name: 'network_mode', type: 'enum', values: ['NETWORK_MODE_UNSPECIFIED', 'NETWORK_MODE_HOST', 'NETWORK_MODE_BRIDGE']},
    b('block_metadata_server'),
  ],
  DaemonConfig: [
    s('work_dir_path'), i32('max_sessions'), m('network', 'Network'), s('primary_network_device_name'), s('mtls_client_cert_path'),
    s('mtls_client_key_path'), s('agent_name'),
  ],
  BrokerInfo: [s('address'), s('public_address')],
  AgentConfig: [
    m('broker', 'BrokerInfo'), s('session'), i64('instance'), m('sandbox_config', 'SandboxConfig'), m('daemon_config', 'DaemonConfig'),
    s('pool'), s('task_id'), s('service'),
  ],
  // velda.config
  Server: [s('grpc_address'), s('http_address'), s('cert_spiffe_id')],
  Zfs: [s('pool'), i64('max_disk_size_gb')],
  Btrfs: [s('root_path'), i64('max_disk_size_gb')],
  MiniVelda: [s('root')],
  Storage: [m('zfs', 'Zfs', {oneof: 'storage'}), m('mini', 'MiniVelda', {oneof: 'storage'}), m('btrfs', 'Btrfs', {oneof: 'storage'})],
  PoolMetadata: [s('description')],
  TailscaleConfig: [s('server'), s('pre_auth_key')],
  AutoScaler: [
    m('backend', 'AutoscalerBackend'), i32('max_agents'), i32('min_idle_agents'), i32('max_idle_agents'), i32('min_agents'),
    d('idle_decay'), d('initial_delay'), d('sync_loop_interval'), d('kill_unknown_after'), i32('default_slots_per_agent'),
    {name: 'mode', type: 'enum', values: ['MODE_UNSPECIFIED', 'MODE_STANDARD', 'MODE_BATCH']},
    m('metadata', 'PoolMetadata'), d('scale_up_error_retry_delay'), d('allocation_error_reset_after'),
  ],
  AgentPool: [s('name'), m('auto_scaler', 'AutoScaler')],
  AutoscalerBackendDigitalOceanDroplet: [
    s('name'), s('region'), s('size'), s('image'), i32('ssh_key_ids', {repeated: true}), b('backups'), b('ipv6'), b('monitoring'),
    s('tags', {repeated: true}), s('vpc_uuid'), s('agent_config_content'), m('agent_config', 'AgentConfig'), {name: 'labels', type: 'map'},
    s('agent_version_override'), s('api_token'), s('api_endpoint'), m('tailscale_config', 'TailscaleConfig'),
  ],
  AutoscalerBackend: [
    ...['gce_instance_group', 'aws_launch_template', 'nebius_launch_template', 'mithril_spot_bid', 'azure_vmss',
      'primeintellect_instance', 'kubernetes', 'command'].map((name) => m(name, OPAQUE, {oneof: 'backend'})),
    m('digitalocean_droplet', 'AutoscalerBackendDigitalOceanDroplet', {oneof: 'backend'}),
  ],
  PoolDetail: [
    s('pool_name'), s('size'), s('image'), s('description'), m('autoscaler_config', 'AutoScaler'), b('backups'), b('ipv6'),
    b('monitoring'), s('vpc_uuid'),
  ],
  DigitalOceanAutoProvisioner: [
    s('region'), s('api_token'), i32('ssh_key_ids', {repeated: true}), {name: 'labels', type: 'map'}, s('agent_version_override'),
    m('autoscaler_config', 'AutoScaler'), s('api_endpoint'), m('pool_details', 'PoolDetail', {repeated: true}),
    m('tailscale_config', 'TailscaleConfig'),
  ],
  Provisioner: [
    ...['aws', 'kubernetes', 'gcs', 'aws_auto', 'nebius_auto', 'mithril_auto', 'azure'].map((name) => m(name, OPAQUE, {oneof: 'provisioner'})),
    m('digitalocean_auto', 'DigitalOceanAutoProvisioner', {oneof: 'provisioner'}),
  ],
  LogStorage: [s('log_dir')],
  FileContentServer: [s('address'), s('root'), i32('workers')],
  SSHConnectorConfig: [
    i32('ssh_port'), s('ssh_user'), s('ssh_private_key_path'), s('local_mtls_cert_path'), s('remote_mtls_cert_path'),
    s('remote_agent_config_path'), s('local_output_log_dir'), d('connect_timeout'), d('ready_timeout'), d('ready_poll_interval'),
    m('tailscale_config', 'TailscaleConfig'),
  ],
  Config: [
    m('server', 'Server'), m('storage', 'Storage'), m('agent_pools', 'AgentPool', {repeated: true}),
    m('provisioners', 'Provisioner', {repeated: true}), b('allow_new_pool'), m('default_broker_info', 'BrokerInfo'),
    m('log_storage', 'LogStorage'), m('file_content_server', 'FileContentServer'), m('ssh_connector', 'SSHConnectorConfig'),
  ],
}

/** A message read as protojson reads it: proto field names; scalars at their default are left out (proto3). */
export type ProtoMessage = {[field: string]: ProtoValue}
export type ProtoValue = string | boolean | number | ProtoMessage | ProtoValue[] | Record<string, string>

export class BrokerRefuses extends Error {}

/** The broker's LoadConfig: throws BrokerRefuses where the broker would not start. */
export function loadLikeBroker(text: string): ProtoMessage {
  return readProtoJson(yamlAsJsonLikeYamlV3(text), 'Config', '')
}

/** The agent's loader for /etc/velda/agent.yaml (the same YAML → JSON → protojson path). */
export function readAgentConfigLikeAgent(text: string): ProtoMessage {
  // An empty file is an empty message to yaml.v3 + protojson ("null" is not an object, though: model that as {}).
  if (text.trim() === '') return {}
  return readProtoJson(yamlAsJsonLikeYamlV3(text), 'AgentConfig', '')
}

/** yaml.v3 into map[string]interface{}, then encoding/json: plain scalars typed as yaml.v3 types them. */
function yamlAsJsonLikeYamlV3(text: string): unknown {
  const doc = parseDocument(text, {merge: true, uniqueKeys: true})
  if (doc.errors.length > 0) throw new BrokerRefuses(`yaml: ${doc.errors[0]?.message}`)
  const value = toJson(doc, doc.contents)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BrokerRefuses('the document is not a mapping')
  return value
}

function toJson(doc: Document, node: unknown): unknown {
  if (isAlias(node)) return toJson(doc, node.resolve(doc))
  if (isScalar(node)) {
    if (node.type === 'PLAIN' && !node.tag) {
      const typed = goYamlPlainScalar(String(node.source ?? node.value))
      if (typed.kind === 'null') return null
      if (typed.kind === 'int') return Number(typed.value)
      if (typed.kind === 'float') {
        if (!Number.isFinite(typed.value)) throw new BrokerRefuses('json: unsupported value (NaN or Inf)')
        return typed.value
      }
      return typed.value
    }
    return node.value
  }
  if (isSeq(node)) return node.items.map((item) => toJson(doc, item))
  if (isMap(node)) {
    const result: Record<string, unknown> = {}
    const merged: Record<string, unknown> = {}
    for (const pair of node.items) {
      const key = pair.key as Node | null
      if (isScalar(key) && typeof key.value === 'symbol') {
        const sources = isAlias(pair.value) ? pair.value.resolve(doc) : pair.value
        const list = isSeq(sources) ? sources.items : [sources]
        for (const source of list) {
          const value = toJson(doc, source) as Record<string, unknown>
          for (const [k, v] of Object.entries(value)) if (!(k in merged)) merged[k] = v
        }
        continue
      }
      const keyValue = isScalar(key) && key.type === 'PLAIN' && !key.tag ? goYamlPlainScalar(String(key.source ?? key.value)) : undefined
      if (!isScalar(key) || (keyValue ? keyValue.kind !== 'string' : typeof key.value !== 'string')) {
        throw new BrokerRefuses('json: unsupported type map[interface {}]interface {} (a key that is not a string)')
      }
      result[String(key.value)] = toJson(doc, pair.value)
    }
    return {...merged, ...result}
  }
  return null
}

function jsonName(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase())
}

function readProtoJson(value: unknown, messageName: string, path: string): ProtoMessage {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BrokerRefuses(`${path}: not an object`)
  if (messageName === OPAQUE) return {}
  const fields = MESSAGES[messageName]
  if (!fields) throw new Error(`no message ${messageName}`)
  const result: ProtoMessage = {}
  const seen = new Set<string>()
  const oneofs = new Set<string>()
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    const field = fields.find((f) => f.name === key || jsonName(f.name) === key)
    if (!field) throw new BrokerRefuses(`${path}: unknown field "${key}"`)
    if (seen.has(field.name)) throw new BrokerRefuses(`${path}: duplicate field "${field.name}"`)
    seen.add(field.name)
    if (raw === null) continue
    if (field.oneof) {
      if (oneofs.has(field.oneof)) throw new BrokerRefuses(`${path}: a second member of oneof ${field.oneof}: "${field.name}"`)
      oneofs.add(field.oneof)
    }
    const fieldPath = `${path}.${field.name}`
    let read: ProtoValue
    if (field.repeated) {
      if (!Array.isArray(raw)) throw new BrokerRefuses(`${fieldPath}: not a list`)
      read = raw.map((item, index) => readSingular(field, item, `${fieldPath}[${index}]`, true))
      if (read.length === 0) continue
    } else {
      read = readSingular(field, raw, fieldPath, false)
    }
    // proto3: a scalar at its default value is not there (but a oneof member is).
    if (!field.oneof && !field.repeated && field.type !== 'message' && (read === '' || read === false || read === 0 || read === '0' || read === '0s')) continue
    if (field.type === 'map' && Object.keys(read as object).length === 0) continue
    result[field.name] = read
  }
  return result
}

function readSingular(field: Field, raw: unknown, path: string, inList: boolean): ProtoValue {
  if (raw === null && inList) throw new BrokerRefuses(`${path}: null in a list`)
  switch (field.type) {
    case 'message':
      return readProtoJson(raw, field.message ?? OPAQUE, path)
    case 'map': {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new BrokerRefuses(`${path}: not an object`)
      const entries = Object.entries(raw as Record<string, unknown>)
      for (const [, v] of entries) if (typeof v !== 'string') throw new BrokerRefuses(`${path}: a map value that is not a string`)
      return Object.fromEntries(entries) as Record<string, string>
    }
    case 'string':
      if (typeof raw !== 'string') throw new BrokerRefuses(`${path}: not a string`)
      return raw
    case 'bool':
      if (typeof raw !== 'boolean') throw new BrokerRefuses(`${path}: not a boolean`)
      return raw
    case 'double':
      if (typeof raw !== 'number') throw new BrokerRefuses(`${path}: not a number`)
      return raw
    case 'int32':
    case 'int64': {
      const integer = typeof raw === 'number' ? numberAsInteger(raw) : typeof raw === 'string' ? quotedInteger(raw) : undefined
      const [min, max] = field.type === 'int32' ? [INT32_MIN, INT32_MAX] : [INT64_MIN, INT64_MAX]
      if (integer === undefined || integer < min || integer > max) throw new BrokerRefuses(`${path}: not an ${field.type}`)
      // int32 as a number, int64 as its decimal text (as protojson writes it).
      return field.type === 'int32' ? Number(integer) : String(integer)
    }
    case 'duration': {
      const duration = typeof raw === 'string' ? parseProtoDuration(raw) : undefined
      if (!duration) throw new BrokerRefuses(`${path}: not a google.protobuf.Duration`)
      return formatProtoDuration(duration)
    }
    case 'enum': {
      const values = field.values ?? []
      if (typeof raw === 'string' && values.includes(raw)) return values.indexOf(raw)
      if (typeof raw === 'number' && Number.isInteger(raw) && raw >= -(2 ** 31) && raw < 2 ** 31) return raw
      throw new BrokerRefuses(`${path}: not a value of the enum`)
    }
  }
}

/**
 * What the broker writes to /etc/velda/agent.yaml for an AgentConfig message: protojson's output (lowerCamelCase,
 * int64 as strings, durations as seconds, enum names, defaults left out) through encoding/json and yaml.v3's
 * Marshal (keys sorted, 4-space indentation).
 */
export function writeAgentConfigLikeBroker(message: ProtoMessage): string {
  return emit(protoJsonOut(message, 'AgentConfig'), 0)
}

function protoJsonOut(message: ProtoMessage, messageName: string): Record<string, unknown> {
  const fields = MESSAGES[messageName] ?? []
  const out: Record<string, unknown> = {}
  for (const field of fields) {
    const value = message[field.name]
    if (value === undefined) continue
    const one = (v: ProtoValue): unknown => {
      if (field.type === 'message') return protoJsonOut(v as ProtoMessage, field.message ?? OPAQUE)
      if (field.type === 'enum') return field.values?.[v as number] ?? v
      return v
    }
    out[jsonName(field.name)] = Array.isArray(value) ? value.map(one) : one(value)
  }
  return out
}

function emit(value: unknown, indent: number): string {
  const pad = ' '.repeat(indent)
  if (Array.isArray(value)) {
    // yaml.v3: "- " at the list's indentation, the item's other keys two columns further.
    return value.map((item) => {
      const body = emit(item, indent + 2)
      return typeof item === 'object' && item !== null ? `${pad}- ${body.slice(indent + 2)}` : `${pad}- ${body.trim()}\n`
    }).join('')
  }
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort()
    if (keys.length === 0) return '{}\n'
    return keys.map((key) => {
      const item = (value as Record<string, unknown>)[key]
      if (typeof item === 'object' && item !== null) {
        const empty = Array.isArray(item) ? item.length === 0 : Object.keys(item).length === 0
        return empty ? `${pad}${key}: ${Array.isArray(item) ? '[]' : '{}'}\n` : `${pad}${key}:\n${emit(item, indent + 4)}`
      }
      return `${pad}${key}: ${scalar(item)}\n`
    }).join('')
  }
  return `${scalar(value)}\n`
}

/** yaml.v3 writes a string plain unless it would read back as something else; then double-quoted. */
function scalar(value: unknown): string {
  if (typeof value !== 'string') return String(value)
  const plainIsSafe = /^[A-Za-z0-9_./][A-Za-z0-9 _./:@-]*$/.test(value) && !value.endsWith(' ') && !value.includes(': ')
    && goYamlPlainScalar(value).kind === 'string'
  return plainIsSafe ? value : JSON.stringify(value)
}
