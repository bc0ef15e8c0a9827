import type {Size} from '../do/types.js'
import {gpuShape} from '../catalog/gpu.js'

/** The AMD Developer Cloud's sizes are DigitalOcean's with this suffix (`gpu-mi300x1-192gb-devcloud`). */
export const DEVCLOUD_SUFFIX = '-devcloud'

export interface NearSize {
  slug: string
  /** Why it is near, for people: "the same size without -devcloud", "8 of the same GPU". */
  why: string
}

/**
 * The sizes a catalog offers that are nearest to `wanted`, which it lacks: first the same size with or without
 * `-devcloud` (a config written for the other cloud), then the same GPU with another count, fewest first. Only sizes
 * offered somewhere count: DigitalOcean lists some it sells nowhere (no region, or `available: false`).
 */
export function nearestSizes(wanted: string, catalog: readonly Size[]): NearSize[] {
  const offered = catalog.filter((size) => size.available && size.regions.length > 0 && size.slug !== wanted)
  const near: NearSize[] = []
  const twin = wanted.endsWith(DEVCLOUD_SUFFIX) ? wanted.slice(0, -DEVCLOUD_SUFFIX.length) : `${wanted}${DEVCLOUD_SUFFIX}`
  if (offered.some((size) => size.slug === twin)) {
    near.push({slug: twin, why: `the same size ${wanted.endsWith(DEVCLOUD_SUFFIX) ? 'without' : 'with'} ${DEVCLOUD_SUFFIX}`})
  }
  const gpu = gpuShape(wanted)
  if (gpu) {
    const counts = offered
      .map((size) => ({slug: size.slug, gpu: gpuShape(size.slug)}))
      .filter((other) => other.gpu && other.gpu.model === gpu.model && other.gpu.count !== gpu.count)
      .sort((a, b) => (a.gpu?.count ?? 0) - (b.gpu?.count ?? 0) || a.slug.localeCompare(b.slug))
    for (const other of counts) near.push({slug: other.slug, why: `${other.gpu?.count} of the same GPU`})
  }
  return near
}


