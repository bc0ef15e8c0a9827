import {AGENT_POOL} from './pool-schema.js'
import {BROKER_INFO, bool, FILE_CONTENT_SERVER, LOG_STORAGE, SERVER, SSH_CONNECTOR, STORAGE} from './schema.js'
import type {Spec} from './spec.js'

/**
 * The top-level keys of the broker's file (velda.config.Config), each declared once: its schema, and whether
 * velda-do reads it (`read`: parse.ts has a reader of that name) or only checks it as the broker's loader does
 * (`checked`). The broker refuses any other key, so velda-do does too: the list of keys is this table.
 */
interface TopLevelSetting {
  key: string
  spec: Spec
  use: 'checked' | 'read'
}

function topLevel<const S extends TopLevelSetting>(s: S): S {
  return s
}

/**
 * Where agents connect when a pool's agent_config names no broker: the broker address's last source, after
 * `--broker` and the pool's agent_config.broker.address (pool-settings.ts). When it is absent, the broker falls
 * back to server.grpc_address if that is a full address; `config validate` shows which one as the broker's source.
 */
export const DEFAULT_BROKER = topLevel({key: 'default_broker_info', spec: BROKER_INFO, use: 'read'})

/** Read pool by pool (parse.ts); the list's own spec reports a section that is not a list. */
export const AGENT_POOLS = topLevel({key: 'agent_pools', spec: {kind: 'list', items: AGENT_POOL, example: '[{name: cpu, auto_scaler: ...}]'}, use: 'read'})
export const PROVISIONERS = topLevel({key: 'provisioners', spec: {kind: 'list', items: {kind: 'object', fields: {}}, example: '[{digitalocean_auto: ...}]'}, use: 'read'})

/** In the broker's order: the order "the top-level keys are: ..." lists them in. */
export const TOP_LEVEL_SETTINGS: readonly TopLevelSetting[] = [
  topLevel({key: 'server', spec: SERVER, use: 'checked'}),
  topLevel({key: 'storage', spec: STORAGE, use: 'checked'}),
  AGENT_POOLS,
  PROVISIONERS,
  topLevel({key: 'allow_new_pool', spec: bool, use: 'checked'}),
  DEFAULT_BROKER,
  topLevel({key: 'log_storage', spec: LOG_STORAGE, use: 'checked'}),
  topLevel({key: 'file_content_server', spec: FILE_CONTENT_SERVER, use: 'checked'}),
  topLevel({key: 'ssh_connector', spec: SSH_CONNECTOR, use: 'checked'}),
]

export const TOP_LEVEL_KEYS: readonly string[] = TOP_LEVEL_SETTINGS.map((s) => s.key)

/** The spec of a top-level key velda-do only checks, or undefined for one it reads itself (or an unknown one). */
export function checkedSection(key: string): Spec | undefined {
  const s = TOP_LEVEL_SETTINGS.find((t) => t.key === key)
  return s?.use === 'checked' ? s.spec : undefined
}

