import {describe, expect, it} from 'vitest'

import {cloudCatalog, SIMULATED_CLOUDS} from '../../src/lib/simulator/cloud-profile.js'
import {startAdminSimulator} from '../support/in-process-simulator.js'

describe('the clouds the simulator plays', () => {
  it.each([
    ['mixed', ['gpu-mi300x1-192gb-devcloud', 'gpu-mi300x8-1536gb-devcloud'], true, ['amd-rocm71software', 'gpu-h100x1-base']],
    ['amd-devcloud', ['gpu-mi300x1-192gb-devcloud', 'gpu-mi300x8-1536gb-devcloud'], false, ['amd-rocm71software', 'gpu-amd-base']],
    ['digitalocean', ['gpu-mi300x1-192gb', 'gpu-mi300x8-1536gb'], true, ['gpu-amd-base', 'gpu-h100x1-base']],
  ] as const)('%s: MI300X sizes %j, NVIDIA sizes: %s, GPU images %j', (cloud, mi300x, nvidia, gpuImages) => {
    const catalog = cloudCatalog(cloud)
    const slugs = catalog.sizes.map((size) => size.slug)
    expect(slugs.filter((slug) => slug.startsWith('gpu-mi'))).toEqual(mi300x)
    expect(slugs.some((slug) => slug.startsWith('gpu-h100'))).toBe(nvidia)
    expect(slugs).toContain('s-1vcpu-1gb')
    expect(catalog.images.map((image) => image.slug).filter((slug) => slug === 'amd-rocm71software' || slug?.startsWith('gpu-')).sort()).toEqual([...gpuImages].sort())
  })

  it.each(SIMULATED_CLOUDS)('%s: every region lists exactly the sizes sold there', (cloud) => {
    const catalog = cloudCatalog(cloud)
    for (const region of catalog.regions) {
      expect(region.sizes, region.slug).toEqual(catalog.sizes.filter((size) => size.regions.includes(region.slug)).map((size) => size.slug))
    }
  })

  it.each([
    ['amd-devcloud', 'gpu-mi300x1-192gb-devcloud', 'amd-rocm71software'],
    ['digitalocean', 'gpu-mi300x1-192gb', 'gpu-amd-base'],
  ] as const)('%s: a seeded MI300X droplet gets an AMD image that cloud has', async (cloud, size, image) => {
    const sim = await startAdminSimulator({cloud})
    try {
      await sim.admin('POST', 'droplets', {count: 1, size})
      expect((await sim.admin('GET', 'state')).droplets).toMatchObject([{size_slug: size, image: {slug: image}}])
    } finally {
      await sim.close()
    }
  })

  it('a moved host answers every API request 301 at the same path and query, token or not; the admin API stays', async () => {
    const sim = await startAdminSimulator({movedTo: 'https://api.devcloud.amd.com'})
    try {
      const answers = await Promise.all([
        fetch(`${sim.url}/v2/account`, {headers: {authorization: `Bearer ${sim.token}`}, redirect: 'manual'}),
        fetch(`${sim.url}/v2/droplets?tag_name=velda&page=2`, {method: 'POST', body: '{}', redirect: 'manual'}),
      ])
      expect(answers.map((answer) => [answer.status, answer.headers.get('location')])).toEqual([
        [301, 'https://api.devcloud.amd.com/v2/account'],
        [301, 'https://api.devcloud.amd.com/v2/droplets?tag_name=velda&page=2'],
      ])
      expect(await sim.admin('GET', 'state')).toMatchObject({cloud: 'mixed', moved_to: 'https://api.devcloud.amd.com', droplets: []})
    } finally {
      await sim.close()
    }
  })
})
