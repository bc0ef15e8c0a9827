import {describe, expect, it} from 'vitest'

import {gpuCount} from '../../src/lib/catalog/gpu.js'
import {defaultCatalog} from '../../src/lib/simulator/seed-catalog.js'

describe('the GPUs a size promises, from its slug', () => {
  it.each([
    ['gpu-mi300x8-1536gb-devcloud', 8],
    ['gpu-mi300x1-192gb', 1],
    ['gpu-h100x8-640gb', 8],
    ['gpu-l40sx1-48gb', 1],
    ['gpu-4000adax1-20gb', 1],
    ['s-2vcpu-4gb', null],
    ['gpu-mystery', null],
    ['gpu-mi300x0-0gb', null],
  ])('%s: %s', (slug, count) => {
    expect(gpuCount(slug)).toBe(count)
  })

  it('agrees with gpu_info.count of every GPU size in the simulator\'s catalog (DigitalOcean\'s)', () => {
    const gpuSizes = defaultCatalog().sizes.filter((size) => size.gpu_info)
    expect(gpuSizes.length).toBeGreaterThan(3)
    for (const size of gpuSizes) expect([size.slug, gpuCount(size.slug)]).toEqual([size.slug, size.gpu_info?.count])
  })
})
