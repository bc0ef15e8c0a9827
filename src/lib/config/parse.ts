import {isMap, isScalar, isSeq, LineCounter, parseDocument} from 'yaml'

import {poolPrefix, poolTag, poolTags} from './naming.js'
import {type DecodedObject, Decoder, type StringMapEntry} from './decode.js'
import {type Diagnostic, errorsOf} from './diagnostics.js'
import {provisionedSettings, readDropletSettings} from './droplet-settings.js'
import type {Environment} from './interpolate.js'
import {isProtoSpelling, suggestKey, toSnakeCase} from './keys.js'
import {formatProtoDuration, parseProtoDuration} from './protojson.js'
import {AGENT_POOL, DIGITALOCEAN_AUTO} from './pool-schema.js'
import {type PoolSettingValues, provisionedPoolSettings, readPoolSettings} from './pool-settings.js'
import {OTHER_PROVISIONERS, PROVISIONER_DEFAULT_LIMITS, reservedTagProblem, tagProblem} from './schema.js'
import {examineStructure} from './structure.js'
import {yamlDiagnostics} from './yaml-errors.js'
import {findChangeMarks} from './change-marks.js'
import {AGENT_POOLS, checkedSection, DEFAULT_BROKER, PROVISIONERS, TOP_LEVEL_KEYS} from './top-level-settings.js'
import type {Label} from './pool-settings.js'
import type {BrokerAutoscaler, DefaultBroker, PoolConfig, VeldaConfig} from './types.js'

export interface ParseOptions {
  /** The file name used in positions (as the user gave it). */
  file: string
  env: Environment
}

export interface ParseResult {
  /** Null when there is any error. */
  config: VeldaConfig | null
  diagnostics: Diagnostic[]
}

/** One pool as declared, before the checks that look across pools; `pool` is null for other backends' pools. */
interface DeclaredPool {
  name: string
  path: string
  nameNode: unknown
  pool: PoolConfig | null
}

/** Parses and checks a Velda config. Pure: no file system, no network; the environment is passed in. */
export function parseConfig(text: string, options: ParseOptions): ParseResult {
  const diagnostics: Diagnostic[] = []
  const lineCounter = new LineCounter()
  // uniqueKeys: yaml's check is quadratic (a 100,000-key section took minutes); examineStructure does it.
  const doc = parseDocument(text, {lineCounter, merge: true, uniqueKeys: false, prettyErrors: false})
  diagnostics.push(...yamlDiagnostics(doc, text, lineCounter, options.file))
  if (errorsOf(diagnostics).length > 0) return {config: null, diagnostics}
  const structure = examineStructure(doc, (offset) => ({file: options.file, ...lineCounter.linePos(offset)}))
  for (const problem of structure.diagnostics) diagnostics.push(problem)
  if (errorsOf(diagnostics).length > 0) return {config: null, diagnostics}

  const decoder = new Decoder({file: options.file, text, lineCounter, aliasTargets: structure.aliasTargets, env: options.env, diagnostics})
  const root = doc.contents
  if (!isMap(root)) {
    decoder.error('', root ?? {file: options.file, line: 1, col: 1}, 'the file must be a YAML mapping (key: value) at the top level',
      'start from the starter that velda-do config init writes, or from examples/velda.yaml in velda-do\'s install directory')
    return {config: null, diagnostics}
  }

  checkTopLevel(decoder, root)
  const broker = readDefaultBroker(decoder, root)
  const declared = [...readAgentPools(decoder, root, broker), ...readProvisioners(decoder, root, broker)]
  checkAcrossPools(decoder, declared, root)

  if (errorsOf(diagnostics).length > 0) return {config: null, diagnostics}
  return {
    config: {
      file: options.file,
      defaultBrokerAddress: broker.info?.address ?? null,
      defaultBroker: broker.info,
      brokerGuessesAddress: broker.guessed,
      pools: digitalOceanPools(declared),
      unchecked: decoder.unchecked,
      warnings: diagnostics,
      changeMarks: findChangeMarks(doc, (offset) => ({file: options.file, ...lineCounter.linePos(offset)})),
    },
    diagnostics,
  }
}

/**
 * The top level is velda.config.Config: the broker refuses any other key, so velda-do does too. The sections it
 * does not use (server, storage, …) are checked against the broker's schema; agent_pools, provisioners and
 * default_broker_info are read below.
 */
function checkTopLevel(decoder: Decoder, root: unknown): void {
  const seen = new Map<string, string>()
  for (const entry of decoder.entries(root)) {
    const key = toSnakeCase(entry.key)
    const known = TOP_LEVEL_KEYS.includes(key)
    if (!known || !isProtoSpelling(entry.key, key)) {
      const suggestion = suggestKey(entry.key, TOP_LEVEL_KEYS)
      decoder.error(key, entry.keyNode, `"${entry.key}" is not a key of the Velda config: the broker refuses the file (velda-do too)`,
        suggestion ? `did you mean "${suggestion}"?` : `the top-level keys are: ${TOP_LEVEL_KEYS.join(', ')} (to share values with anchors, put the anchor on the first use)`)
      continue
    }
    const earlier = seen.get(key)
    if (earlier !== undefined) {
      decoder.error(key, entry.keyNode, `"${entry.key}" repeats "${earlier}"`, 'keep one of the two spellings')
      continue
    }
    seen.set(key, entry.key)
    const spec = checkedSection(key)
    if (spec) decoder.decode(entry.value, spec, key, entry.keyNode)
  }
}

interface BrokerSettings {
  info: DefaultBroker | null
  /** server.grpc_address is only a port: the broker would guess its own public IP. */
  guessed: boolean
}

/**
 * Where agents connect, as the broker decides (pkg/utils/broker_info.go): default_broker_info (top level only:
 * the broker's `server` has no such key), else server.grpc_address when it is a full address. When that is only
 * a port (":50051"), the broker guesses its own public IP: velda-do cannot, and needs --broker.
 */
function readDefaultBroker(decoder: Decoder, root: unknown): BrokerSettings {
  const top = decoder.child(root, DEFAULT_BROKER.key)
  if (top) {
    const info = decoder.decode(top.value, DEFAULT_BROKER.spec, DEFAULT_BROKER.key, top.keyNode) as DecodedObject | undefined
    return {
      info: {address: nonEmpty(info?.address), publicAddress: nonEmpty(info?.public_address), source: DEFAULT_BROKER.key},
      guessed: false,
    }
  }
  const server = decoder.child(root, 'server')
  const grpc = server ? decoder.child(server.value, 'grpc_address') : undefined
  const address = (decoder.resolve(grpc?.value) as {value?: unknown} | undefined)?.value
  if (typeof address !== 'string' || address === '') return {info: null, guessed: false}
  if (address.startsWith(':')) return {info: null, guessed: true}
  decoder.warn('server.grpc_address', grpc?.value, `no default_broker_info: agents get server.grpc_address "${address}", as the broker gives it to them`,
    'set default_broker_info.address to the address droplets reach the broker at')
  return {info: {address, publicAddress: null, source: 'server.grpc_address'}, guessed: false}
}

/** Every name in agent_pools, DigitalOcean or not (names are unique across the file), and the DigitalOcean pools. */
function readAgentPools(decoder: Decoder, root: unknown, broker: BrokerSettings): DeclaredPool[] {
  const section = decoder.child(root, AGENT_POOLS.key)
  if (!section) return []
  const list = decoder.resolve(section.value)
  if (!isSeq(list)) {
    if (isMap(list)) decoder.error(AGENT_POOLS.key, section.value, 'must be a list of pools', 'write each pool as "- name: ..."')
    else decoder.decode(section.value, AGENT_POOLS.spec, AGENT_POOLS.key, section.keyNode)
    return []
  }
  const pools: DeclaredPool[] = []
  list.items.forEach((item, index) => {
    const path = `agent_pools[${index}]`
    if (isNullItem(decoder, item)) {
      decoder.error(path, decoder.resolve(item) ?? section.value, 'a list item is empty (null): the Velda broker refuses the file', 'remove the item, or give it a value')
      return
    }
    // Every pool is checked against the broker's schema; only the contents of other backends are left alone.
    const decoded = decoder.decode(item, AGENT_POOL, path, item) as DecodedObject | undefined
    const nameNode = decoder.child(item, 'name')?.value
    if (!decoded || typeof decoded.name !== 'string') return
    const scaler = decoded.auto_scaler as DecodedObject | undefined
    const droplet = (scaler?.backend as DecodedObject | undefined)?.digitalocean_droplet as DecodedObject | undefined
    if (!droplet) {
      pools.push({name: decoded.name, path, nameNode, pool: null})
      return
    }
    const pool = assemblePool(decoder, {
      name: decoded.name,
      nameKey: 'name',
      path,
      position: decoder.positionOf(nameNode),
      droplet,
      limits: scaler,
      limitsSource: `${path}.auto_scaler`,
      dropletPath: `${path}.auto_scaler.backend.digitalocean_droplet`,
      provisioned: false,
      broker,
    })
    pools.push({name: decoded.name, path, nameNode, pool: pool ?? null})
  })
  return pools
}

function isNullItem(decoder: Decoder, item: unknown): boolean {
  const node = decoder.resolve(item)
  return node === null || node === undefined || (isScalar(node) && node.value === null)
}

function readProvisioners(decoder: Decoder, root: unknown, broker: BrokerSettings): DeclaredPool[] {
  const section = decoder.child(root, PROVISIONERS.key)
  if (!section) return []
  const list = decoder.resolve(section.value)
  if (!isSeq(list)) {
    if (isMap(list)) decoder.error(PROVISIONERS.key, section.value, 'must be a list of provisioners', 'write each as "- digitalocean_auto: ..."')
    else decoder.decode(section.value, PROVISIONERS.spec, PROVISIONERS.key, section.keyNode)
    return []
  }
  const pools: DeclaredPool[] = []
  list.items.forEach((item, index) => {
    const resolved = decoder.resolve(item)
    if (!isMap(resolved)) {
      if (isNullItem(decoder, item)) {
        decoder.error(`provisioners[${index}]`, resolved ?? section.value, 'a list item is empty (null): the Velda broker refuses the file', 'remove the item, or give it a value')
      } else {
        decoder.error(`provisioners[${index}]`, resolved, `must be a mapping, not ${decoder.sourceOf(resolved)}`, 'write each as "- digitalocean_auto: ..."')
      }
      return
    }
    const kinds = decoder.entries(item).filter((e) => !isNullItem(decoder, e.value))
    if (kinds.length > 1) {
      // velda.config.Provisioner is a oneof: protojson refuses a second kind in one entry.
      decoder.error(`provisioners[${index}].${toSnakeCase(kinds[1]?.key ?? '')}`, kinds[1]?.keyNode ?? item,
        `one provisioners entry gives ${kinds.map((k) => `"${k.key}"`).join(' and ')}: the Velda broker takes one provisioner per entry`,
        'start a new entry ("- ...") for each provisioner')
    }
    for (const entry of decoder.entries(item)) {
      const kind = toSnakeCase(entry.key)
      const path = `provisioners[${index}].${kind}`
      const known = kind === 'digitalocean_auto' || (OTHER_PROVISIONERS as readonly string[]).includes(kind)
      if (!known || !isProtoSpelling(entry.key, kind)) {
        const suggestion = suggestKey(kind, ['digitalocean_auto', ...OTHER_PROVISIONERS])
        decoder.error(path, entry.keyNode, `unknown provisioner "${entry.key}" (the Velda broker refuses unknown keys)`,
          suggestion ? `did you mean "${suggestion}"?` : `the provisioners are: digitalocean_auto, ${OTHER_PROVISIONERS.join(', ')}`)
        continue
      }
      if (kind !== 'digitalocean_auto') {
        decoder.skip(path)
        continue
      }
      const provisioner = decoder.decode(entry.value, DIGITALOCEAN_AUTO, path, entry.keyNode) as DecodedObject | undefined
      const detailsNode = decoder.resolve(decoder.child(entry.value, 'pool_details')?.value)
      const details = (provisioner?.pool_details as DecodedObject[] | undefined) ?? []
      const detailNodes = isSeq(detailsNode) ? detailsNode.items : []
      details.forEach((detail, detailIndex) => {
        const detailNode = detailNodes[detailIndex]
        if (typeof detail.pool_name !== 'string') return
        const nameNode = decoder.child(detailNode, 'pool_name')?.value
        const detailPath = `${path}.pool_details[${detailIndex}]`
        const limitsSource = detail.autoscaler_config
          ? `${detailPath}.autoscaler_config`
          : provisioner?.autoscaler_config ? `${path}.autoscaler_config` : 'the broker\'s default for provisioned pools'
        const pool = assemblePool(decoder, {
          name: detail.pool_name,
          nameKey: 'pool_name',
          path: `${path}.pool_details[${detailIndex}]`,
          position: decoder.positionOf(nameNode),
          // The broker builds each pool's droplet template from the provisioner plus the pool's own fields.
          droplet: {...provisionedSettings(provisioner, detail), ...provisionedPoolSettings(provisioner)},
          // A pool's own autoscaler_config replaces the provisioner's as a whole, as the broker does.
          limits: (detail.autoscaler_config ?? provisioner?.autoscaler_config ?? PROVISIONER_DEFAULT_LIMITS) as DecodedObject,
          limitsSource,
          description: typeof detail.description === 'string' && detail.description !== '' ? detail.description : null,
          dropletPath: path,
          provisioned: true,
          broker,
        })
        pools.push({name: detail.pool_name, path: `${path}.pool_details[${detailIndex}]`, nameNode, pool: pool ?? null})
      })
    }
  })
  return pools
}

interface PoolParts {
  name: string
  /** `name` in agent_pools, `pool_name` in pool_details: error paths name the key as written. */
  nameKey: 'name' | 'pool_name'
  path: string
  position: PoolConfig['position']
  droplet: DecodedObject
  limits: DecodedObject | undefined
  /** Where `limits` come from, for `config validate`. */
  limitsSource: string
  description?: string | null
  dropletPath: string
  provisioned: boolean
  broker: BrokerSettings
}

function assemblePool(decoder: Decoder, parts: PoolParts): PoolConfig | undefined {
  const {droplet} = parts
  const own = readPoolSettings(droplet)
  const minAgents = typeof parts.limits?.min_agents === 'number' ? parts.limits.min_agents : 0
  const maxAgents = typeof parts.limits?.max_agents === 'number' ? parts.limits.max_agents : null
  checkPoolParts(decoder, parts, own, minAgents, maxAgents)
  const settings = readDropletSettings(droplet)
  if (!settings) return undefined
  const metadata = parts.limits?.metadata as DecodedObject | undefined
  const pool: PoolConfig = {
    name: parts.name,
    path: parts.path,
    position: parts.position,
    description: parts.description ?? (typeof metadata?.description === 'string' ? metadata.description : null),
    ...settings,
    ...own,
    defaultBrokerPublicAddress: parts.broker.info?.publicAddress ?? null,
    provisioned: parts.provisioned,
    brokerAutoscaler: brokerAutoscaler(parts.limits, parts.limitsSource),
    minAgents,
    maxAgents,
    prefix: '',
    tags: [],
  }
  pool.prefix = poolPrefix(pool)
  pool.tags = poolTags(pool)
  return pool
}

/** The autoscaler as pkg/broker/autoscaler.go applies it: unset numbers are 0, unset durations 0s. */
function brokerAutoscaler(limits: DecodedObject | undefined, source: string): BrokerAutoscaler {
  const int = (key: string): number => (typeof limits?.[key] === 'number' ? limits[key] : 0)
  const seconds = (key: string): string => {
    const value = limits?.[key]
    const parsed = typeof value === 'string' ? parseProtoDuration(value) : undefined
    return formatProtoDuration(parsed ?? {seconds: 0n, nanos: 0})
  }
  const positive = (text: string): boolean => !text.startsWith('-') && text !== '0s'
  const minIdleAgents = int('min_idle_agents')
  const slots = int('default_slots_per_agent') > 0 ? int('default_slots_per_agent') : 1
  const killUnknownAfter = seconds('kill_unknown_after')
  const syncLoopInterval = seconds('sync_loop_interval')
  return {
    source,
    minAgents: int('min_agents'),
    maxAgents: int('max_agents'),
    minIdleAgents,
    // The broker raises max_idle_agents to min_idle_agents + default_slots_per_agent - 1 when it is lower.
    maxIdleAgents: Math.max(int('max_idle_agents'), minIdleAgents + slots - 1),
    idleDecay: seconds('idle_decay'),
    killUnknownAfter: positive(killUnknownAfter) ? killUnknownAfter : null,
    syncLoopInterval: positive(syncLoopInterval) ? syncLoopInterval : '60s',
  }
}

/** Checks that need no other pool and not every required key, so they run even when the pool is incomplete. */
function checkPoolParts(decoder: Decoder, parts: PoolParts, own: PoolSettingValues, minAgents: number, maxAgents: number | null): void {
  if (parts.name === '') {
    // The tag would be a bare `velda-pool:`, which no droplet of a named pool carries.
    decoder.error(`${parts.path}.${parts.nameKey}`, parts.position, 'the pool name is empty', `give the pool a name, e.g. ${parts.nameKey}: cpu-small`)
  } else if (tagProblem(poolTag(parts.name))) {
    decoder.error(`${parts.path}.${parts.nameKey}`, parts.position, `pool name "${parts.name}" cannot form the tag ${poolTag(parts.name)}`,
      'name pools with letters, digits, _, : and - only')
  }
  for (const label of own.labels) checkLabel(decoder, parts, label)
  const preAuthKey = own.tailscale?.preAuthKey
  if (preAuthKey?.secret && preAuthKey.secret.reveal() === '') {
    // An empty key makes `tailscale up` wait for an interactive login: the droplet would never get its agent.
    decoder.error(preAuthKey.path, preAuthKey.position, 'pre_auth_key is empty', 'give a Tailscale auth key, e.g. pre_auth_key: "${TAILSCALE_AUTH_KEY}", or remove tailscale_config')
  }
  if (maxAgents !== null && minAgents > maxAgents) {
    decoder.error(parts.path, parts.position, `min_agents (${minAgents}) is greater than max_agents (${maxAgents})`,
      'lower min_agents or raise max_agents')
  }
  const agentConfig = own.agentConfig
  const ownBroker = agentConfig?.broker as DecodedObject | undefined
  if (ownBroker && nonEmpty(ownBroker.address) === null) {
    decoder.warn(`${parts.dropletPath}.agent_config.broker`, parts.position,
      'agent_config.broker has no address: the broker would write agent.yaml without one (it fills in default_broker_info only when agent_config has no broker); velda-do fills in the default address',
      'set agent_config.broker.address, or remove agent_config.broker')
  }
  if (typeof agentConfig?.pool === 'string' && agentConfig.pool !== parts.name) {
    decoder.warn(`${parts.dropletPath}.agent_config.pool`, parts.position,
      `agent_config.pool "${agentConfig.pool}" is replaced by the pool name "${parts.name}" (as the broker does)`, 'remove agent_config.pool')
  }
  if (own.agentConfigContent !== null) {
    decoder.warn(`${parts.dropletPath}.agent_config_content`, parts.position,
      agentConfig
        ? 'agent_config_content is ignored because agent_config is set'
        : 'agent_config_content is written to agent.yaml as it is: pool and broker are not filled in',
      agentConfig ? 'remove agent_config_content' : 'prefer agent_config')
  }
}

function checkLabel(decoder: Decoder, parts: PoolParts, label: Label): void {
  const path = `${parts.dropletPath}.labels.${label.key === '' ? '""' : label.key}`
  const position = labelPosition(parts.droplet, label.key) ?? parts.position
  const tag = `${label.key}:${label.value}`
  if (label.key === '') {
    decoder.error(path, position, `a label key is empty: the tag would be "${tag}"`, 'give the label a key, like environment: production')
    return
  }
  const problem = tagProblem(tag) ?? reservedTagProblem(tag)
  if (problem) decoder.error(path, position, `label ${problem.message}`, problem.fix)
}

function labelPosition(droplet: DecodedObject, key: string): PoolConfig['position'] {
  return (droplet.labels as StringMapEntry[] | undefined)?.find((l) => l.key === key)?.position ?? null
}

function checkAcrossPools(decoder: Decoder, declared: DeclaredPool[], root: unknown): void {
  const byName = new Map<string, DeclaredPool>()
  for (const entry of declared) {
    const first = byName.get(entry.name)
    if (first) {
      const where = decoder.positionOf(first.nameNode)
      decoder.error(entry.path, entry.nameNode, `pool name "${entry.name}" is already used by ${first.path}${where ? ` (line ${where.line})` : ''}`,
        'pool names must be unique across the whole file: rename one of them')
      continue
    }
    byName.set(entry.name, entry)
  }
  const digitalOcean = digitalOceanPools(declared)
  if (digitalOcean.length === 0 && errorsOf(decoder.diagnostics).length === 0) {
    decoder.error('', root, 'the file defines no DigitalOcean pool',
      'add an agent_pools entry with auto_scaler.backend.digitalocean_droplet, or a provisioners entry with digitalocean_auto (velda-do config init writes a file with one)')
  }
  const byPrefix = new Map<string, PoolConfig>()
  for (const pool of digitalOcean) {
    const first = byPrefix.get(pool.prefix)
    if (first && first.name !== pool.name) {
      decoder.warn(pool.path, pool.position,
        `pools "${first.name}" and "${pool.name}" share the prefix ${pool.prefix}: velda-do tells them apart by tag, the Velda broker cannot`,
        'give one of them a different size, image, region, ssh keys or agent_version_override')
    }
    if (!first) byPrefix.set(pool.prefix, pool)
  }
}

function digitalOceanPools(declared: readonly DeclaredPool[]): PoolConfig[] {
  return declared.flatMap((d) => (d.pool ? [d.pool] : []))
}

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}
