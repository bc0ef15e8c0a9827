import type {Catalog, CatalogImage, CatalogRegion, CatalogSize} from './seed-catalog.js'
import {amdImageOf} from './cloud-profile.js'
import type {CapacityBook} from './capacity.js'
import type {AssignmentStatus} from './projects.js'
import {randomHex} from './random.js'
import {utcSeconds} from '../text/wire-formats.js'

/**
 * The simulator's droplets, in one place: what a droplet is, how it is created (by the API or seeded), how it lives
 * (turns active, powers off, moves project, is deleted), and how it shows (DigitalOcean's JSON, the admin view,
 * what its machine boots). The API core routes requests here; the simulated hosts read droplets from here.
 */

/** A droplet as the simulator keeps it; `dropletToApi` gives DigitalOcean's JSON for it at a given moment. */
export interface SimDroplet {
  id: number
  name: string
  size: CatalogSize
  region: CatalogRegion
  image: CatalogImage
  tags: string[]
  vpcUuid: string
  ipv6: boolean
  backups: boolean
  monitoring: boolean
  userData: string | null
  sshKeys: (string | number)[]
  createdAt: number
  /** When it turns active; null: stays `new` until activated through the admin API. */
  activeAt: number | null
  /** Powered off (still billed, addresses kept): `off` once active. */
  poweredOff: boolean
  /** The project it is in: the account's default one until assigned elsewhere. */
  projectId: string
  /** When it joined that project (ms since the epoch). */
  projectAssignedAt: number
  /** Addresses it shows once active. */
  publicIpv4: string
  privateIpv4: string
  publicIpv6: string
}

/** What a create request asks for, read from its body: the live API's rules are checked on it (createProblem). */
export interface CreateRequest {
  names: string[]
  size: string
  region: string
  image: string | number
  tags: string[]
  sshKeys: (string | number)[]
  userData: string | null
  ipv6: boolean
  backups: boolean
  monitoring: boolean
  vpcUuid?: string
}

/** Droplets made through the admin API (`POST /__sim/droplets`), as a test or a rehearsal wants them. */
export interface SeedDroplets {
  count: number
  size?: string
  region?: string
  image?: string | number
  /** Names are `<namePrefix>-<n>`, or `<namePrefix><n>` when it ends in a dash. */
  namePrefix?: string
  tags?: string[]
  /** `off`: active, then powered off. */
  status?: 'new' | 'active' | 'off'
  /** Made this long ago (created_at in the past), or at `createdAt` (RFC 3339). */
  ageSeconds?: number
  createdAt?: string
  /** With a public IPv6 address, as a droplet created with `ipv6: true`. */
  ipv6?: boolean
}

export interface DropletStoreOptions {
  catalog: Catalog
  now: () => number
  /** The simulator's seeded generator: ids, addresses and VPCs follow the seed. */
  random: () => number
  /** How long a new droplet stays `new`; a function gives each droplet its own (by creation order). null: until activated. */
  activeAfterMs?: number | null | ((index: number) => number | null)
  /** The addresses of the n-th droplet (from 1); documentation ranges unless told (hosts use loopback ones). */
  addresses?: (n: number) => {publicIpv4: string; privateIpv4: string}
  /** The project a new droplet lands in. */
  defaultProjectId: () => string
  /** Free places per size and region (capacity.ts): a create past them is refused, a delete frees one. */
  capacity?: CapacityBook
}

/** One droplet as addDroplet() makes it; a seeded `status` is its state from the start. */
interface NewDroplet extends Partial<Omit<CreateRequest, 'names' | 'image' | 'size' | 'region'>> {
  name: string
  size: string
  region: string
  image: string | number
  status?: 'new' | 'active' | 'off'
  createdAt?: number
}

export class DropletStore {
  private readonly droplets = new Map<number, SimDroplet>()
  private nextId: number
  /** How many droplets were ever made: picks each one's activation delay and addresses. */
  private created = 0

  constructor(private readonly options: DropletStoreOptions) {
    this.nextId = 400_000_000 + Math.floor(options.random() * 1_000_000)
  }

  get(id: number): SimDroplet | undefined {
    return this.droplets.get(id)
  }

  all(): SimDroplet[] {
    return [...this.droplets.values()]
  }

  /** GET /v2/droplets: GPU droplets only with `type=gpus` (and only then), by tag and/or name. */
  list(filter: {gpus: boolean; tag?: string; name?: string}): SimDroplet[] {
    return this.all().filter(
      (d) => isGpuDroplet(d) === filter.gpus && (filter.tag === undefined || d.tags.includes(filter.tag)) && (filter.name === undefined || d.name === filter.name),
    )
  }

  /** A create request: DigitalOcean's 422 message when the live API would refuse it, else the droplets made. */
  create(request: CreateRequest): {problem: string} | {droplets: SimDroplet[]} {
    const problem = createProblem(this.options.catalog, request, this.droplets.size)
    if (problem) return {problem}
    // All or nothing, checked last (a request the API refuses for what it says is refused for that first): 10
    // names with 3 places free make none, the words of a region out of that size (docs/simulator.md, "Capacity").
    if (this.options.capacity?.take(request.size, request.region, request.names.length) === false) return {problem: REFUSALS.sizeUnavailable}
    const {names, ...common} = request
    return {droplets: names.map((name) => this.addDroplet({...common, name}))}
  }

  seed(seed: SeedDroplets): SimDroplet[] {
    checkSeed(seed)
    const size = seed.size ?? 's-1vcpu-1gb'
    const sizeInfo = this.options.catalog.sizes.find((s) => s.slug === size)
    const region = seed.region ?? sizeInfo?.regions[0] ?? 'nyc3'
    // GPU droplets get their vendor's image, as operators create them.
    const vendor = sizeInfo ? gpuVendorOf(sizeInfo) : 'none'
    const image = seed.image ?? {amd: amdImageOf(this.options.catalog), nvidia: 'gpu-h100x1-base', none: 'ubuntu-24-04-x64'}[vendor]
    const prefix = seed.namePrefix ?? 'seeded'
    const now = this.options.now()
    return Array.from({length: seed.count}, (_v, i) =>
      this.addDroplet({
        name: prefix.endsWith('-') ? `${prefix}${i + 1}` : `${prefix}-${i + 1}`,
        size,
        region,
        image,
        tags: seed.tags ?? [],
        status: seed.status ?? 'active',
        ipv6: seed.ipv6,
        createdAt: seed.createdAt !== undefined ? Date.parse(seed.createdAt) : seed.ageSeconds !== undefined ? now - seed.ageSeconds * 1000 : undefined,
      }),
    )
  }

  delete(id: number): boolean {
    const droplet = this.droplets.get(id)
    if (!droplet) return false
    this.droplets.delete(id)
    // Its machine is free for the next create at once.
    this.options.capacity?.give(droplet.size.slug, droplet.region.slug)
    return true
  }

  deleteTagged(tag: string): void {
    for (const droplet of this.all()) if (droplet.tags.includes(tag)) this.delete(droplet.id)
  }

  /** Turns droplets active now (all `new` ones when no ids are given). Answers how many changed. */
  activate(ids?: number[]): number {
    const now = this.options.now()
    let count = 0
    for (const droplet of this.droplets.values()) {
      if (ids && !ids.includes(droplet.id)) continue
      if (dropletStatus(droplet, now) === 'new') {
        droplet.activeAt = now
        count++
      }
    }
    return count
  }

  /** These stay `new` until activated: a create that never comes up (the `stuck` fault). */
  holdNew(droplets: readonly SimDroplet[]): void {
    for (const droplet of droplets) droplet.activeAt = null
  }

  /** Powers droplets off (or on): they stay, are billed, and show `off`. Answers how many changed. */
  power(ids: number[], on: boolean): number {
    let count = 0
    for (const id of ids) {
      const droplet = this.droplets.get(id)
      if (!droplet || droplet.poweredOff === !on) continue
      droplet.poweredOff = !on
      count++
    }
    return count
  }

  /** Moves a droplet into a project: DigitalOcean's per-resource status, and when it joined the project it is in. */
  moveToProject(id: number | null, projectId: string): {status: AssignmentStatus; assignedAt: number} {
    const now = this.options.now()
    const droplet = id === null ? undefined : this.droplets.get(id)
    if (!droplet) return {status: 'not_found', assignedAt: now}
    if (droplet.projectId === projectId) return {status: 'already_assigned', assignedAt: droplet.projectAssignedAt}
    droplet.projectId = projectId
    droplet.projectAssignedAt = now
    return {status: 'assigned', assignedAt: now}
  }

  /** The admin API's view: the API's JSON and what only the simulator knows (user data, keys, project). */
  adminList(): Record<string, unknown>[] {
    const now = this.options.now()
    return this.all().map((d) => ({...dropletToApi(d, now), user_data: d.userData, ssh_keys: d.sshKeys, project_id: d.projectId}))
  }

  clear(): void {
    this.droplets.clear()
  }

  private addDroplet(spec: NewDroplet): SimDroplet {
    const {catalog} = this.options
    const size = catalog.sizes.find((s) => s.slug === spec.size)
    const region = catalog.regions.find((r) => r.slug === spec.region)
    const image = findImage(catalog, spec.image)
    if (!size || !region || !image) throw new Error(`unknown size, region or image: ${spec.size} ${spec.region} ${spec.image}`)
    const now = this.options.now()
    const delay = this.options.activeAfterMs
    const after = typeof delay === 'function' ? delay(this.created) : delay === undefined ? 3_000 : delay
    this.created++
    const random = this.options.random
    const droplet: SimDroplet = {
      id: this.nextId++,
      name: spec.name,
      size,
      region,
      image,
      tags: [...new Set(spec.tags ?? [])],
      vpcUuid: spec.vpcUuid ?? `${randomHex(random, 8)}-${randomHex(random, 4)}-4${randomHex(random, 3)}-a${randomHex(random, 3)}-${randomHex(random, 12)}`,
      ipv6: spec.ipv6 ?? false,
      backups: spec.backups ?? false,
      monitoring: spec.monitoring ?? false,
      userData: spec.userData ?? null,
      sshKeys: spec.sshKeys ?? [],
      createdAt: spec.createdAt ?? now,
      // Seeded `new` stays new until activated (a create that never came up); a created one turns active after the delay.
      activeAt: spec.status === 'active' || spec.status === 'off' ? (spec.createdAt ?? now) : spec.status === 'new' || after === null ? null : now + after,
      poweredOff: spec.status === 'off',
      projectId: this.options.defaultProjectId(),
      projectAssignedAt: spec.createdAt ?? now,
      ...newAddresses(random),
      ...this.options.addresses?.(this.created),
    }
    this.droplets.set(droplet.id, droplet)
    return droplet
  }
}

export function isGpuDroplet(droplet: SimDroplet): boolean {
  return droplet.size.gpu_info !== undefined
}

/** Whose GPUs a size has, from the model DigitalOcean names (`amd-mi300x`, `nvidia_h100`). */
export function gpuVendorOf(size: CatalogSize): 'amd' | 'nvidia' | 'none' {
  const model = size.gpu_info?.model ?? ''
  return model.startsWith('amd') ? 'amd' : model.startsWith('nvidia') ? 'nvidia' : 'none'
}

/** The agent version its boot script installs (the rendered `VELDA_VERSION='...'`); unknown without one. */
export function agentVersionOf(droplet: SimDroplet): string {
  return /^\s*VELDA_VERSION='([^']*)'/m.exec(droplet.userData ?? '')?.[1] ?? 'unknown'
}

export function dropletStatus(droplet: SimDroplet, now: number): 'new' | 'active' | 'off' {
  if (droplet.activeAt === null || now < droplet.activeAt) return 'new'
  return droplet.poweredOff ? 'off' : 'active'
}

function newAddresses(random: () => number): Pick<SimDroplet, 'publicIpv4' | 'privateIpv4' | 'publicIpv6'> {
  const octet = () => 1 + Math.floor(random() * 253)
  return {
    // 203.0.113.0/24 and friends are documentation ranges: they can never be a real host.
    publicIpv4: `203.0.${113 + Math.floor(random() * 3)}.${octet()}`,
    privateIpv4: `10.${octet()}.${octet()}.${octet()}`,
    publicIpv6: `2001:db8::${randomHex(random, 4)}`,
  }
}

export function dropletToApi(droplet: SimDroplet, now: number): Record<string, unknown> {
  const status = dropletStatus(droplet, now)
  // A powered-off droplet keeps its addresses.
  const active = status !== 'new'
  const v4 = active
    ? [
        {ip_address: droplet.publicIpv4, netmask: '255.255.240.0', gateway: droplet.publicIpv4.replace(/\.\d+$/, '.1'), type: 'public'},
        {ip_address: droplet.privateIpv4, netmask: '255.255.0.0', gateway: droplet.privateIpv4.replace(/\.\d+$/, '.1'), type: 'private'},
      ]
    : []
  const v6 = active && droplet.ipv6 ? [{ip_address: droplet.publicIpv6, netmask: 64, gateway: '2001:db8::1', type: 'public'}] : []
  const features = [...(droplet.backups ? ['backups'] : []), ...(droplet.ipv6 ? ['ipv6'] : []), ...(droplet.monitoring ? ['monitoring'] : []), 'private_networking']
  return {
    id: droplet.id,
    name: droplet.name,
    memory: droplet.size.memory,
    vcpus: droplet.size.vcpus,
    disk: droplet.size.disk,
    ...(droplet.size.disk_info ? {disk_info: droplet.size.disk_info} : {}),
    locked: false,
    status,
    kernel: null,
    created_at: utcSeconds(droplet.createdAt),
    features,
    backup_ids: [],
    // DigitalOcean's create examples give a new droplet with backups no window yet; its active ones have one.
    next_backup_window: droplet.backups && active ? nextBackupWindow(droplet.createdAt) : null,
    snapshot_ids: [],
    image: imageToApi(droplet.image),
    volume_ids: [],
    size: droplet.size,
    size_slug: droplet.size.slug,
    networks: {v4, v6},
    region: droplet.region,
    tags: droplet.tags,
    vpc_uuid: droplet.vpcUuid,
    ...(droplet.size.gpu_info ? {gpu_info: droplet.size.gpu_info} : {}),
  }
}

/** DigitalOcean's 422 messages for a droplet create it refuses, word for word as reported (docs/do-api.md). */
export const REFUSALS = {
  dropletLimit: 'creating this/these droplet(s) will exceed your droplet limit',
  sizeNotInRegion: 'Size is not available in this region.',
  sizeUnavailable: 'size is unavailable',
  regionUnavailable: 'Region is not available',
  invalidRegion: 'You specified an invalid region for Droplet creation.',
  invalidSize: 'You specified an invalid size for Droplet creation.',
  invalidImage: 'You specified an invalid image for Droplet creation.',
  hostname: 'Only valid hostname characters are allowed. (a-z, A-Z, 0-9, . and -)',
} as const

/** An image as DigitalOcean shows it: with `error_message`, empty unless the image failed (its examples always have it). */
export function imageToApi(image: CatalogImage): Record<string, unknown> {
  return {...image, error_message: typeof image.error_message === 'string' ? image.error_message : ''}
}

/** The day after the droplet was made, as DigitalOcean's examples show a backed-up droplet's next window: a whole UTC day. */
function nextBackupWindow(createdAt: number): {start: string; end: string} {
  const day = new Date(createdAt)
  const start = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() + 1)
  return {start: utcSeconds(start), end: utcSeconds(start + 23 * 3_600_000)}
}

/**
 * Live-API semantics the OpenAPI schema does not state; each returns DigitalOcean's 422 message, in the words seen
 * in public (docs/do-api.md, "What DigitalOcean says when it refuses", names the source of each). Which condition
 * gets "size is unavailable" rather than "Size is not available in this region." no report says: the simulator
 * gives the first to a size sold nowhere now, the second to one sold elsewhere.
 */
function createProblem(catalog: Catalog, request: CreateRequest, existing: number): string | null {
  const size = catalog.sizes.find((s) => s.slug === request.size)
  if (!size) return REFUSALS.invalidSize
  const region = catalog.regions.find((r) => r.slug === request.region)
  if (!region) return REFUSALS.invalidRegion
  if (!region.available) return REFUSALS.regionUnavailable
  if (!size.available || size.regions.length === 0) return REFUSALS.sizeUnavailable
  if (!size.regions.includes(region.slug) || !region.sizes.includes(size.slug)) return REFUSALS.sizeNotInRegion
  const image = findImage(catalog, request.image)
  if (!image) return REFUSALS.invalidImage
  for (const key of request.sshKeys) {
    const known = catalog.sshKeys.some((k) => k.id === key || k.fingerprint === key || String(k.id) === String(key))
    if (!known) return `The SSH key ${key} could not be found on this account.`
  }
  const hostname = /^[a-zA-Z0-9]?[a-z0-9A-Z.-]*[a-z0-9A-Z]$/
  if (request.names.some((n) => !hostname.test(n) || n.length > 255)) return REFUSALS.hostname
  if (request.userData !== null && Buffer.byteLength(request.userData, 'utf8') > 65_536) return 'user_data is limited to 64 KiB.'
  const limit = Number(catalog.account.droplet_limit)
  // The same words for one droplet or ten, and no number in them: DigitalOcean's own.
  if (existing + request.names.length > limit) return REFUSALS.dropletLimit
  return null
}

export function findImage(catalog: Catalog, image: string | number): CatalogImage | undefined {
  return catalog.images.find((i) => i.slug === image || i.id === image || String(i.id) === String(image))
}

/**
 * A seed the admin API was given: refused whole when a field could not make a droplet the API could show (a
 * created_at that is not a time would break every later listing).
 */
function checkSeed(seed: SeedDroplets): void {
  if (!Number.isSafeInteger(seed.count) || seed.count < 0) throw new Error('"count" is a whole number, 0 or more')
  if (seed.status !== undefined && !['new', 'active', 'off'].includes(seed.status)) throw new Error('"status" is one of new, active, off')
  if (seed.ageSeconds !== undefined && !(typeof seed.ageSeconds === 'number' && Number.isFinite(seed.ageSeconds) && seed.ageSeconds >= 0)) {
    throw new Error('"ageSeconds" is a number of seconds, 0 or more')
  }
  if (seed.createdAt !== undefined && (typeof seed.createdAt !== 'string' || Number.isNaN(Date.parse(seed.createdAt)))) {
    throw new Error('"createdAt" is a time, e.g. 2026-11-27T10:00:00Z')
  }
  if (seed.createdAt !== undefined && seed.ageSeconds !== undefined) throw new Error('give "createdAt" or "ageSeconds", not both')
  if (seed.tags !== undefined && !(Array.isArray(seed.tags) && seed.tags.every((tag) => typeof tag === 'string'))) throw new Error('"tags" is a list of tag names')
}
