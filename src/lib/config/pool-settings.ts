import type {DecodedObject, SecretSetting, StringMapEntry} from './decode.js'
import {endpointProblem} from './endpoint.js'
import type {Resolved} from './resolve-settings.js'
import {AGENT_CONFIG, AGENT_VERSION, string, TAG, TAILSCALE_CONFIG} from './schema.js'
import type {Spec} from './spec.js'
import type {Label, TailscaleSettings} from './types.js'

/**
 * A pool's settings other than the droplet's own (those are in droplet-settings.ts), each declared once: the
 * broker's config key and its schema, the PoolConfig field and its value when the key is absent (`read`), where a
 * digitalocean_auto provisioner has it, where else the value may come from (a flag, environment variables, a
 * default: `from`) and how `config validate` shows it (`report`). The schema of the DigitalOcean sections
 * (pool-schema.ts), PoolConfig's fields, a provisioned pool's template, the resolution of each setting
 * (resolve-settings.ts) and the report's rows are derived from this table.
 */

/** Where a setting may come from besides the file, in precedence order: the flag, then the variables, then the file, then `default`. */
export interface Sources {
  flag?: string
  env?: readonly string[]
  /** The value when none is given anywhere; without one, a command that needs the setting stops and says how to set it. */
  default?: string
}

/** How `config validate` shows a setting: under `key` in `--json`, in the row `label` of the text, as `show` words it. */
export interface Shown<T> {
  key: string
  label: string
  show: (value: T) => string
  /** `show` for a value taken from a report by key (each entry's own type, which a loop over the table cannot name). */
  describe: (value: unknown) => string
}

function shown<T, const K extends string>(key: K, label: string, show: (value: T) => string): Shown<T> & {key: K} {
  return {key, label, show, describe: (value) => show(value as T)}
}

/**
 * In digitalocean_auto the setting is on the provisioner (shared by its pools), or it is not in that section at all:
 * then `misplaced` says what to do instead, and a provisioned pool's template has `provisioned` (the broker's value).
 */
type AutoPlace = 'provisioner' | {misplaced: string; provisioned?: unknown}

interface Declaration<T> {
  key: string
  field: string
  spec: Spec
  /** The decoder's value (undefined when the key is absent) as the PoolConfig field: the default is here. */
  read: (decoded: unknown) => T
  auto: AutoPlace
  from?: Sources
  report?: Shown<never>
}

function setting<T, const D extends Declaration<T>>(declaration: D & Declaration<T>): D {
  return declaration
}

/** `value (source)`, or `none` when a command would stop for want of it. */
const showResolved = (value: Resolved<string> | null): string => (value ? `${value.value} (${value.source})` : 'none')

/** The token as `config validate` shows it: never its value. */
export interface TokenReport {
  source: string
  set: boolean
  value: string
}

export interface TailscaleReport {
  server: string | null
  pre_auth_key: string
  set: boolean
}

/** The broker's default endpoint: one config behaves the same in velda-do and in the broker. */
const DEFAULT_API_ENDPOINT = 'https://api-amd.digitalocean.com'

/**
 * In the order of the broker's schema for digitalocean_droplet, after the droplet settings: the order a misspelt
 * key's nearest match is looked for in. `agent_config` carries the broker address: it is the pool's own source of it.
 */
export const POOL_SETTINGS = [
  setting({
    key: 'tags',
    field: 'extraTags',
    spec: {kind: 'list', items: TAG, example: '[team-infra]'},
    read: (decoded): string[] => (decoded as string[] | undefined) ?? [],
    auto: {misplaced: 'the broker\'s digitalocean_auto has no tags: use labels (each becomes a tag key:value)'},
  }),
  // The broker's raw agent.yaml escape hatch, used only when there is no agent_config.
  setting({
    key: 'agent_config_content',
    field: 'agentConfigContent',
    spec: string(),
    read: nonEmpty,
    auto: {misplaced: 'the broker\'s digitalocean_auto has no agent_config_content: define the pool under agent_pools'},
  }),
  // velda.agent.AgentConfig as written in the file (snake_case keys).
  setting({
    key: 'agent_config',
    field: 'agentConfig',
    spec: AGENT_CONFIG,
    read: (decoded): Record<string, unknown> | null => (decoded as DecodedObject | undefined) ?? null,
    auto: {
      misplaced: 'the broker\'s digitalocean_auto has no agent_config (its pools\' agent.yaml gets only pool and broker): define the pool under agent_pools to set more',
      // The broker's provisioner always sets an empty agent_config, so its pools' agent.yaml gets pool and broker.
      provisioned: {},
    },
    // The broker address: --broker, then this agent_config's broker.address, then default_broker_info (top-level-settings.ts).
    from: {flag: '--broker'},
    report: shown('broker', 'broker', showResolved),
  }),
  setting({
    key: 'labels',
    field: 'labels',
    spec: {kind: 'stringMap'},
    read: (decoded): Label[] => ((decoded as StringMapEntry[] | undefined) ?? []).map(({key, value}) => ({key, value})),
    auto: 'provisioner',
  }),
  setting({
    key: 'agent_version_override',
    field: 'agentVersionOverride',
    spec: AGENT_VERSION,
    read: nonEmpty,
    auto: 'provisioner',
    from: {flag: '--agent-version'},
    report: shown('agent_version', 'agent', showResolved),
  }),
  setting({
    key: 'api_token',
    field: 'apiToken',
    spec: {kind: 'string', secret: true, bareVariable: true},
    read: (decoded): SecretSetting | null => (decoded as SecretSetting | undefined) ?? null,
    auto: 'provisioner',
    // DIGITALOCEAN_ACCESS_TOKEN is doctl's name. The variables come before the file: a shell's token wins.
    from: {env: ['DIGITALOCEAN_API_TOKEN', 'DIGITALOCEAN_ACCESS_TOKEN', 'DIGITALOCEAN_TOKEN']},
    report: shown('api_token', 'token', (value: TokenReport | null) =>
      (value ? `${value.value} from ${value.source}${value.set ? '' : ' (not set)'}` : 'none')),
  }),
  setting({
    key: 'api_endpoint',
    field: 'apiEndpoint',
    spec: string(endpointProblem),
    read: (decoded): string | null => nonEmpty(decoded)?.replace(/\/+$/, '') ?? null,
    auto: 'provisioner',
    from: {flag: '--api-endpoint', env: ['DIGITALOCEAN_API_ENDPOINT'], default: DEFAULT_API_ENDPOINT},
    report: shown('api_endpoint', 'endpoint', (value: Resolved<string>) => showResolved(value)),
  }),
  setting({
    key: 'tailscale_config',
    field: 'tailscale',
    spec: TAILSCALE_CONFIG,
    read: (decoded): TailscaleSettings | null => {
      const tailscale = decoded as DecodedObject | undefined
      return tailscale?.pre_auth_key ? {server: nonEmpty(tailscale.server), preAuthKey: tailscale.pre_auth_key as SecretSetting} : null
    },
    auto: 'provisioner',
    report: shown('tailscale', 'tailscale', (value: TailscaleReport | null) =>
      (value ? `${value.server ?? 'Tailscale\'s own server'}, key ${value.pre_auth_key}${value.set ? '' : ' (not set)'}` : 'off')),
  }),
] as const

type PoolSetting = (typeof POOL_SETTINGS)[number]
type Reported = Extract<PoolSetting, {report: unknown}>

/** These settings of a PoolConfig, by field. */
export type PoolSettingValues = {[S in PoolSetting as S['field']]: ReturnType<S['read']>}

/** What `config validate --json` shows of them, by report key. */
export type PoolSettingReport = {[S in Reported as S['report']['key']]: Parameters<S['report']['show']>[0]}

/** A setting's declaration by config key, for the code that resolves it. */
export function poolSetting<K extends PoolSetting['key']>(key: K): Extract<PoolSetting, {key: K}> {
  return POOL_SETTINGS.find((s): s is Extract<PoolSetting, {key: K}> => s.key === key) as Extract<PoolSetting, {key: K}>
}

/** The schema entries of the settings that digitalocean_droplet has (all) or a digitalocean_auto provisioner has. */
export function poolSettingSpecs(place: 'droplet' | 'provisioner'): Record<string, Spec> {
  return Object.fromEntries(POOL_SETTINGS.filter((s) => place === 'droplet' || s.auto === 'provisioner').map((s) => [s.key, s.spec]))
}

/** What digitalocean_auto says of a key it does not have, by key. */
export function misplacedInProvisioner(): Record<string, string> {
  return Object.fromEntries(POOL_SETTINGS.flatMap((s) => (s.auto === 'provisioner' ? [] : [[s.key, s.auto.misplaced]])))
}

/** A provisioned pool's settings as the broker builds its droplet template: the provisioner's, or the broker's value. */
export function provisionedPoolSettings(provisioner: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  return Object.fromEntries(POOL_SETTINGS.map((s) => [s.key, s.auto === 'provisioner' ? provisioner?.[s.key] : 'provisioned' in s.auto ? s.auto.provisioned : undefined]))
}

/** The decoder's values of a digitalocean_droplet (or a provisioned pool's template) as PoolConfig fields. */
export function readPoolSettings(decoded: Readonly<Record<string, unknown>>): PoolSettingValues {
  // Each value comes from its own entry's `read`: TypeScript cannot follow the loop, so the object is typed here.
  return Object.fromEntries(POOL_SETTINGS.map((s) => [s.field, s.read(decoded[s.key])])) as PoolSettingValues
}

/** The order `config validate` shows them in, text and `--json`: where a command connects first. */
export const REPORT_ORDER = ['api_endpoint', 'api_token', 'broker', 'agent_version', 'tailscale'] as const satisfies readonly (keyof PoolSettingReport)[]

/** Compiles only when every shown setting has its place in REPORT_ORDER. */
type _EveryShownHasAPlace = Never<Exclude<keyof PoolSettingReport, (typeof REPORT_ORDER)[number]>>
type Never<T extends never> = T

const SHOWN: ReadonlyMap<string, Shown<never>> = new Map(POOL_SETTINGS.flatMap((s) => ('report' in s ? [[s.report.key, s.report] as const] : [])))

/** The report's values of these settings in REPORT_ORDER, the order `--json` prints them in. */
export function inReportOrder(report: PoolSettingReport): PoolSettingReport {
  return Object.fromEntries(REPORT_ORDER.map((key) => [key, report[key]])) as PoolSettingReport
}

/** `config validate`'s rows of these settings, in REPORT_ORDER: `[label, text]`. */
export function showPoolSettings(report: PoolSettingReport): [string, string][] {
  return REPORT_ORDER.flatMap((key): [string, string][] => {
    const shown = SHOWN.get(key)
    return shown ? [[shown.label, shown.describe(report[key])]] : []
  })
}

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}
