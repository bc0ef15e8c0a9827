import {type Catalog, type CatalogImage, defaultCatalog} from './seed-catalog.js'

/**
 * Which cloud the simulator plays (`velda-do simulator --cloud`): the AMD Developer Cloud, DigitalOcean's standard
 * API, or (the default, as before the choice existed) one catalog with both clouds' sizes. What each cloud sells is
 * what public reports show (docs/do-api.md, "What we know of the live API, and from where"); where nothing is
 * known to differ (the CPU sizes, the regions, the account) the two keep the default's.
 */
export const SIMULATED_CLOUDS = ['mixed', 'amd-devcloud', 'digitalocean'] as const
export type SimulatedCloud = (typeof SIMULATED_CLOUDS)[number]
export const DEFAULT_SIMULATED_CLOUD: SimulatedCloud = 'mixed'

/** For people: what the simulator plays, in its first line and in docs/simulator.md. */
export const CLOUD_DESCRIPTIONS: Record<SimulatedCloud, string> = {
  'mixed': "both clouds' sizes in one catalog",
  'amd-devcloud': "the AMD Developer Cloud's catalog (MI300X sizes ending in -devcloud, AMD images)",
  'digitalocean': "DigitalOcean's standard catalog (CPU, NVIDIA and MI300X sizes without -devcloud)",
}

/** The Developer Cloud's sizes carry this suffix; the standard API's AMD Instinct sizes do not. */
const DEVCLOUD_SUFFIX = '-devcloud'
const DEVCLOUD_SUFFIX_AT_END = /-devcloud$/

/**
 * The image dstack starts AMD GPU droplets from on both clouds (dstackai/dstack, digitalocean_base/compute.py). Its
 * id and dates are the simulator's own: no public answer showing them was found.
 */
const AMD_BASE_IMAGE: CatalogImage = {
  id: 203411527, name: 'AMD GPU Base', distribution: 'Ubuntu', slug: 'gpu-amd-base', public: true,
  regions: ['atl1'], created_at: '2026-03-02T16:20:41Z', type: 'base', min_disk_size: 100,
  size_gigabytes: 24.1, description: 'Ubuntu 24.04 with ROCm for AMD Instinct GPU droplets', tags: [], status: 'available',
}

/** The seed catalog as the cloud sells it: a fresh copy each call, so a simulator instance can mutate its own. */
export function cloudCatalog(cloud: SimulatedCloud): Catalog {
  const catalog = defaultCatalog()
  if (cloud === 'mixed') return catalog
  const isAmdGpu = (slug: string) => slug.startsWith('gpu-mi')
  const sizes = cloud === 'amd-devcloud'
    // AMD's cloud sells AMD GPUs: no NVIDIA size is reported there.
    ? catalog.sizes.filter((size) => !size.slug.startsWith('gpu-') || size.slug.endsWith(DEVCLOUD_SUFFIX))
    : catalog.sizes.map((size) => (isAmdGpu(size.slug) ? {...size, slug: size.slug.replace(DEVCLOUD_SUFFIX_AT_END, '')} : size))
  const images = cloud === 'amd-devcloud'
    ? [...catalog.images.filter((image) => !image.slug?.startsWith('gpu-h100')), AMD_BASE_IMAGE]
    // amd-rocm71software is seen only with the Developer Cloud's sizes (the Velda broker's example config).
    : [...catalog.images.filter((image) => image.slug !== 'amd-rocm71software'), AMD_BASE_IMAGE]
  return {
    ...catalog,
    sizes,
    // A region lists the sizes sold there, so the two never disagree.
    regions: catalog.regions.map((region) => ({...region, sizes: sizes.filter((size) => size.regions.includes(region.slug)).map((size) => size.slug)})),
    images,
  }
}

/** The AMD image a droplet seeded without one gets on this catalog (amd-rocm71software where it is sold). */
export function amdImageOf(catalog: Catalog): string {
  return catalog.images.some((image) => image.slug === 'amd-rocm71software') ? 'amd-rocm71software' : 'gpu-amd-base'
}
