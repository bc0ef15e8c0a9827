import {ApiError} from './errors.js'
import {connectDots, type DotsConnection, type DotsDroplet, type DotsRegion, type DotsSize, type DotsSshKey} from './dots.js'
import {collectPages, PER_PAGE} from './paginate.js'
import {createTransport, type TransportOptions} from './transport.js'
import type {Account, Droplet, DropletCreateRequest, DropletFilter, DropletStatus, Region, Size, SshKey} from './types.js'

/** velda-do's door to DigitalOcean: every call goes through dots and the one transport. */
export interface DigitalOceanApi {
  readonly endpoint: string
  listSizes(): Promise<Size[]>
  listRegions(): Promise<Region[]>
  listSshKeys(): Promise<SshKey[]>
  getAccount(): Promise<Account>
  listDroplets(filter?: DropletFilter): Promise<Droplet[]>
  /** One POST; never retried here (the caller reconciles after an ambiguous failure). */
  createDroplets(request: DropletCreateRequest): Promise<Droplet[]>
  /** `already-gone` for a 404: the droplet no longer exists, which is what was wanted. */
  deleteDroplet(id: number): Promise<'deleted' | 'already-gone'>
}

export type ApiOptions = TransportOptions

export async function createDigitalOceanApi(options: ApiOptions): Promise<DigitalOceanApi> {
  const endpoint = options.endpoint.replace(/\/+$/, '')
  const dots = await connectDots(endpoint, createTransport({...options, endpoint}))
  return new DotsApi(endpoint, dots)
}

const query = (page: number, extra: {tagName?: string; type?: 'droplets' | 'gpus'} = {}) => ({queryParameters: {page, perPage: PER_PAGE, ...extra}})
const total = (answer: {meta?: {total?: number | null} | null} | undefined) => answer?.meta?.total ?? 0

class DotsApi implements DigitalOceanApi {
  constructor(
    readonly endpoint: string,
    private readonly dots: DotsConnection,
  ) {}

  private get v2() {
    return this.dots.client.v2
  }

  async listSizes(): Promise<Size[]> {
    const sizes = await collectPages(async (page) => {
      const answer = await this.v2.sizes.get(query(page))
      return {items: answer?.sizes ?? [], total: total(answer)}
    })
    return sizes.map(toSize)
  }

  async listRegions(): Promise<Region[]> {
    const regions = await collectPages(async (page) => {
      const answer = await this.v2.regions.get(query(page))
      return {items: answer?.regions ?? [], total: total(answer)}
    })
    return regions.map(toRegion)
  }

  async listSshKeys(): Promise<SshKey[]> {
    const keys = await collectPages(async (page) => {
      const answer = await this.v2.account.keys.get(query(page))
      return {items: answer?.sshKeys ?? [], total: total(answer)}
    })
    return keys.map(toSshKey)
  }

  async getAccount(): Promise<Account> {
    const answer = await this.v2.account.get()
    return {droplet_limit: answer?.account?.dropletLimit ?? 0, status: answer?.account?.status ?? 'unknown'}
  }

  async listDroplets(filter: DropletFilter = {}): Promise<Droplet[]> {
    const extra = filter.gpus ? {type: 'gpus' as const} : filter.tagName ? {tagName: filter.tagName} : {}
    const droplets = await collectPages(async (page) => {
      const answer = await this.v2.droplets.get(query(page, extra))
      return {items: answer?.droplets ?? [], total: total(answer)}
    })
    return droplets.map(toDroplet)
  }

  async createDroplets(request: DropletCreateRequest): Promise<Droplet[]> {
    const answer = await this.dots.createDroplets(createBody(request))
    return (answer?.droplets ?? (answer?.droplet ? [answer.droplet] : [])).map(toDroplet)
  }

  async deleteDroplet(id: number): Promise<'deleted' | 'already-gone'> {
    try {
      await this.v2.droplets.byDroplet_id(id).delete()
      return 'deleted'
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return 'already-gone'
      throw error
    }
  }
}

/** The wire JSON of a create: each key once, `names` for a batch, `name` for one. */
export function createBody(request: DropletCreateRequest): Record<string, unknown> {
  const {names, vpc_uuid: vpcUuid, ...rest} = request
  return {...(names.length === 1 ? {name: names[0]} : {names}), ...rest, ...(vpcUuid ? {vpc_uuid: vpcUuid} : {})}
}

function toDroplet(d: DotsDroplet): Droplet {
  const address = (list: {ipAddress?: string | null; type?: string | null}[] | null | undefined, type: string) =>
    list?.find((n) => n.type === type)?.ipAddress ?? null
  return {
    id: d.id ?? 0,
    name: d.name ?? '',
    status: (d.status ?? 'new') as DropletStatus,
    region: d.region?.slug ?? '',
    size: d.sizeSlug ?? '',
    image: d.image?.slug ?? (d.image?.id === undefined || d.image?.id === null ? '' : String(d.image.id)),
    public_ipv4: address(d.networks?.v4, 'public'),
    private_ipv4: address(d.networks?.v4, 'private'),
    public_ipv6: address(d.networks?.v6, 'public'),
    created_at: d.createdAt instanceof Date && !Number.isNaN(d.createdAt.getTime()) ? d.createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z') : '',
    tags: d.tags ?? [],
    gpu_model: d.gpuInfo?.model ?? null,
  }
}

function toSize(s: DotsSize): Size {
  const vram = s.gpuInfo?.vram
  return {
    slug: s.slug ?? '',
    description: s.description ?? '',
    vcpus: s.vcpus ?? 0,
    memory_mb: s.memory ?? 0,
    disk_gb: s.disk ?? 0,
    price_hourly: s.priceHourly ?? 0,
    price_monthly: s.priceMonthly ?? 0,
    available: s.available ?? false,
    regions: s.regions ?? [],
    gpu: s.gpuInfo ? {count: s.gpuInfo.count ?? 0, model: s.gpuInfo.model ?? 'unknown', vram_gb: toGib(vram?.amount ?? 0, vram?.unit ?? 'gib')} : null,
  }
}

function toGib(amount: number, unit: string): number {
  const factor: Record<string, number> = {gib: 1, gb: 1, mib: 1 / 1024, mb: 1 / 1024, tib: 1024, tb: 1024}
  return Math.round(amount * (factor[unit.toLowerCase()] ?? 1) * 100) / 100
}

function toRegion(r: DotsRegion): Region {
  return {slug: r.slug ?? '', name: r.name ?? '', available: r.available ?? false, features: r.features ?? [], sizes: r.sizes ?? []}
}

function toSshKey(k: DotsSshKey): SshKey {
  return {id: k.id ?? 0, name: k.name ?? '', fingerprint: k.fingerprint ?? ''}
}
