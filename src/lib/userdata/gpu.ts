/** What GPU initialisation a droplet needs. `unknown`: a GPU size we cannot classify, so decide at boot. */
export type GpuVendor = 'amd' | 'nvidia' | 'none' | 'unknown'

const AMD_MODEL = /\bmi\d{3}x?\b|(^|[-_])mi\d{3}/i
const NVIDIA_MODEL = /(^|[-_])(h100|h200|b200|b300|gb200|a100|a40|a6000|l40s?|l4|rtx|4000ada|6000ada|v100|t4)/i

/**
 * From the API's `gpu_info.model` (`amd_mi300x`, `nvidia_h100`) when known, else from the size slug
 * (`gpu-mi300x1-192gb-devcloud`, `gpu-h100x1-80gb`). Sizes that are not `gpu-*` have no GPU.
 */
export function gpuVendor(sizeSlug: string, gpuModel?: string | null): GpuVendor {
  const model = gpuModel?.toLowerCase() ?? ''
  if (model.startsWith('amd')) return 'amd'
  if (model.startsWith('nvidia')) return 'nvidia'
  const slug = sizeSlug.toLowerCase()
  if (!slug.startsWith('gpu-') && model === '') return 'none'
  if (AMD_MODEL.test(slug) || AMD_MODEL.test(model)) return 'amd'
  if (NVIDIA_MODEL.test(slug) || NVIDIA_MODEL.test(model)) return 'nvidia'
  return 'unknown'
}
