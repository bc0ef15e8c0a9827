import {describe, expect, it} from 'vitest'

import type {Size} from '../../src/lib/do/types.js'
import {nearestSizes} from '../../src/lib/doctor/nearest-sizes.js'

const size = (slug: string, regions = ['atl1'], available = true): Size => ({slug, description: '', vcpus: 1, memory_mb: 1024, disk_gb: 10, price_hourly: null, price_monthly: null, available, regions, gpu: null})

/** DigitalOcean's own catalog, and the AMD Developer Cloud's (names as docs/do-api.md gives them). */
const DIGITALOCEAN = [size('s-2vcpu-4gb'), size('gpu-mi300x1-192gb'), size('gpu-mi300x8-1536gb'), size('gpu-h100x1-80gb'), size('gpu-h100x8-640gb')]
const DEVCLOUD = [size('s-2vcpu-4gb'), size('gpu-mi300x8-1536gb-devcloud'), size('gpu-mi300x1-192gb-devcloud')]

describe('nearestSizes: what the catalog offers near a size it lacks', () => {
  it.each<[string, string, Size[], [string, string][]]>([
    ['a Developer Cloud size on DigitalOcean: the same without -devcloud, then the other count', 'gpu-mi300x1-192gb-devcloud', DIGITALOCEAN,
      [['gpu-mi300x1-192gb', 'the same size without -devcloud'], ['gpu-mi300x8-1536gb', '8 of the same GPU']]],
    ['a DigitalOcean size on the Developer Cloud: the same with -devcloud, then the other count', 'gpu-mi300x8-1536gb', DEVCLOUD,
      [['gpu-mi300x8-1536gb-devcloud', 'the same size with -devcloud'], ['gpu-mi300x1-192gb-devcloud', '1 of the same GPU']]],
    ['a count the cloud does not sell: the counts it does, fewest first, never another GPU', 'gpu-mi300x4-768gb', DIGITALOCEAN,
      [['gpu-mi300x1-192gb', '1 of the same GPU'], ['gpu-mi300x8-1536gb', '8 of the same GPU']]],
    ['an NVIDIA size: its own GPU only', 'gpu-h100x2-160gb', DIGITALOCEAN,
      [['gpu-h100x1-80gb', '1 of the same GPU'], ['gpu-h100x8-640gb', '8 of the same GPU']]],
    ['a GPU no size of the catalog has: nothing', 'gpu-mi325x1-256gb', DIGITALOCEAN, []],
    ['a CPU size with a typo: nothing (no GPU to match, no twin)', 's-2vcpu-4g', DIGITALOCEAN, []],
    ['a CPU size under -devcloud: its twin', 's-2vcpu-4gb-devcloud', DIGITALOCEAN, [['s-2vcpu-4gb', 'the same size without -devcloud']]],
    ['sizes offered nowhere are not offered: no region, or unavailable', 'gpu-mi300x1-192gb-devcloud',
      [size('gpu-mi300x1-192gb', []), size('gpu-mi300x8-1536gb', ['atl1'], false)], []],
    ['an empty catalog: nothing', 'gpu-mi300x1-192gb', [], []],
  ])('%s', (_case, wanted, catalog, expected) => {
    expect(nearestSizes(wanted, catalog).map((near) => [near.slug, near.why])).toEqual(expected)
  })
})
