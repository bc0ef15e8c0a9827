import {FAILSAFE_SCHEMA, load, Type, YAMLException} from 'js-yaml'

/**
 * A model of the Velda broker's loader, independent of velda-do's parser: YAML typed as Go's yaml.v3 types it
 * (into interface{}), turned into JSON, then read as protojson reads it into the velda.config / velda.agent
 * messages. The messages below are transcribed from velda-io/velda 41c94f5 (proto/config/config.proto and
 * proto/agent/config.proto), field names only; messages velda-do does not need in full (other backends and
 * provisioners) are `opaque`: anything is accepted there, as if the broker knew it.
 *
 * Independent means no code in common with what it referees: another YAML reader (js-yaml, where velda-do uses
 * `yaml`), and its own yaml.v3 typing and protojson value rules, written here from the broker's behaviour
 * (docs/design broker-parity.md) and not imported from src/lib/config/: a bug there is then on one side only.
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

// --- YAML, as yaml.v3 types it -------------------------------------------------------------------------------

/**
 * A plain scalar that yaml.v3 does not read as a string (decoding into interface{}). Ints are kept exact: Go's
 * encoding/json writes an int64 or uint64 with all its digits.
 */
type GoValue = {kind: 'null'; value: null} | {kind: 'bool'; value: boolean} | {kind: 'int'; value: bigint} | {kind: 'float'; value: number}

/** js-yaml makes every mapping key a string; this prefix marks a key yaml.v3 would not have read as one. */
const NOT_TEXT = '\u0000not-text:'

class GoScalar {
  constructor(readonly go: GoValue) {}
  // Not "[object Object]", so that js-yaml keys a mapping by toString() rather than by "[object Object]".
  get [Symbol.toStringTag](): string {
    return 'GoScalar'
  }

  toString(): string {
    return `${NOT_TEXT}${String(this.go.value)}`
  }
}

const INT64_RANGE = [-(2n ** 63n), 2n ** 63n - 1n] as const
const UINT64_MAX = 2n ** 64n - 1n
/** yaml.v3's own test for a float written YAML's way (after ParseInt has failed). */
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/

/**
 * yaml.v3's resolve() of an untagged plain scalar: a fixed set of null, bool and infinity/NaN spellings; then, for
 * text starting with a digit or a sign, Go's strconv.ParseInt(text without `_`, base 0, 64) (0x, 0o, 0b, and a
 * leading 0 for octal), ParseUint, then a YAML-style float; text starting with `.` is a float if Go's ParseFloat
 * takes it. A timestamp (2025-11-02) stays text when decoding into interface{}, so it needs no rule: it is none of
 * those numbers. Anything else is a string (undefined here).
 */
function yamlV3Resolve(text: string): GoValue | undefined {
  switch (text) {
    case '': case '~': case 'null': case 'Null': case 'NULL':
      return {kind: 'null', value: null}
    case 'true': case 'True': case 'TRUE':
      return {kind: 'bool', value: true}
    case 'false': case 'False': case 'FALSE':
      return {kind: 'bool', value: false}
    case '.inf': case '.Inf': case '.INF': case '+.inf': case '+.Inf': case '+.INF':
      return {kind: 'float', value: Infinity}
    case '-.inf': case '-.Inf': case '-.INF':
      return {kind: 'float', value: -Infinity}
    case '.nan': case '.NaN': case '.NAN':
      return {kind: 'float', value: Number.NaN}
  }
  if (text.startsWith('.')) return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) ? finiteFloat(text) : undefined
  if (!/^[-+0-9]/.test(text)) return undefined
  const withoutUnderscores = text.split('_').join('')
  const integer = goParseInteger(withoutUnderscores)
  if (integer !== undefined) return {kind: 'int', value: integer}
  return YAML_FLOAT.test(withoutUnderscores) ? finiteFloat(withoutUnderscores) : undefined
}

/** Go's ParseFloat fails on overflow (1e400): the scalar then stays text. */
function finiteFloat(text: string): GoValue | undefined {
  const value = Number(text)
  return Number.isFinite(value) ? {kind: 'float', value} : undefined
}

/** strconv.ParseInt(text, 0, 64), else ParseUint(text, 0, 64), which takes no sign. */
function goParseInteger(text: string): bigint | undefined {
  const sign = text[0] === '-' || text[0] === '+' ? text[0] : ''
  const body = text.slice(sign.length)
  const prefixed = /^0([xXoObB])(.*)$/.exec(body)
  const [radix, digits] = prefixed
    ? [{x: 16, o: 8, b: 2}[(prefixed[1] ?? '').toLowerCase() as 'x' | 'o' | 'b'], prefixed[2] ?? '']
    : body.length > 1 && body.startsWith('0') ? [8, body.slice(1)] : [10, body]
  if (digits === '' || [...digits].some((digit) => !(parseInt(digit, 16) < radix))) return undefined
  let magnitude = 0n
  for (const digit of digits) magnitude = magnitude * BigInt(radix) + BigInt(parseInt(digit, 16))
  const value = sign === '-' ? -magnitude : magnitude
  if (value >= INT64_RANGE[0] && value <= INT64_RANGE[1]) return value
  return sign === '' && value <= UINT64_MAX ? value : undefined
}

/** A js-yaml type for one kind of yaml.v3 value: tried on every plain scalar, and on `!!int "5"` and the like. */
function goType(kind: GoValue['kind']): Type {
  return new Type(`tag:yaml.org,2002:${kind}`, {
    kind: 'scalar',
    resolve: (data: unknown) => typeof data === 'string' && yamlV3Resolve(data)?.kind === kind,
    construct: (data: string) => new GoScalar(yamlV3Resolve(data) as GoValue),
  })
}

/** `<<: *defaults`: js-yaml merges a mapping under a key of this tag, as yaml.v3 does (the mapping's own keys win). */
const MERGE_KEY = new Type('tag:yaml.org,2002:merge', {kind: 'scalar', resolve: (data: unknown) => data === '<<'})

/** Text by default (the failsafe schema), yaml.v3's typing of plain scalars, and merge keys. */
const YAML_V3 = FAILSAFE_SCHEMA.extend({implicit: [goType('null'), goType('bool'), goType('int'), goType('float'), MERGE_KEY]})

/** A JSON value as encoding/json writes it from what yaml.v3 decoded; integers kept exact. */
type Json = null | boolean | bigint | number | string | Json[] | {[key: string]: Json}

/** yaml.v3 into map[string]interface{}, then encoding/json. */
function yamlAsJsonLikeYamlV3(text: string): Json {
  let value: unknown
  try {
    // js-yaml refuses duplicate keys, as yaml.v3 does ("mapping key already defined").
    value = load(text, {schema: YAML_V3})
  } catch (error) {
    if (error instanceof YAMLException) throw new BrokerRefuses(`yaml: ${error.message}`)
    throw error
  }
  const json = asJson(value)
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new BrokerRefuses('the document is not a mapping')
  return json
}

function asJson(value: unknown): Json {
  if (value === null || value === undefined) return null
  if (value instanceof GoScalar) {
    if (value.go.kind === 'float' && !Number.isFinite(value.go.value)) throw new BrokerRefuses('json: unsupported value (NaN or Inf)')
    return value.go.value
  }
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return value.map(asJson)
  if (typeof value === 'object') {
    const result: {[key: string]: Json} = {}
    for (const [key, item] of Object.entries(value)) {
      // yaml.v3 decodes such a mapping into map[interface{}]interface{}, which encoding/json refuses.
      if (key.startsWith(NOT_TEXT)) throw new BrokerRefuses('json: unsupported type map[interface {}]interface {} (a key that is not a string)')
      result[key] = asJson(item)
    }
    return result
  }
  throw new Error(`js-yaml gave a ${typeof value}`)
}

// --- protojson ---------------------------------------------------------------------------------------------

const INT32_RANGE = [-(2n ** 31n), 2n ** 31n - 1n] as const
const MAX_DURATION_SECONDS = 315_576_000_000n

/**
 * A JSON number's text as an exact integer, or undefined if its value has a fraction. protojson reads an integer
 * field from a number, or from a string holding one JSON number and nothing else, when the value is whole:
 * "1e3", "5.0" and "100e-2" are, "1.5" is not; "+5", "05", "0x10" and " 5" are not JSON numbers.
 */
function jsonInteger(text: string): bigint | undefined {
  const match = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([-+]?[0-9]+))?$/.exec(text)
  if (!match) return undefined
  const [, minus, whole = '', fraction = '', exponentText = '0'] = match
  const digits = `${whole}${fraction}`.replace(/^0+/, '')
  if (digits === '') return 0n
  // The value is digits × 10^shift.
  const shift = Number(exponentText) - fraction.length
  // Past 10^40 no field takes it; checking first keeps a "1e999999999" from building a huge number.
  if (digits.length + shift > 40) return undefined
  let magnitude: bigint
  if (shift >= 0) magnitude = BigInt(digits) * 10n ** BigInt(shift)
  else {
    const kept = digits.slice(0, shift)
    if (/[1-9]/.test(digits.slice(shift))) return undefined
    magnitude = kept === '' ? 0n : BigInt(kept)
  }
  return minus === '-' ? -magnitude : magnitude
}

/**
 * google.protobuf.Duration in protojson: an optional sign, whole seconds (no leading zero), an optional fraction of
 * up to nine digits, then `s`; at most 315,576,000,000 seconds either way. Given back as protojson writes it
 * (0, 3, 6 or 9 fractional digits), or undefined when protojson refuses it.
 */
function protoDuration(text: string): string | undefined {
  const match = /^([-+]?)(0|[1-9][0-9]*)?(?:\.([0-9]{0,9}))?s$/.exec(text)
  if (!match || (match[2] === undefined && match[3] === undefined)) return undefined
  const [, sign, whole = '0', fraction = ''] = match
  if (BigInt(whole) > MAX_DURATION_SECONDS) return undefined
  const nanos = fraction.padEnd(9, '0')
  const shown = /^0+$/.test(nanos) ? '' : `.${nanos.replace(/(000)+$/, '')}`
  const negative = sign === '-' && (whole !== '0' || shown !== '')
  return `${negative ? '-' : ''}${whole}${shown}s`
}

function jsonName(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase())
}

function isObject(value: Json): value is {[key: string]: Json} {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function readProtoJson(value: Json, messageName: string, path: string): ProtoMessage {
  if (!isObject(value)) throw new BrokerRefuses(`${path}: not an object`)
  if (messageName === OPAQUE) return {}
  const fields = MESSAGES[messageName]
  if (!fields) throw new Error(`no message ${messageName}`)
  const result: ProtoMessage = {}
  const seen = new Set<string>()
  const oneofs = new Set<string>()
  for (const [key, raw] of Object.entries(value)) {
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

function readSingular(field: Field, raw: Json, path: string, inList: boolean): ProtoValue {
  if (raw === null && inList) throw new BrokerRefuses(`${path}: null in a list`)
  switch (field.type) {
    case 'message':
      return readProtoJson(raw, field.message ?? OPAQUE, path)
    case 'map': {
      if (!isObject(raw)) throw new BrokerRefuses(`${path}: not an object`)
      const entries = Object.entries(raw)
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
      if (typeof raw === 'bigint') return Number(raw)
      if (typeof raw !== 'number') throw new BrokerRefuses(`${path}: not a number`)
      return raw
    case 'int32':
    case 'int64': {
      const integer = typeof raw === 'bigint' ? raw
        : typeof raw === 'number' ? (Number.isInteger(raw) ? BigInt(raw) : undefined)
        : typeof raw === 'string' ? jsonInteger(raw) : undefined
      const [min, max] = field.type === 'int32' ? INT32_RANGE : INT64_RANGE
      if (integer === undefined || integer < min || integer > max) throw new BrokerRefuses(`${path}: not an ${field.type}`)
      // int32 as a number, int64 as its decimal text (as protojson writes it).
      return field.type === 'int32' ? Number(integer) : String(integer)
    }
    case 'duration': {
      const duration = typeof raw === 'string' ? protoDuration(raw) : undefined
      if (duration === undefined) throw new BrokerRefuses(`${path}: not a google.protobuf.Duration`)
      return duration
    }
    case 'enum': {
      const values = field.values ?? []
      if (typeof raw === 'string' && values.includes(raw)) return values.indexOf(raw)
      const number = typeof raw === 'bigint' ? raw : typeof raw === 'number' && Number.isInteger(raw) ? BigInt(raw) : undefined
      if (number !== undefined && number >= INT32_RANGE[0] && number <= INT32_RANGE[1]) return Number(number)
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
    && yamlV3Resolve(value) === undefined
  return plainIsSafe ? value : JSON.stringify(value)
}
