import type {Catalog, CatalogImage, CatalogRegion, CatalogSize} from './seed-catalog.js'
import {randomHex} from './random.js'
import {utcSeconds} from '../wire-formats.js'

/** A droplet as the simulator keeps it; `toApi` gives DigitalOcean's JSON for it at a given moment. */
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

export function isGpuDroplet(droplet: SimDroplet): boolean {
  return droplet.size.gpu_info !== undefined
}

export function dropletStatus(droplet: SimDroplet, now: number): 'new' | 'active' | 'off' {
  if (droplet.activeAt === null || now < droplet.activeAt) return 'new'
  return droplet.poweredOff ? 'off' : 'active'
}

export function newAddresses(random: () => number): Pick<SimDroplet, 'publicIpv4' | 'privateIpv4' | 'publicIpv6'> {
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
    next_backup_window: null,
    snapshot_ids: [],
    image: droplet.image,
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

/** Live-API semantics the OpenAPI schema does not state; each returns DigitalOcean's 422 message. */
export function createProblem(
  catalog: Catalog,
  request: {size: string; region: string; image: string | number; sshKeys: (string | number)[]; names: string[]; userData: string | null},
  existing: number,
): string | null {
  const size = catalog.sizes.find((s) => s.slug === request.size)
  if (!size) return 'You specified an invalid size for Droplet creation.'
  const region = catalog.regions.find((r) => r.slug === request.region)
  if (!region || !region.available) return 'You specified an invalid region for Droplet creation.'
  if (!size.available || !size.regions.includes(region.slug) || !region.sizes.includes(size.slug)) return 'Size is not available in this region.'
  const image = findImage(catalog, request.image)
  if (!image) return 'You specified an invalid image for Droplet creation.'
  for (const key of request.sshKeys) {
    const known = catalog.sshKeys.some((k) => k.id === key || k.fingerprint === key || String(k.id) === String(key))
    if (!known) return `The SSH key ${key} could not be found on this account.`
  }
  const hostname = /^[a-zA-Z0-9]?[a-z0-9A-Z.-]*[a-z0-9A-Z]$/
  if (request.names.some((n) => !hostname.test(n) || n.length > 255)) return 'Only valid hostname characters are allowed. (a-z, A-Z, 0-9, . and -)'
  if (request.userData !== null && Buffer.byteLength(request.userData, 'utf8') > 65_536) return 'user_data is limited to 64 KiB.'
  const limit = Number(catalog.account.droplet_limit)
  if (existing + request.names.length > limit) {
    return `creating ${request.names.length} Droplet${request.names.length === 1 ? '' : 's'} will exceed your droplet limit of ${limit}.`
  }
  return null
}

export function findImage(catalog: Catalog, image: string | number): CatalogImage | undefined {
  return catalog.images.find((i) => i.slug === image || i.id === image || String(i.id) === String(image))
}
