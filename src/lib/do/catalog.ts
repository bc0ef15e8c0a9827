import {requireIds} from './answer-checks.js'
import type {DoClient} from './api-client.js'
import type {DotsRegion, DotsSize, DotsSshKey} from './dots.js'
import {listAll} from './paginate.js'
import type {Region, Size, SshKey} from './types.js'
import {price} from './wire-droplet.js'

/** What can be created, where and with which keys: sizes, regions, ssh keys. dots' typed requests: short lists. */
export class CatalogService {
  constructor(private readonly client: DoClient) {}

  async listSizes(): Promise<Size[]> {
    const sizes = await listAll({
      path: '/v2/sizes',
      key: 'sizes',
      fetch: async (query) => {
        const answer = await this.client.dots.sizes.get(query)
        return {answer, items: answer?.sizes}
      },
    })
    return sizes.map(toSize)
  }

  async listRegions(): Promise<Region[]> {
    const regions = await listAll({
      path: '/v2/regions',
      key: 'regions',
      fetch: async (query) => {
        const answer = await this.client.dots.regions.get(query)
        return {answer, items: answer?.regions}
      },
    })
    return regions.map(toRegion)
  }

  async listSshKeys(): Promise<SshKey[]> {
    const keys = await listAll({
      path: '/v2/account/keys',
      key: 'ssh_keys',
      fetch: async (query, source) => {
        const answer = await this.client.dots.account.keys.get(query)
        return {answer, items: answer?.sshKeys && requireIds(answer.sshKeys, 'ssh_keys', source)}
      },
    })
    return keys.map(toSshKey)
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
    price_hourly: price(s.priceHourly),
    price_monthly: price(s.priceMonthly),
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

function toSshKey(k: DotsSshKey & {id: number}): SshKey {
  return {id: k.id, name: k.name ?? '', fingerprint: k.fingerprint ?? ''}
}
