/**
 * Seed data of the simulator's catalog endpoints (/v2/sizes, /v2/regions, /v2/account/keys, /v2/account) and
 * of the images it embeds in droplets. The shapes are DigitalOcean's own (snake_case, checked against the
 * OpenAPI schemas), and the contents copy the live API's quirks that velda-do must cope with: GPU sizes in a
 * handful of regions, atl1 missing from the spec's region enum, a size that says `available: true` with no
 * region, a retired size. Hourly and monthly prices differ by a factor of 672 hours (a 28-day month), as
 * DigitalOcean states them, so cost estimates made against the simulator match the real bill.
 */

export interface CatalogDiskInfo {
  type: 'local' | 'boot' | 'scratch'
  size: {amount: number; unit: string}
}

export interface CatalogGpuInfo {
  count: number
  model: string
  vram: {amount: number; unit: string}
}

/** The API's size object, as returned by GET /v2/sizes. */
export interface CatalogSize {
  slug: string
  memory: number
  vcpus: number
  disk: number
  transfer: number
  price_monthly: number
  price_hourly: number
  regions: string[]
  available: boolean
  description: string
  networking_throughput?: number
  gpu_info?: CatalogGpuInfo
  disk_info?: CatalogDiskInfo[]
  [k: string]: unknown
}

export interface CatalogRegion {
  name: string
  slug: string
  features: string[]
  available: boolean
  sizes: string[]
}

/** The API's image object, as embedded in a droplet. */
export interface CatalogImage {
  id: number
  name: string
  distribution: string
  slug: string | null
  public: boolean
  regions: string[]
  created_at: string
  type: string
  min_disk_size: number
  size_gigabytes: number
  description: string
  tags: string[]
  status: string
  [k: string]: unknown
}

export interface CatalogSshKey {
  id: number
  fingerprint: string
  public_key: string
  name: string
}

export interface Catalog {
  sizes: CatalogSize[]
  regions: CatalogRegion[]
  images: CatalogImage[]
  sshKeys: CatalogSshKey[]
  /** The `account` object of GET /v2/account. */
  account: Record<string, unknown>
}

/** Where the ordinary CPU sizes are sold (alphabetical, as the API lists a size's regions). */
const STANDARD_REGIONS = ['ams3', 'atl1', 'blr1', 'fra1', 'lon1', 'nyc1', 'nyc2', 'nyc3', 'sfo2', 'sfo3', 'sgp1', 'syd1', 'tor1']
const NEWER_REGIONS = STANDARD_REGIONS.filter((slug) => slug !== 'nyc2' && slug !== 'sfo2')

const gib = (amount: number) => ({amount, unit: 'gib'})
const localDisk = (amount: number): CatalogDiskInfo[] => [{type: 'local', size: gib(amount)}]
const gpuDisks = (boot: number, scratch: number): CatalogDiskInfo[] => [
  {type: 'local', size: gib(boot)},
  {type: 'scratch', size: gib(scratch)},
]

const SIZES: CatalogSize[] = [
  {
    slug: 's-1vcpu-1gb', memory: 1024, vcpus: 1, disk: 25, transfer: 1, price_monthly: 6, price_hourly: 0.00893,
    regions: STANDARD_REGIONS, available: true, description: 'Basic', networking_throughput: 2000,
    disk_info: localDisk(25),
  },
  {
    slug: 's-1vcpu-2gb', memory: 2048, vcpus: 1, disk: 50, transfer: 2, price_monthly: 12, price_hourly: 0.01786,
    regions: STANDARD_REGIONS, available: true, description: 'Basic', networking_throughput: 2000,
    disk_info: localDisk(50),
  },
  {
    slug: 's-2vcpu-2gb', memory: 2048, vcpus: 2, disk: 60, transfer: 3, price_monthly: 18, price_hourly: 0.02679,
    regions: STANDARD_REGIONS, available: true, description: 'Basic', networking_throughput: 4000,
    disk_info: localDisk(60),
  },
  {
    // Retired: still listed, sold nowhere.
    slug: 's-3vcpu-1gb', memory: 1024, vcpus: 3, disk: 60, transfer: 3, price_monthly: 15, price_hourly: 0.02232,
    regions: [], available: false, description: 'Basic', networking_throughput: 4000,
    disk_info: localDisk(60),
  },
  {
    slug: 's-2vcpu-4gb', memory: 4096, vcpus: 2, disk: 80, transfer: 4, price_monthly: 24, price_hourly: 0.03571,
    regions: STANDARD_REGIONS, available: true, description: 'Basic', networking_throughput: 4000,
    disk_info: localDisk(80),
  },
  {
    slug: 'c-2', memory: 4096, vcpus: 2, disk: 25, transfer: 4, price_monthly: 42, price_hourly: 0.0625,
    regions: STANDARD_REGIONS, available: true, description: 'CPU-Optimized', networking_throughput: 10000,
    disk_info: localDisk(25),
  },
  {
    slug: 's-4vcpu-8gb', memory: 8192, vcpus: 4, disk: 160, transfer: 5, price_monthly: 48, price_hourly: 0.07143,
    regions: STANDARD_REGIONS, available: true, description: 'Basic', networking_throughput: 6000,
    disk_info: localDisk(160),
  },
  {
    slug: 'g-2vcpu-8gb', memory: 8192, vcpus: 2, disk: 25, transfer: 4, price_monthly: 63, price_hourly: 0.09375,
    regions: NEWER_REGIONS, available: true, description: 'General Purpose', networking_throughput: 10000,
    disk_info: localDisk(25),
  },
  {
    slug: 'c-4', memory: 8192, vcpus: 4, disk: 50, transfer: 5, price_monthly: 84, price_hourly: 0.125,
    regions: STANDARD_REGIONS, available: true, description: 'CPU-Optimized', networking_throughput: 10000,
    disk_info: localDisk(50),
  },
  {
    slug: 'm-2vcpu-16gb', memory: 16384, vcpus: 2, disk: 50, transfer: 4, price_monthly: 84, price_hourly: 0.125,
    regions: NEWER_REGIONS, available: true, description: 'Memory-Optimized', networking_throughput: 10000,
    disk_info: localDisk(50),
  },
  {
    // The reported live quirk: "available" yet in no region, so every create with it gets 422.
    slug: 's-8vcpu-16gb-amd', memory: 16384, vcpus: 8, disk: 320, transfer: 6, price_monthly: 112,
    price_hourly: 0.16667, regions: [], available: true, description: 'Premium AMD', networking_throughput: 10000,
    disk_info: localDisk(320),
  },
  {
    slug: 'gpu-l40sx1-48gb', memory: 65536, vcpus: 8, disk: 500, transfer: 10, price_monthly: 1055.04,
    price_hourly: 1.57, regions: ['tor1'], available: true, description: 'L40S GPU - 1X',
    networking_throughput: 10000,
    gpu_info: {count: 1, model: 'nvidia_l40s', vram: gib(48)},
    disk_info: localDisk(500),
  },
  {
    slug: 'gpu-mi300x1-192gb-devcloud', memory: 245760, vcpus: 20, disk: 720, transfer: 15, price_monthly: 1337.28,
    price_hourly: 1.99, regions: ['atl1'], available: true, description: 'AMD MI300X - 1X',
    networking_throughput: 10000,
    gpu_info: {count: 1, model: 'amd_mi300x', vram: gib(192)},
    disk_info: gpuDisks(720, 5120),
  },
  {
    slug: 'gpu-h100x1-80gb', memory: 245760, vcpus: 20, disk: 720, transfer: 15, price_monthly: 2278.08,
    price_hourly: 3.39, regions: ['nyc2', 'tor1'], available: true, description: 'H100 GPU - 1X',
    networking_throughput: 10000,
    gpu_info: {count: 1, model: 'nvidia_h100', vram: gib(80)},
    disk_info: gpuDisks(720, 5120),
  },
  {
    // gpu_info.vram is the droplet's total, as the live API reports it for 8-GPU sizes (8 x 192 GiB).
    slug: 'gpu-mi300x8-1536gb-devcloud', memory: 1966080, vcpus: 160, disk: 2046, transfer: 60,
    price_monthly: 10698.24, price_hourly: 15.92, regions: ['atl1'], available: true, description: 'AMD MI300X - 8X',
    networking_throughput: 10000,
    gpu_info: {count: 8, model: 'amd_mi300x', vram: gib(1536)},
    disk_info: gpuDisks(2046, 40960),
  },
  {
    slug: 'gpu-h100x8-640gb', memory: 1966080, vcpus: 160, disk: 2046, transfer: 60, price_monthly: 16074.24,
    price_hourly: 23.92, regions: ['nyc2', 'tor1'], available: true, description: 'H100 GPU - 8X',
    networking_throughput: 10000,
    gpu_info: {count: 8, model: 'nvidia_h100', vram: gib(640)},
    disk_info: gpuDisks(2046, 40960),
  },
]

const FEATURES = ['backups', 'ipv6', 'metadata', 'install_agent', 'storage', 'image_transfer']
const GPU_FEATURES = [...FEATURES, 'server_id', 'management_networking']

/** In the API's order. A region's `sizes` is derived from the sizes' `regions`, so the two never disagree. */
const REGIONS: Array<Omit<CatalogRegion, 'sizes'>> = [
  {name: 'New York 1', slug: 'nyc1', features: FEATURES, available: true},
  {name: 'San Francisco 1', slug: 'sfo1', features: FEATURES, available: false},
  {name: 'New York 2', slug: 'nyc2', features: GPU_FEATURES, available: true},
  {name: 'Singapore 1', slug: 'sgp1', features: FEATURES, available: true},
  {name: 'London 1', slug: 'lon1', features: FEATURES, available: true},
  {name: 'New York 3', slug: 'nyc3', features: FEATURES, available: true},
  {name: 'Amsterdam 3', slug: 'ams3', features: FEATURES, available: true},
  {name: 'Frankfurt 1', slug: 'fra1', features: FEATURES, available: true},
  {name: 'Toronto 1', slug: 'tor1', features: GPU_FEATURES, available: true},
  {name: 'San Francisco 2', slug: 'sfo2', features: FEATURES, available: true},
  {name: 'Bangalore 1', slug: 'blr1', features: FEATURES, available: true},
  {name: 'San Francisco 3', slug: 'sfo3', features: FEATURES, available: true},
  {name: 'Sydney 1', slug: 'syd1', features: FEATURES, available: true},
  {name: 'Atlanta 1', slug: 'atl1', features: GPU_FEATURES, available: true},
]

const IMAGES: CatalogImage[] = [
  {
    id: 159651797, name: '24.04 (LTS) x64', distribution: 'Ubuntu', slug: 'ubuntu-24-04-x64', public: true,
    regions: STANDARD_REGIONS, created_at: '2024-06-27T15:02:12Z', type: 'base', min_disk_size: 7,
    size_gigabytes: 2.58, description: 'Ubuntu 24.04 (LTS) x64', tags: [], status: 'available',
  },
  {
    id: 129211873, name: '22.04 (LTS) x64', distribution: 'Ubuntu', slug: 'ubuntu-22-04-x64', public: true,
    regions: STANDARD_REGIONS, created_at: '2023-04-21T18:09:46Z', type: 'base', min_disk_size: 7,
    size_gigabytes: 2.36, description: 'Ubuntu 22.04 (LTS) x64', tags: [], status: 'available',
  },
  {
    id: 112929454, name: '20.04 (LTS) x64', distribution: 'Ubuntu', slug: 'ubuntu-20-04-x64', public: true,
    regions: STANDARD_REGIONS, created_at: '2022-07-28T20:08:12Z', type: 'base', min_disk_size: 7,
    size_gigabytes: 0.94, description: 'Ubuntu 20.04 (LTS) x64', tags: [], status: 'available',
  },
  {
    id: 201736184, name: 'ROCm 7.1 Software', distribution: 'Ubuntu', slug: 'amd-rocm71software', public: true,
    regions: ['atl1'], created_at: '2025-11-06T17:41:05Z', type: 'base', min_disk_size: 100,
    size_gigabytes: 61.73, description: 'AMD ROCm 7.1 software stack on Ubuntu 24.04', tags: [],
    status: 'available',
  },
  {
    id: 166407044, name: 'AI/ML Ready H100x1', distribution: 'Ubuntu', slug: 'gpu-h100x1-base', public: true,
    regions: ['nyc2', 'tor1'], created_at: '2024-09-27T15:35:19Z', type: 'base', min_disk_size: 25,
    size_gigabytes: 18.47, description: 'GPU H100 1x Base Image', tags: [], status: 'available',
  },
]

/** Real key pairs whose private halves were thrown away: well-formed, MD5 fingerprints that match, useless. */
const SSH_KEYS: CatalogSshKey[] = [
  {
    id: 52896465,
    fingerprint: '27:b8:62:dd:94:9d:dc:c2:4e:2b:d4:68:3f:d3:40:8c',
    public_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAeAT7pjc1R9dk98pSCz1lxfQOJde2oio99WfwwcuBRf ops@laptop',
    name: 'ops-laptop',
  },
  {
    id: 52896511,
    fingerprint: 'a1:41:17:94:49:fb:e8:71:5f:96:36:d2:42:1f:0d:b2',
    public_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHvTlU1erQENAwUiiYhrWzBeEt+bA61SyMXDwhPwFylI ci@velda-runner',
    name: 'ci-runner',
  },
  {
    id: 41873302,
    fingerprint: '45:40:fc:2f:de:0e:8a:b2:46:44:92:51:57:44:00:a6',
    public_key: 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCuJaA7vfyPAvpY8NgdLegUd2HgyHlHAjlM/FYNcQcFgUTb1QkxxepbyrBUgffNyRAA'
      + 'Ac4cxXdjL8hHN+DSnFTo9w31eicRCGttWjuqdrvnSxXn6r3N+qwUQ2VylU53D3EguYpOqKkYB6sJz58PlrTtVk2BiJf4GwMCvMy80k8iW/m'
      + 't8EWRibuzE+SLwzQJpvF1tNWzUMzemhrnXfJA4I4U0AhSeRUM62gkV4pFjc2NqL35EvUoXExquR5ZOrdli8WWk7ZdOnPlHWBXxP+66dv90S6'
      + 'jKjoTFg5fFQZEVkS+W4YFaGu4D/jpn9hYP8UZh8uj/JJxvNVQkEcLNWUU48Ot oncall@bastion',
    name: 'oncall-bastion',
  },
]

const ACCOUNT: Record<string, unknown> = {
  droplet_limit: 1000,
  floating_ip_limit: 10,
  volume_limit: 100,
  email: 'operator@example.com',
  name: 'Velda Operator',
  uuid: 'c3f9a0e4b7d21f6a8e5c09b4d7a13e2f6b8c0d15',
  email_verified: true,
  status: 'active',
  status_message: '',
  team: {uuid: '5df3e3004a17e242b7c20ca6c9fc25b701a47ece', name: 'Velda'},
}

const SEED: Catalog = {
  sizes: SIZES,
  regions: REGIONS.map((region) => ({
    ...region,
    sizes: SIZES.filter((size) => size.regions.includes(region.slug)).map((size) => size.slug),
  })),
  images: IMAGES,
  sshKeys: SSH_KEYS,
  account: ACCOUNT,
}

/** A fresh deep copy each call, so a simulator instance can mutate its own. */
export function defaultCatalog(): Catalog {
  return structuredClone(SEED)
}
