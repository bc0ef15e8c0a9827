import {describe, expect, it} from 'vitest'

import {parseConfig} from '../../src/lib/config/parse.js'
import type {PoolConfig} from '../../src/lib/config/types.js'
import type {DigitalOceanApi} from '../../src/lib/do/client.js'
import {NetworkError} from '../../src/lib/do/errors.js'
import {runDoctor} from '../../src/lib/doctor/run.js'

const pool = (name: string, token: string, image = 'ubuntu-24-04-x64') => `  - name: ${name}
    auto_scaler:
      backend:
        digitalocean_droplet:
          {size: s-1vcpu-1gb, region: nyc3, image: ${image}, ssh_key_ids: [1], agent_version_override: "1.0.0", api_token: "\${${token}}"}
`
const text = `default_broker_info: {address: "velda-broker.internal:50051"}
agent_pools:
${pool('a1', 'TOKEN_A')}${pool('a2', 'TOKEN_A', 'ubuntu-22-04-x64')}${pool('b', 'TOKEN_B')}`
const env = {TOKEN_A: 'dop_v1_FAKE_a', TOKEN_B: 'dop_v1_FAKE_b', DIGITALOCEAN_API_ENDPOINT: 'https://api.digitalocean.com'}
const {config} = parseConfig(text, {file: 'velda.yaml', env})

function fakeApi(calls: string[]): DigitalOceanApi {
  const call = <T>(name: string, value: T) => async () => (calls.push(name), value)
  return {
    endpoint: 'https://api.digitalocean.com',
    accountKey: () => Promise.reject(new Error('doctor takes no lock')),
    describeAccount: call('account', {droplet_limit: 10, status: 'active', email: 'a@example.com', status_message: ''}),
    getAccount: () => Promise.reject(new Error('doctor asks describeAccount')),
    countDroplets: call('count', 1),
    listSizes: call('sizes', [{slug: 's-1vcpu-1gb', description: '', vcpus: 1, memory_mb: 1024, disk_gb: 25, price_hourly: 0, price_monthly: 0, available: true, regions: ['nyc3'], gpu: null}]),
    listSshKeys: call('keys', [{id: 1, name: 'k', fingerprint: ''}]),
    getImage: async (id: string) => (calls.push(`image ${id}`), {id: 7, slug: id, name: id, regions: [], status: 'available'}),
    listRegions: call('regions', []),
    listDroplets: call('droplets', []),
    createDroplets: () => Promise.reject(new Error('doctor must not create')),
    deleteDroplet: () => Promise.reject(new Error('doctor must not delete')),
    listProjects: call('projects', []),
    getProject: call('project', null),
    assignToProject: () => Promise.reject(new Error('doctor must not assign')),
    createTag: () => Promise.reject(new Error('doctor must not tag')),
    tagDroplets: () => Promise.reject(new Error('doctor must not tag')),
    tagCounts: () => Promise.reject(new Error('doctor must not tag')),
    deleteTag: () => Promise.reject(new Error('doctor must not tag')),
    deleteDropletsByTag: () => Promise.reject(new Error('doctor must not delete')),
  }
}

describe('runDoctor', () => {
  it('asks each account once for the pools that share it; an account that cannot be reached fails only its pools, as an API miss', async () => {
    const calls: string[] = []
    const connected: string[] = []
    const {report, apiMiss} = await runDoctor(config!, {
      env,
      // Every release exists: this test is about the accounts.
      headRequest: async () => ({kind: 'answer', status: 200, location: null}),
      connect: async (p: PoolConfig) => {
        connected.push(p.name)
        if (p.name === 'b') throw new NetworkError({method: 'GET', path: '/v2/account', attempts: 5, origin: 'https://api.digitalocean.com'}, 'cannot reach api.digitalocean.com: connection refused (ECONNREFUSED)', 'ECONNREFUSED')
        return fakeApi(calls)
      },
    })
    expect(connected.sort()).toEqual(['a1', 'b'])
    expect(calls.sort()).toEqual(['account', 'count', 'count', 'image ubuntu-22-04-x64', 'image ubuntu-24-04-x64', 'keys', 'sizes'])
    expect(report.pools.map((p) => [p.name, p.checks.filter((c) => !c.ok).map((c) => c.id)])).toEqual([['a1', []], ['a2', []], ['b', ['token']]])
    expect(report.pools[2]?.checks[0]?.message).toMatch(/^could not ask https:\/\/api\.digitalocean\.com about the token: .*connection refused/)
    expect(report.ok).toBe(false)
    expect(apiMiss).toBe(true)
    expect(report.pools[0]?.checks.find((c) => c.id === 'droplet_limit')?.message).toBe('droplet limit: 2 of 10 used, room for 8')
  })
})
