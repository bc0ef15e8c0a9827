import {afterEach, describe, expect, it} from 'vitest'

import {createDigitalOceanApi} from '../../src/lib/do/client.js'
import {Secret} from '../../src/lib/base/secret.js'
import {type Simulator, startSimulator} from '../../src/lib/simulator/server.js'

const NOW = Date.UTC(2026, 10, 27, 10, 0, 0)
let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

describe('a droplet read from a create answer and from a listing', () => {
  it('is the same droplet, field for field: pool up reports what pool list will show', async () => {
    // null: the droplets stay `new`, so nothing changes between the create and the listing.
    sim = await startSimulator({now: () => NOW, activeAfterMs: null})
    const api = await createDigitalOceanApi({endpoint: sim.url, token: new Secret(sim.token), now: () => NOW, sleep: async () => {}})
    const created = await api.createDroplets({
      names: ['velda-930b7ad6-aaaaa', 'velda-930b7ad6-bbbbb'],
      region: 'atl1',
      size: 'gpu-mi300x1-192gb-devcloud',
      image: 'amd-rocm71software',
      ssh_keys: [],
      backups: false,
      ipv6: true,
      monitoring: false,
      tags: ['velda', 'velda-pool:amd-mi300x'],
      user_data: '',
    })
    const listed = await api.listDroplets({gpus: true})
    expect(created).toEqual(listed)
    expect(created[0]).toMatchObject({status: 'new', region: 'atl1', size: 'gpu-mi300x1-192gb-devcloud', image: 'amd-rocm71software', created_at: '2026-11-27T10:00:00Z', gpu_model: 'amd_mi300x'})
    expect(created[0]?.price_hourly).toEqual(expect.any(Number))
  })
})
