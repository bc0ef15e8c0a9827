import type {DigitalOceanApi} from '../../src/lib/do/client.js'
import {ApiError} from '../../src/lib/do/errors.js'
import {isRunTag} from '../../src/lib/do/run-tag.js'
import type {TagCounts} from '../../src/lib/do/tags.js'
import type {Account, AccountDetails, Droplet, DropletCreateRequest, DropletFilter, Image, Project, ProjectAssignment, Region, Size, SshKey} from '../../src/lib/do/types.js'

/** Sizes of the catalog the fake serves: one CPU size and the MI300X ones, in nyc3 and atl1. */
export const FAKE_SIZES: Size[] = [
  {slug: 's-1vcpu-1gb', description: 'Basic', vcpus: 1, memory_mb: 1024, disk_gb: 25, price_hourly: 0.00893, price_monthly: 6, available: true, regions: ['nyc3', 'atl1'], gpu: null},
  {slug: 's-2vcpu-4gb', description: 'Basic', vcpus: 2, memory_mb: 4096, disk_gb: 80, price_hourly: 0.03571, price_monthly: 24, available: true, regions: ['nyc3', 'atl1'], gpu: null},
  {slug: 'gpu-mi300x1-192gb-devcloud', description: 'AMD MI300X', vcpus: 20, memory_mb: 245_760, disk_gb: 720, price_hourly: 1.99, price_monthly: 1337.28, available: true, regions: ['atl1'], gpu: {count: 1, model: 'amd_mi300x', vram_gb: 192}},
  {slug: 'gpu-mi300x8-1536gb-devcloud', description: '8x AMD MI300X', vcpus: 160, memory_mb: 1_966_080, disk_gb: 5760, price_hourly: 15.92, price_monthly: 10_698.24, available: true, regions: ['atl1'], gpu: {count: 8, model: 'amd_mi300x', vram_gb: 1536}},
]

export const FAKE_REGIONS: Region[] = [
  {slug: 'nyc3', name: 'New York 3', available: true, features: ['metadata'], sizes: ['s-1vcpu-1gb', 's-2vcpu-4gb']},
  {slug: 'atl1', name: 'Atlanta 1', available: true, features: ['metadata'], sizes: ['s-1vcpu-1gb', 's-2vcpu-4gb', 'gpu-mi300x1-192gb-devcloud', 'gpu-mi300x8-1536gb-devcloud']},
]

/** One call the command made, by method name and its arguments: what a test asserts was (or was not) sent. */
export interface FakeCall {
  method: keyof DigitalOceanApi
  args: unknown[]
}

export interface FakeApiOptions {
  droplets?: Droplet[]
  sshKeys?: SshKey[]
  projects?: Project[]
  account?: Partial<AccountDetails>
  endpoint?: string
  /** The clock new droplets are stamped with. */
  now?: () => number
  /** A call that fails: the error to throw instead of answering (counted in `calls` all the same). */
  fail?: Partial<Record<keyof DigitalOceanApi, (...args: unknown[]) => Error | null>>
}

/**
 * An in-memory DigitalOcean behind velda-do's own DigitalOceanApi: for tests about a command (what it asks,
 * decides and prints), not about the wire (those use the simulator). Droplets it creates are `new` with no
 * address, as DigitalOcean's are.
 */
export class FakeApi implements DigitalOceanApi {
  readonly endpoint: string
  readonly calls: FakeCall[] = []
  droplets: Droplet[]
  /** Tags made by createTag (a tag a droplet carries exists too, as on DigitalOcean). */
  readonly tags = new Set<string>()
  private nextId = 1000
  private readonly options: FakeApiOptions

  constructor(options: FakeApiOptions = {}) {
    this.options = options
    this.endpoint = options.endpoint ?? 'https://api.fake.test'
    this.droplets = [...(options.droplets ?? [])]
  }

  /** The calls of one method, in order. */
  callsOf(method: keyof DigitalOceanApi): unknown[][] {
    return this.calls.filter((call) => call.method === method).map((call) => call.args)
  }

  private record(method: keyof DigitalOceanApi, args: unknown[]): void {
    this.calls.push({method, args})
    const error = this.options.fail?.[method]?.(...args)
    if (error) throw error
  }

  /** Each fake is an account of its own: two tests never share a pool lock. */
  private readonly account = `fake-account-${Math.random().toString(36).slice(2)}`

  async accountKey(): Promise<string> {
    this.record('accountKey', [])
    return this.account
  }

  async listSizes(): Promise<Size[]> {
    this.record('listSizes', [])
    return FAKE_SIZES
  }

  async listRegions(): Promise<Region[]> {
    this.record('listRegions', [])
    return FAKE_REGIONS
  }

  async listSshKeys(): Promise<SshKey[]> {
    this.record('listSshKeys', [])
    return this.options.sshKeys ?? [{id: 52_896_465, name: 'laptop', fingerprint: '3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa'}]
  }

  async getAccount(): Promise<Account> {
    this.record('getAccount', [])
    const {droplet_limit, status} = this.details()
    return {droplet_limit, status}
  }

  async describeAccount(): Promise<AccountDetails> {
    this.record('describeAccount', [])
    return this.details()
  }

  private details(): AccountDetails {
    return {droplet_limit: 25, status: 'active', status_message: '', email: 'ops@example.com', ...this.options.account}
  }

  async getImage(idOrSlug: string): Promise<Image | null> {
    this.record('getImage', [idOrSlug])
    return {id: 1, slug: idOrSlug, name: idOrSlug, regions: ['nyc3', 'atl1'], status: 'available'}
  }

  async listDroplets(filter: DropletFilter = {}): Promise<Droplet[]> {
    this.record('listDroplets', [filter])
    return this.matching(filter)
  }

  async countDroplets(filter: DropletFilter = {}): Promise<number> {
    this.record('countDroplets', [filter])
    return this.matching(filter).length
  }

  private matching(filter: DropletFilter): Droplet[] {
    // As DigitalOcean: GPU droplets only in a `type=gpus` listing, never in a tag listing.
    if (filter.gpus) return this.droplets.filter((d) => d.gpu_model !== null)
    const cpu = this.droplets.filter((d) => d.gpu_model === null)
    return filter.tagName === undefined ? cpu : cpu.filter((d) => d.tags.includes(filter.tagName as string))
  }

  async createDroplets(request: DropletCreateRequest): Promise<Droplet[]> {
    this.record('createDroplets', [request])
    const size = FAKE_SIZES.find((s) => s.slug === request.size)
    const created = request.names.map((name): Droplet => ({
      id: this.nextId++,
      name,
      status: 'new',
      region: request.region,
      size: request.size,
      image: String(request.image),
      public_ipv4: null,
      private_ipv4: null,
      public_ipv6: null,
      created_at: new Date((this.options.now ?? Date.now)()).toISOString().replace(/\.\d+Z$/, 'Z'),
      tags: [...request.tags],
      price_hourly: size?.price_hourly ?? null,
      gpu_model: size?.gpu?.model ?? null,
    }))
    this.droplets.push(...created)
    return created
  }

  async deleteDroplet(id: number): Promise<'deleted' | 'already-gone'> {
    this.record('deleteDroplet', [id])
    const before = this.droplets.length
    this.droplets = this.droplets.filter((d) => d.id !== id)
    return this.droplets.length < before ? 'deleted' : 'already-gone'
  }

  async listProjects(): Promise<Project[]> {
    this.record('listProjects', [])
    return this.options.projects ?? [{id: '00000000-0000-4000-8000-000000000001', name: 'default', is_default: true}]
  }

  async getProject(idOrDefault: string): Promise<Project | null> {
    this.record('getProject', [idOrDefault])
    const projects = this.options.projects ?? []
    return projects.find((p) => p.id === idOrDefault || (idOrDefault === 'default' && p.is_default)) ?? null
  }

  async assignToProject(projectId: string, dropletIds: number[]): Promise<ProjectAssignment[]> {
    this.record('assignToProject', [projectId, dropletIds])
    return dropletIds.map((id) => ({droplet_id: id, urn: `do:droplet:${id}`, status: 'assigned', assigned: true}))
  }

  async createTag(name: string): Promise<void> {
    this.record('createTag', [name])
    this.tags.add(name)
  }

  /** All or nothing, as the simulator: an id that is not a droplet is a 404 and tags none. */
  async tagDroplets(name: string, dropletIds: readonly number[]): Promise<void> {
    this.record('tagDroplets', [name, [...dropletIds]])
    if (!this.tagExists(name) || dropletIds.some((id) => !this.droplets.some((d) => d.id === id))) throw notFound('POST', `/v2/tags/${name}/resources`)
    this.droplets = this.droplets.map((d) => (dropletIds.includes(d.id) && !d.tags.includes(name) ? {...d, tags: [...d.tags, name]} : d))
  }

  async tagCounts(name: string): Promise<TagCounts | null> {
    this.record('tagCounts', [name])
    if (!this.tagExists(name)) return null
    const droplets = this.droplets.filter((d) => d.tags.includes(name)).length
    return {resources: droplets, droplets}
  }

  async deleteTag(name: string): Promise<'deleted' | 'already-gone'> {
    this.record('deleteTag', [name])
    if (!this.tagExists(name)) return 'already-gone'
    this.tags.delete(name)
    this.droplets = this.droplets.map((d) => (d.tags.includes(name) ? {...d, tags: d.tags.filter((t) => t !== name)} : d))
    return 'deleted'
  }

  /** Refuses what the real service refuses (droplets.ts), so a test of a bad tag sees no droplet go. */
  async deleteDropletsByTag(tag: string): Promise<void> {
    this.record('deleteDropletsByTag', [tag])
    if (!isRunTag(tag)) throw new RangeError(`refusing to send DELETE /v2/droplets?tag_name=${tag}`)
    if (!this.tagExists(tag)) throw notFound('DELETE', `/v2/droplets?tag_name=${tag}`)
    this.droplets = this.droplets.filter((d) => !d.tags.includes(tag))
  }

  private tagExists(name: string): boolean {
    return this.tags.has(name) || this.droplets.some((d) => d.tags.includes(name))
  }
}

function notFound(method: string, path: string): ApiError {
  return new ApiError(404, 'not_found', 'The resource you were accessing could not be found.', null, {method, path, attempts: 1})
}

/** The error DigitalOcean's 422 gives (an unavailable size, a bad key): for `fail` answers. */
export function unprocessable(message: string): ApiError {
  return new ApiError(422, 'unprocessable_entity', message, null, {method: 'POST', path: '/v2/droplets', attempts: 1})
}
