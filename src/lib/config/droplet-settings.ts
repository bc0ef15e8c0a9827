import type {Spec, StringCheck, StringSpec} from './spec.js'
import {UUID_PATTERN} from '../text/wire-formats.js'

/**
 * The settings of the droplets themselves, each declared once: the broker's config key, the PoolConfig field, the
 * key of DigitalOcean's create body and how `config validate` shows it. The decoder's schema entries, PoolConfig's
 * fields, the create body and the summary rows are all derived from this table, so a new setting is one line here
 * (plus, for a create field velda-do never sent before, its line in do/types.ts's DropletCreateRequest).
 */

const SLUG_PATTERN = /^[a-z0-9][a-z0-9._-]*$/
const INT32_MAX = 2_147_483_647

/**
 * How one kind of value is checked in the file (`spec`), turned from the decoder's value into its type (`read`:
 * undefined only when a required key is absent, which the decoder reports), and shown by `config validate`.
 */
interface Kind<T> {
  spec: Spec
  required: boolean
  read: (decoded: unknown) => T | undefined
  show: (value: T) => string
}

/** A kind with `describe`: `show` behind `read`, so a caller holding any entry of the table can show its value. */
interface ShownKind<T> extends Kind<T> {
  describe: (value: unknown) => string
}

function kind<T>(k: Kind<T>): ShownKind<T> {
  return {...k, describe: (value) => {
    const typed = k.read(value)
    return typed === undefined ? '' : k.show(typed)
  }}
}

const checkedString = (check: StringCheck): StringSpec => ({kind: 'string', check})

const slug = (what: 'size' | 'region', example: string): ShownKind<string> => kind({
  spec: checkedString((value) =>
    SLUG_PATTERN.test(value) ? undefined : {message: `"${value}" is not a ${what} slug`, fix: `write a slug like ${example} (velda-do ${what === 'size' ? 'sizes' : 'regions'} lists them)`}),
  required: true,
  read: (decoded) => (typeof decoded === 'string' ? decoded : undefined),
  show: (value) => value,
})

/** Always a string, as in the broker's schema: `image: 12345` unquoted is a number, which the broker refuses. */
const image = kind<string>({
  spec: checkedString((value) => (value === '' ? {message: 'the image is empty', fix: 'write an image slug like ubuntu-24-04-x64, or a numeric id in quotes: image: "12345"'} : undefined)),
  required: true,
  read: (decoded) => (typeof decoded === 'string' ? decoded : undefined),
  show: (value) => value,
})

const sshKeyIds = kind<number[]>({
  spec: {kind: 'list', items: {kind: 'int', min: 1, max: INT32_MAX}, example: '[52896465]'},
  required: false,
  read: (decoded) => (Array.isArray(decoded) ? decoded.filter((id): id is number => typeof id === 'number') : []),
  show: (value) => (value.length > 0 ? value.join(', ') : 'none'),
})

/** A proto3 bool: absent is false, and false is sent (DigitalOcean's default too). */
const flag = kind<boolean>({
  spec: {kind: 'bool'},
  required: false,
  read: (decoded) => decoded === true,
  show: (value) => (value ? 'on' : 'off'),
})

/** "" is unset, as in the broker (proto3): the account's default VPC of the region. */
const vpcUuid = kind<string | null>({
  spec: checkedString((value) =>
    value === '' || UUID_PATTERN.test(value) ? undefined : {message: `"${value}" is not a VPC UUID`, fix: 'copy the VPC id from `doctl vpcs list` (like 5a4981aa-9653-4bd1-bef5-d6bff52042e4), or leave vpc_uuid out'}),
  required: false,
  read: (decoded) => (typeof decoded === 'string' && decoded !== '' ? decoded : null),
  show: (value) => value ?? 'default',
})

/** Where a digitalocean_auto provisioner has the setting: on itself (shared by its pools) or on each of its pool_details. */
export type AutoPlace = 'provisioner' | 'pool_details'

interface Declaration {
  /** The key as the broker's schema spells it, in digitalocean_droplet and in digitalocean_auto (see `auto`). */
  key: string
  field: string
  auto: AutoPlace
  /** The key in the body of POST /v2/droplets; a null value is left out (DigitalOcean's default applies). */
  body: string
  /** With a label, `config validate` shows it among the pool's options (`backups on`); without, in a row of its own. */
  label?: string
}

function setting<T, const D extends Declaration>(of: ShownKind<T>, declaration: D): ShownKind<T> & D {
  return {...of, ...declaration}
}

/** In the order `config validate --json` lists them, and the order the required ones are reported missing in. */
export const DROPLET_SETTINGS = [
  setting(slug('size', 'gpu-mi300x1-192gb-devcloud'), {key: 'size', field: 'size', auto: 'pool_details', body: 'size'}),
  setting(slug('region', 'atl1'), {key: 'region', field: 'region', auto: 'provisioner', body: 'region'}),
  setting(image, {key: 'image', field: 'image', auto: 'pool_details', body: 'image'}),
  setting(sshKeyIds, {key: 'ssh_key_ids', field: 'sshKeyIds', auto: 'provisioner', body: 'ssh_keys'}),
  setting(flag, {key: 'backups', field: 'backups', auto: 'pool_details', body: 'backups', label: 'backups'}),
  setting(flag, {key: 'ipv6', field: 'ipv6', auto: 'pool_details', body: 'ipv6', label: 'ipv6'}),
  setting(flag, {key: 'monitoring', field: 'monitoring', auto: 'pool_details', body: 'monitoring', label: 'monitoring'}),
  setting(vpcUuid, {key: 'vpc_uuid', field: 'vpcUuid', auto: 'pool_details', body: 'vpc_uuid', label: 'vpc'}),
] as const

type DropletSetting = (typeof DROPLET_SETTINGS)[number]
type ValueOf<S extends DropletSetting> = Exclude<ReturnType<S['read']>, undefined>

/** The droplet settings of a PoolConfig, by field. */
export type DropletSettingValues = {[S in DropletSetting as S['field']]: ValueOf<S>}

/** The same settings in `config validate --json`, by config key. */
export type DropletSettingSummary = {[S in DropletSetting as S['key']]: ValueOf<S>}

/** The settings' part of a create body: null ones (unset, DigitalOcean's default) are left out. */
export type DropletSettingBody = {[S in DropletSetting as null extends ValueOf<S> ? never : S['body']]: ValueOf<S>}
  & {[S in DropletSetting as null extends ValueOf<S> ? S['body'] : never]?: NonNullable<ValueOf<S>>}

/** The schema entries of the settings that live at `place` (every one of them for digitalocean_droplet). */
export function settingSpecs(place: AutoPlace | 'droplet'): Record<string, Spec> {
  return Object.fromEntries(settingsAt(place).map((s) => [s.key, s.spec]))
}

export function requiredSettings(place: AutoPlace | 'droplet'): string[] {
  return settingsAt(place).filter((s) => s.required).map((s) => s.key)
}

function settingsAt(place: AutoPlace | 'droplet'): readonly DropletSetting[] {
  return DROPLET_SETTINGS.filter((s) => place === 'droplet' || s.auto === place)
}

/**
 * The decoder's values of a digitalocean_droplet (or a provisioned pool's equivalent) as typed settings, or
 * undefined when a required one is missing (the decoder has reported it).
 */
export function readDropletSettings(decoded: Readonly<Record<string, unknown>>): DropletSettingValues | undefined {
  const values: [string, unknown][] = []
  for (const s of DROPLET_SETTINGS) {
    const value = s.read(decoded[s.key])
    if (value === undefined) return undefined
    values.push([s.field, value])
  }
  return fromTable<DropletSettingValues>(values)
}

/** The droplet a provisioned pool gets: each setting from the provisioner or from the pool's own entry. */
export function provisionedSettings(provisioner: Readonly<Record<string, unknown>> | undefined, detail: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(DROPLET_SETTINGS.map((s) => [s.key, (s.auto === 'provisioner' ? provisioner : detail)?.[s.key]]))
}

export function dropletSettingSummary(pool: DropletSettingValues): DropletSettingSummary {
  return fromTable<DropletSettingSummary>(DROPLET_SETTINGS.map((s) => [s.key, pool[s.field]]))
}

export function dropletSettingBody(pool: DropletSettingValues): DropletSettingBody {
  return fromTable<DropletSettingBody>(DROPLET_SETTINGS.flatMap((s) => (pool[s.field] === null ? [] : [[s.body, pool[s.field]]])))
}

/**
 * The one place a loop over the table meets the types derived from it: TypeScript cannot follow a loop over
 * entries of different types, so the object built from `[name, value]` pairs, each value from its own entry (its
 * `read`, or a field of that entry's type), is given the derived type here.
 */
function fromTable<T>(pairs: readonly (readonly [string, unknown])[]): T {
  return Object.fromEntries(pairs) as T
}

/** `config validate`'s text of one setting from its summary, e.g. `on` or `52896465, 52896466`. */
export function showSetting(key: DropletSetting['key'], summary: DropletSettingSummary): string {
  const s = DROPLET_SETTINGS.find((d) => d.key === key)
  return s ? s.describe(summary[key]) : ''
}

/** The labelled settings in one line, as `config validate` shows them: `backups off, ipv6 on, ..., vpc default`. */
export function showOptions(summary: DropletSettingSummary): string {
  return DROPLET_SETTINGS.flatMap((s) => ('label' in s ? [`${s.label} ${s.describe(summary[s.key])}`] : [])).join(', ')
}
