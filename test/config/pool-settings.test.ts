import {describe, expect, it} from 'vitest'

import {parseConfig} from '../../src/lib/config/parse.js'
import {POOL_SETTINGS} from '../../src/lib/config/pool-settings.js'
import type {PoolConfig} from '../../src/lib/config/types.js'
import {formatValidationReport} from '../../src/lib/output/validation-report.js'
import {reportPools} from '../../src/lib/validation/pool-report.js'

/**
 * For every declared pool setting (api_endpoint, labels, ...): a value as written in the file, and what the pool
 * gets from it. Where the broker's digitalocean_auto has the setting is written here from the broker's schema
 * (velda.config.DigitalOceanAutoProvisioner at 41c94f5), not read from the table, so a wrong table fails.
 */
interface Sample {
  yaml: string
  /** The PoolConfig fields the value must produce. */
  pool: Partial<Record<keyof PoolConfig, unknown>>
  /** The same fields when the key is absent. */
  absent: Partial<Record<keyof PoolConfig, unknown>>
}

const ENV = {DO_TOKEN: 'dop_v1_FAKE_pool_settings', TS_KEY: 'tskey-FAKE'}

const SAMPLES: Record<string, Sample> = {
  tags: {yaml: '[team-infra]', pool: {extraTags: ['team-infra']}, absent: {extraTags: []}},
  agent_config_content: {yaml: '"daemonConfig: {}\\n"', pool: {agentConfigContent: 'daemonConfig: {}\n'}, absent: {agentConfigContent: null}},
  agent_config: {yaml: '{daemon_config: {max_sessions: 4}}', pool: {agentConfig: {daemon_config: {max_sessions: 4}}}, absent: {agentConfig: null}},
  labels: {yaml: '{team: infra}', pool: {labels: [{key: 'team', value: 'infra'}]}, absent: {labels: []}},
  agent_version_override: {yaml: '"1.2.3"', pool: {agentVersionOverride: '1.2.3'}, absent: {agentVersionOverride: null}},
  api_token: {yaml: '"${DO_TOKEN}"', pool: {apiToken: expect.objectContaining({variables: ['DO_TOKEN'], missing: []})}, absent: {apiToken: null}},
  api_endpoint: {yaml: 'https://api.example.com//', pool: {apiEndpoint: 'https://api.example.com'}, absent: {apiEndpoint: null}},
  tailscale_config: {
    yaml: '{pre_auth_key: "${TS_KEY}"}',
    pool: {tailscale: expect.objectContaining({server: null, preAuthKey: expect.objectContaining({variables: ['TS_KEY']})})},
    absent: {tailscale: null},
  },
}

/** The keys digitalocean_auto has on the provisioner, shared by its pools; the others it refuses. */
const ON_PROVISIONER = new Set(['labels', 'agent_version_override', 'api_token', 'api_endpoint', 'tailscale_config'])

const DROPLET = {size: 's-2vcpu-4gb', region: 'nyc3', image: 'ubuntu-24-04-x64'}

function agentPoolFile(extra: Record<string, string>): string {
  const lines = Object.entries({...DROPLET, ...extra}).map(([k, v]) => `          ${k}: ${v}`).join('\n')
  return `default_broker_info: {address: "broker.example.com:50051"}
agent_pools:
  - name: p
    auto_scaler:
      backend:
        digitalocean_droplet:
${lines}
`
}

function provisionerFile(extra: Record<string, string>): string {
  const lines = Object.entries({region: DROPLET.region, ...extra}).map(([k, v]) => `      ${k}: ${v}`).join('\n')
  return `default_broker_info: {address: "broker.example.com:50051"}
provisioners:
  - digitalocean_auto:
${lines}
      pool_details:
        - {pool_name: a, size: ${DROPLET.size}, image: ${DROPLET.image}}
        - {pool_name: b, size: ${DROPLET.size}, image: ${DROPLET.image}}
`
}

function pools(text: string): PoolConfig[] {
  const {config, diagnostics} = parseConfig(text, {file: 'velda.yaml', env: ENV})
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([])
  return config?.pools ?? []
}

const KEYS = POOL_SETTINGS.map((s) => s.key)

describe('every pool setting, declared once, is read where the broker reads it', () => {
  it('has a sample for each declared setting', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...KEYS].sort())
  })

  it.each(KEYS)('%s: read from digitalocean_droplet, with its default when absent', (key) => {
    const sample = SAMPLES[key] ?? {yaml: '', pool: {}, absent: {}}
    expect(pools(agentPoolFile({[key]: sample.yaml}))).toEqual([expect.objectContaining(sample.pool)])
    expect(pools(agentPoolFile({}))).toEqual([expect.objectContaining(sample.absent)])
  })

  it.each(KEYS.filter((key) => ON_PROVISIONER.has(key)))('%s: on a digitalocean_auto provisioner, reaches each of its pools', (key) => {
    const sample = SAMPLES[key] ?? {yaml: '', pool: {}, absent: {}}
    expect(pools(provisionerFile({[key]: sample.yaml}))).toEqual([expect.objectContaining(sample.pool), expect.objectContaining(sample.pool)])
  })

  it.each(KEYS.filter((key) => !ON_PROVISIONER.has(key)))('%s: refused on a digitalocean_auto provisioner, with what to do instead', (key) => {
    const sample = SAMPLES[key] ?? {yaml: '', pool: {}, absent: {}}
    const {config, diagnostics} = parseConfig(provisionerFile({[key]: sample.yaml}), {file: 'velda.yaml', env: ENV})
    expect(config).toBeNull()
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([expect.objectContaining({
      path: `provisioners[0].digitalocean_auto.${key}`,
      message: `unknown key "${key}" (the Velda broker refuses unknown keys)`,
      fix: expect.stringContaining(`digitalocean_auto has no ${key}`),
    })])
  })

  it('gives a provisioned pool an empty agent_config, as the broker does, so its agent.yaml gets pool and broker', () => {
    expect(pools(provisionerFile({})).map((p) => p.agentConfig)).toEqual([{}, {}])
  })

  it('shows the resolved settings in config validate, endpoint first, each with where it came from', () => {
    const text = agentPoolFile({api_endpoint: 'https://api.example.com', agent_version_override: '"1.2.3"', tailscale_config: '{pre_auth_key: "${TS_KEY}"}'})
    const {config} = parseConfig(text, {file: 'velda.yaml', env: ENV})
    if (!config) throw new Error('expected a valid config')
    const [report] = reportPools(config, {DIGITALOCEAN_TOKEN: 'dop_v1_FAKE_from_env'})
    expect(Object.keys(report ?? {}).filter((k) => ['api_endpoint', 'api_token', 'broker', 'agent_version', 'tailscale'].includes(k)))
      .toEqual(['api_endpoint', 'api_token', 'broker', 'agent_version', 'tailscale'])
    const rows = formatValidationReport('velda.yaml', reportPools(config, {DIGITALOCEAN_TOKEN: 'dop_v1_FAKE_from_env'})).split('\n')
    const from = rows.findIndex((row) => row.startsWith('  endpoint'))
    expect(rows.slice(from, from + 5)).toEqual([
      '  endpoint   https://api.example.com (api_endpoint)',
      '  token      <redacted> from $DIGITALOCEAN_TOKEN',
      '  broker     broker.example.com:50051 (default_broker_info)',
      '  agent      1.2.3 (agent_version_override)',
      '  tailscale  Tailscale\'s own server, key <redacted>',
    ])
  })
})
