import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {parseConfig} from '../../src/lib/config/parse.js'
import type {VeldaConfig} from '../../src/lib/config/types.js'

function parseValid(text: string, env: Record<string, string> = {}): VeldaConfig {
  const {config, diagnostics} = parseConfig(text, {file: 'velda.yaml', env})
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([])
  if (!config) throw new Error('expected a valid config')
  return config
}

const EXAMPLE = readFileSync(new URL('../../examples/velda.yaml', import.meta.url), 'utf8')

describe('the example config', () => {
  const config = parseValid(EXAMPLE)

  it('defines pools both ways', () => {
    expect(config.pools.map((p) => [p.name, p.path])).toEqual([
      ['cpu-small', 'agent_pools[0]'],
      ['amd-mi300x', 'provisioners[0].digitalocean_auto.pool_details[0]'],
      ['amd-mi300x-8', 'provisioners[0].digitalocean_auto.pool_details[1]'],
    ])
    expect(config.defaultBrokerAddress).toBe('broker.example.com:50051')
  })

  it('gives provisioned pools the provisioner\'s settings and their own', () => {
    const pool = config.pools.find((p) => p.name === 'amd-mi300x-8')
    expect(pool).toMatchObject({
      size: 'gpu-mi300x8-1536gb-devcloud',
      region: 'atl1',
      image: 'amd-rocm71software',
      sshKeyIds: [52896465],
      agentVersionOverride: 'v1.1.4',
      apiEndpoint: 'https://api-amd.digitalocean.com',
      description: '8x AMD MI300X',
      maxAgents: 2,
      minAgents: 0,
      monitoring: false,
      tags: ['velda', 'velda-pool:amd-mi300x-8', 'environment:production', 'managed-by:velda'],
    })
    expect(pool?.tailscale?.server).toBe('https://login.tailscale.com')
  })

  it('gives a pool without its own autoscaler_config the provisioner\'s', () => {
    expect(config.pools.find((p) => p.name === 'amd-mi300x')).toMatchObject({maxAgents: 10, minAgents: 0, prefix: 'velda-8e835159'})
  })

  it('defers an unset secret variable to the command that needs it', () => {
    const pool = config.pools.find((p) => p.name === 'amd-mi300x')
    expect(pool?.tailscale?.preAuthKey).toMatchObject({secret: null, missing: ['TAILSCALE_AUTH_KEY']})
    // No api_token: the broker would send its text as the token; both read $DIGITALOCEAN_API_TOKEN instead.
    expect(pool?.apiToken).toBeNull()
  })
})

const camelCase = `defaultBrokerInfo: {address: "b:1"}
agentPools:
  - name: cpu
    autoScaler:
      maxAgents: 3
      minAgents: 1
      backend:
        digitaloceanDroplet:
          size: s-1vcpu-1gb
          region: nyc3
          image: ubuntu-24-04-x64
          sshKeyIds: [7]
          vpcUuid: 5a4981aa-9653-4bd1-bef5-d6bff52042e4
          agentVersionOverride: "2.0.0"
          tailscaleConfig: {preAuthKey: "\${TS}"}
          agentConfig: {daemonConfig: {maxSessions: 4}}
`

describe('key spellings', () => {
  it('reads lowerCamelCase exactly like snake_case', () => {
    const camel = parseValid(camelCase, {TS: 'k'}).pools[0]
    const snake = parseValid(
      camelCase
        .replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
        .replace('digitalocean_droplet', 'digitalocean_droplet'),
      {TS: 'k'},
    ).pools[0]
    expect(camel).toMatchObject({maxAgents: 3, minAgents: 1, sshKeyIds: [7], vpcUuid: '5a4981aa-9653-4bd1-bef5-d6bff52042e4'})
    expect(camel?.agentConfig).toEqual({daemon_config: {max_sessions: 4}})
    expect({...camel, position: null, apiToken: null, tailscale: null}).toEqual({...snake, position: null, apiToken: null, tailscale: null})
  })

  it('refuses autoscaler, a spelling the broker\'s loader does not know (it would not start)', () => {
    const text = camelCase.replace('autoScaler', 'autoscaler')
    const {config, diagnostics} = parseConfig(text, {file: 'velda.yaml', env: {TS: 'k'}})
    expect(config).toBeNull()
    expect(diagnostics).toContainEqual(expect.objectContaining({
      path: 'agent_pools[0].autoscaler',
      message: expect.stringContaining('unknown key "autoscaler"'),
      fix: expect.stringMatching(/^write auto_scaler \(or autoScaler\)/),
      position: {file: 'velda.yaml', line: 4, col: 5},
    }))
  })

  it('refuses a key that mixes both spellings, which protojson does not accept', () => {
    const {config, diagnostics} = parseConfig(camelCase.replace('sshKeyIds', 'ssh_keyIds'), {file: 'velda.yaml', env: {TS: 'k'}})
    expect(config).toBeNull()
    expect(diagnostics).toContainEqual(expect.objectContaining({message: expect.stringMatching(/"ssh_keyIds" is neither ssh_key_ids nor sshKeyIds/)}))
  })
})

describe('environment variables', () => {
  const text = (token: string) => `default_broker_info: {address: "b:1"}
agent_pools:
  - name: cpu
    auto_scaler:
      max_agents: 7
      backend:
        digitalocean_droplet:
          size: s-1vcpu-1gb
          region: sfo3
          image: ubuntu-24-04-x64
          api_token: ${token}
          tailscale_config: {pre_auth_key: "\${TS_KEY}"}
`
  it('fills ${VAR} in the secrets, and only there', () => {
    const config = parseValid(text('"${DO_TOKEN}"'), {DO_TOKEN: 'dop_v1_x', TS_KEY: 'tskey-x'})
    const pool = config.pools[0]
    expect(pool).toMatchObject({region: 'sfo3', maxAgents: 7})
    expect(pool?.apiToken?.secret?.reveal()).toBe('dop_v1_x')
    expect(pool?.tailscale?.preAuthKey.secret?.reveal()).toBe('tskey-x')
  })

  it('reads a bare variable name in api_token as that variable, never as the token', () => {
    const env = {MY_TOKEN: 'dop_v1_y'}
    expect(parseValid(text('MY_TOKEN'), env).pools[0]?.apiToken?.secret?.reveal()).toBe('dop_v1_y')
    expect(parseValid(text('OTHER_TOKEN'), env).pools[0]?.apiToken).toMatchObject({secret: null, missing: ['OTHER_TOKEN']})
  })
})

describe('sections velda-do does not use', () => {
  it('checks server and storage against the broker\'s schema, and leaves other backends and provisioners unchecked', () => {
    const config = parseValid(`server: {grpc_address: ":50051"}
default_broker_info: {address: "b:2"}
storage: {zfs: {pool: tank, max_disk_size_gb: "100"}}
agent_pools:
  - name: k8s
    auto_scaler: {backend: {kubernetes: {anything: goes}}, max_agents: 3}
provisioners:
  - aws_auto: {region: us-east-1}
  - digitalocean_auto:
      region: atl1
      pool_details: [{pool_name: gpu, size: gpu-h100x1-80gb, image: gpu-h100x1-base}]
`)
    expect(config.pools.map((p) => p.name)).toEqual(['gpu'])
    expect(config.defaultBrokerAddress).toBe('b:2')
    expect(config.unchecked).toEqual(['agent_pools[0].auto_scaler.backend.kubernetes', 'provisioners[0].aws_auto'])
  })

  it('follows YAML anchors and merge keys', () => {
    // The anchor sits on its first use: a top-level `common:` key would stop the broker (unknown field).
    const config = parseValid(`default_broker_info: {address: "b:1"}
agent_pools:
  - name: a
    auto_scaler:
      backend:
        digitalocean_droplet: {<<: &common {region: nyc3, image: ubuntu-24-04-x64, ssh_key_ids: [1]}, size: s-1vcpu-1gb}
  - name: b
    auto_scaler:
      backend:
        digitalocean_droplet: {<<: *common, size: s-2vcpu-4gb, region: sfo3}
`)
    expect(config.pools.map((p) => [p.name, p.size, p.region, p.sshKeyIds])).toEqual([
      ['a', 's-1vcpu-1gb', 'nyc3', [1]],
      ['b', 's-2vcpu-4gb', 'sfo3', [1]],
    ])
  })

  it('warns when two pools share a prefix, which the broker cannot tell apart', () => {
    const pool = (name: string) => `  - name: ${name}
    auto_scaler:
      backend:
        digitalocean_droplet: {size: s-1vcpu-1gb, region: nyc3, image: ubuntu-24-04-x64, labels: {p: ${name}}}
`
    const config = parseValid(`agent_pools:\n${pool('a')}${pool('b')}`)
    expect(config.pools[0]?.prefix).toBe(config.pools[1]?.prefix)
    expect(config.warnings.some((w) => /share the prefix/.test(w.message))).toBe(true)
  })
})
