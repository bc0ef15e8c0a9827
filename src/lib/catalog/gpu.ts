/** What GPU initialisation a droplet needs. `unknown`: a GPU size we cannot classify, so decide at boot. */
export type GpuVendor = 'amd' | 'nvidia' | 'none' | 'unknown'

const AMD_MODEL = /\bmi\d{3}x?\b|(^|[-_])mi\d{3}/i
const NVIDIA_MODEL = /(^|[-_])(h100|h200|b200|b300|gb200|a100|a40|a6000|l40s?|l4|rtx|4000ada|6000ada|v100|t4)/i

/**
 * From the size slug alone (`gpu-mi300x1-192gb-devcloud`, `gpu-h100x1-80gb`), not the API's `gpu_info.model`:
 * `render-userdata` works offline and must print the very script `pool up` sends. Sizes that are not `gpu-*`
 * have no GPU; a GPU slug we cannot read is `unknown` and the script looks at the hardware.
 */
export function gpuVendor(sizeSlug: string): GpuVendor {
  const slug = sizeSlug.toLowerCase()
  if (!slug.startsWith('gpu-')) return 'none'
  if (AMD_MODEL.test(slug)) return 'amd'
  if (NVIDIA_MODEL.test(slug)) return 'nvidia'
  return 'unknown'
}

/** `gpu-mi300x8-1536gb(-devcloud)` → mi300, 8; `gpu-h100x1-80gb` → h100, 1; any other slug → null. */
export function gpuShape(slug: string): {model: string; count: number} | null {
  const match = /^gpu-([a-z0-9]+?)x(\d+)-/.exec(slug.toLowerCase())
  return match ? {model: match[1] as string, count: Number(match[2])} : null
}

/**
 * How many GPUs a size promises, from its slug (gpuShape: `gpu-mi300x8-1536gb` has 8), as `gpu_info.count` of
 * /v2/sizes says for every GPU size DigitalOcean lists (test/catalog/gpu.test.ts checks the simulator's catalog,
 * taken from DigitalOcean's): the boot script carries it, and `render-userdata` works offline, so not from the
 * API. Null for a size whose slug gives no count, or a count of 0.
 */
export function gpuCount(sizeSlug: string): number | null {
  return gpuShape(sizeSlug)?.count || null
}
