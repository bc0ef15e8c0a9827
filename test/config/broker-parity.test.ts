import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {formatDiagnostic} from '../../src/lib/config/diagnostics.js'
import {goYamlPlainScalar} from '../../src/lib/config/goyaml.js'
import {parseConfig} from '../../src/lib/config/parse.js'
import {goDurationInSeconds, jsonNumberAsInteger, parseProtoDuration, quotedInteger} from '../../src/lib/config/protojson.js'
import type {VeldaConfig} from '../../src/lib/config/types.js'
import {renderAgentConfig} from '../../src/lib/userdata/agent-config.js'
import {CPU_DROPLET, MI300X_DROPLET, veldaYaml} from '../support/configs.js'
import {indent, unmark} from '../support/marked.js'
import {SHAPES} from '../support/pools.js'
import {expectNoSecrets, SECRET_ENV} from '../support/secrets.js'
import {BrokerRefuses, loadLikeBroker} from './broker-loader.js'

/**
 * Issue 9: velda-do reads the shared file exactly as the Velda broker does. Every case names the broker behaviour
 * it mirrors, and is also run through a model of the broker's loader (./broker-loader.ts: yaml.v3 typing, JSON,
 * protojson), so that "velda-do accepts a file only if the broker would" is checked on each of them.
 */

const FILE = 'velda.yaml'

function brokerAccepts(text: string): boolean {
  try {
    loadLikeBroker(text)
    return true
  } catch (error) {
    if (error instanceof BrokerRefuses) return false
    throw error
  }
}

/** One agent_pools pool; `fields` replace droplet settings (null removes one). */
function agentPool(fields: Record<string, string | null> = {}, scaler = 'max_agents: 5', top = 'default_broker_info: {address: "broker.example.com:50051"}'): string {
  const merged: Record<string, string | null> = {size: 's-2vcpu-4gb', region: 'nyc3', image: 'ubuntu-24-04-x64', ...fields}
  const lines = Object.entries(merged).filter(([, v]) => v !== null).map(([k, v]) => `${k}: ${v}`)
  return `${top}
agent_pools:
  - name: cpu
    auto_scaler:
${indent(scaler, 6)}
      backend:
        digitalocean_droplet:
${indent(lines.join('\n'), 10)}
`
}

/** One digitalocean_auto provisioner with one pool. */
function provisioned(settings: string, detail = 'size: gpu-mi300x1-192gb-devcloud\nimage: amd-rocm71software', top = 'default_broker_info: {address: "broker.example.com:50051"}'): string {
  return `${top}
provisioners:
  - digitalocean_auto:
${indent(`region: atl1\n${settings}`, 6)}
      pool_details:
        - pool_name: gpu
${indent(detail, 10)}
`
}

function valid(text: string, env: Record<string, string> = {}): VeldaConfig {
  const {config, diagnostics} = parseConfig(text, {file: FILE, env})
  const errors = diagnostics.filter((d) => d.severity === 'error')
  expect(errors.map((d) => formatDiagnostic(d, FILE))).toEqual([])
  if (!config) throw new Error('expected a valid config')
  return config
}

describe('pool prefixes: the vectors of docs/config.md ("Pool identity"), read from YAML as the broker reads it', () => {
  const vectors: [string, string, string, string, string, string][] = [
    ['gpu-mi300x1-192gb-devcloud', 'nyc1', 'ubuntu-22-04-x64', '[2147483647]', '"latest"', 'velda-d7a2c9af'],
    ['gpu-mi300x8-1536gb-devcloud', 'ams3', 'rockylinux-9-x64', '[2147483647, 2147483646, 100000000]', '"0.9.3"', 'velda-6e6fe765'],
    ['so-2vcpu-16gb', 'nyc1', '"12345678"', '[43210987]', '"1.0.0+build.5"', 'velda-379c8e90'],
    ['gpu-6000adax1-48gb', 'atl1', '"0123"', '[52896465, 1, 2147483647]', '"v1.0.0"', 'velda-48caa362'],
    ['c-4', 'atl1', 'debian-12-x64', '[7]', '"2025.11.02"', 'velda-74442fbc'],
    ['s-2vcpu-4gb', 'nyc3', 'ubuntu-24-04-x64', '[12, 3]', '""', 'velda-3754d692'],
    ['s-2vcpu-4gb', 'nyc3', 'ubuntu-24-04-x64', '[1, 23]', '""', 'velda-3754d692'],
    ['gpu-mi300x1-192gb-devcloud', 'atl1', 'amd-rocm71software', '[52896465]', '"1.0.0"', 'velda-930b7ad6'],
    ['gpu-mi300x1-192gb-devcloud', 'atl1', 'amd-rocm71software', '[52896465]', '""', 'velda-86fd6454'],
    ['s-2vcpu-4gb', 'atl1', 'ubuntu-20-04-x64', '[52896465]', '"1.0.0"', 'velda-785fcc50'],
    ['s-2vcpu-4gb', 'nyc3', 'ubuntu-24-04-x64', '[]', '""', 'velda-483a082b'],
    // Issue 9: what the broker computes for a literal "${VV}" (velda-do used to expand it to 1.0.0: velda-3d8f5b3c).
    ['s-2vcpu-4gb', 'nyc3', 'ubuntu-24-04-x64', '[12, 3]', '"1.0.0"', 'velda-3d8f5b3c'],
  ]

  it.each(vectors)('%s %s %s %s %s -> %s (agent_pools and provisioners)', (size, region, image, keys, version, expected) => {
    const pool = agentPool({size, region, image, ssh_key_ids: keys, agent_version_override: version})
    const provisioner = provisioned(`ssh_key_ids: ${keys}\nagent_version_override: ${version}`, `size: ${size}\nimage: ${image}`)
      .replace('region: atl1', `region: ${region}`)
    for (const text of [pool, provisioner]) {
      expect(brokerAccepts(text)).toBe(true)
      expect(valid(text).pools[0]?.prefix).toBe(expected)
    }
    // The same keys, quoted: protojson reads "52896465" as 52896465, so the prefix is the same.
    const quoted = keys.replace(/\d+/g, (n) => `"${n}"`)
    expect(valid(agentPool({size, region, image, ssh_key_ids: quoted, agent_version_override: version})).pools[0]?.prefix).toBe(expected)
  })

  it('refuses the "${VV}" of the issue instead of hashing its value: the broker hashes the characters (velda-42d74709)', () => {
    const {text, line, col} = unmark(agentPool({ssh_key_ids: '[12, 3]', agent_version_override: '»"${VV}"'}))
    const {config, diagnostics} = parseConfig(text, {file: FILE, env: {VV: '1.0.0'}})
    expect(config).toBeNull()
    expect(diagnostics).toContainEqual(expect.objectContaining({
      path: 'agent_pools[0].auto_scaler.backend.digitalocean_droplet.agent_version_override',
      position: {file: FILE, line, col},
      message: expect.stringContaining('the Velda broker does not expand ${...}'),
    }))
    expect(brokerAccepts(text)).toBe(true)
  })
})

interface ParityCase {
  /** The numbered difference of issue 9 (1-6), or 0 for the unknown-keys check. */
  point: number
  name: string
  /** What the broker does, which velda-do mirrors. */
  mirrors: string
  /** With » at the position the error must name, for refusals. */
  yaml: string
  env?: Record<string, string>
  velda: 'accepts' | 'refuses'
  broker: 'accepts' | 'refuses'
  message?: RegExp
  fix?: RegExp
  check?: (config: VeldaConfig) => void
}

const ENV = {...SECRET_ENV, VV: '1.0.0', REGION: 'nyc3', SIZE: 's-2vcpu-4gb', KEY: '52896465', MAX: '7'}
const BROKER_NO_EXPANSION = 'the broker reads ${...} as those characters (no environment expansion anywhere)'

const cases: ParityCase[] = [
  // 1. ${VAR} in what feeds the prefix, the tags or the create body.
  ...[
    ['size', {size: '»"${SIZE}"'}],
    ['region', {region: '»"${REGION}"'}],
    ['image', {image: '»"${IMAGE}-x64"'}],
    ['agent_version_override', {agent_version_override: '»"${VV}"'}],
    ['a label value (a tag)', {labels: '{env: »"${ENVIRONMENT}"}'}],
    ['an extra tag', {tags: '[»"team-${TEAM}"]'}],
    ['vpc_uuid', {vpc_uuid: '»"${VPC}"'}],
    ['api_endpoint', {api_endpoint: '»"https://${HOST}"'}],
    ['agent_config (written into user_data)', {agent_config: '{session: »"${SESSION}"}'}],
    ['the Tailscale server (in user_data)', {tailscale_config: '{server: »"https://${TS_HOST}", pre_auth_key: "${TS_KEY}"}'}],
  ].map(([name, fields]): ParityCase => ({
    point: 1,
    name: `\${VAR} in ${name as string}`,
    mirrors: BROKER_NO_EXPANSION,
    yaml: agentPool(fields as Record<string, string>),
    env: ENV,
    velda: 'refuses',
    broker: 'accepts',
    message: /the Velda broker does not expand \$\{\.\.\.\} and would use these characters as they are/,
    fix: /write the value itself/,
  })),
  {
    point: 1, name: '${VAR} in a quoted ssh key id', mirrors: 'protojson reads "${KEY}" as a string, not a number: the broker refuses it',
    yaml: agentPool({ssh_key_ids: '[»"${KEY}"]'}), env: ENV, velda: 'refuses', broker: 'refuses', message: /must be a whole number/, fix: /does not expand/,
  },
  {
    point: 1, name: '${VAR} in max_agents', mirrors: 'protojson reads "${MAX}" as a string, not a number: the broker refuses it',
    yaml: agentPool({}, 'max_agents: »"${MAX}"'), env: ENV, velda: 'refuses', broker: 'refuses', message: /max_agents: must be a whole number/,
  },
  {
    point: 1, name: '${VAR} in default_broker_info.address', mirrors: BROKER_NO_EXPANSION,
    yaml: agentPool({}, 'max_agents: 5', 'default_broker_info: {address: »"${BROKER}"}'), env: {BROKER: 'b:1'}, velda: 'refuses', broker: 'accepts',
    message: /does not expand/,
  },
  {
    point: 1, name: '${VAR} in a provisioner\'s region', mirrors: BROKER_NO_EXPANSION,
    yaml: provisioned('api_token: X_TOKEN').replace('region: atl1', 'region: »"${REGION}"'), env: ENV, velda: 'refuses', broker: 'accepts', message: /does not expand/,
  },
  {
    point: 1, name: '${VAR} kept in api_token and pre_auth_key (secrets)',
    mirrors: 'the broker reads them literally too; config validate says so, velda-do expands them so that no secret is written in the file',
    yaml: agentPool({api_token: '"${DO_TOKEN}"', tailscale_config: '{pre_auth_key: "${TS_KEY}"}'}), env: ENV, velda: 'accepts', broker: 'accepts',
    check: (config) => {
      expect(config.pools[0]?.apiToken?.secret?.reveal()).toBe(SECRET_ENV.DO_TOKEN)
      expect(config.pools[0]?.tailscale?.preAuthKey.variables).toEqual(['TS_KEY'])
    },
  },
  {
    point: 1, name: '${VAR} in a section velda-do does not use (server.grpc_address) is left as text',
    mirrors: 'the broker reads it as text; velda-do does not use it', yaml: agentPool({}, 'max_agents: 5', 'default_broker_info: {address: "b:1"}\nserver: {grpc_address: "${LISTEN}"}'),
    velda: 'accepts', broker: 'accepts',
  },
  // 2. agent_version_override: "" is unset.
  {
    point: 2, name: 'agent_version_override: "" in agent_pools', mirrors: 'proto3: an empty string is the same as no value; the prefix hashes the version only when it is non-empty',
    yaml: agentPool({agent_version_override: '""'}), velda: 'accepts', broker: 'accepts',
    check: (config) => {
      expect(config.pools[0]?.agentVersionOverride).toBeNull()
      expect(config.pools[0]?.prefix).toBe(valid(agentPool()).pools[0]?.prefix)
    },
  },
  {
    point: 2, name: 'agent_version_override: "" in a provisioner', mirrors: 'the same in DigitalOceanAutoProvisioner',
    yaml: provisioned('ssh_key_ids: [52896465]\nagent_version_override: ""'), velda: 'accepts', broker: 'accepts',
    check: (config) => expect(config.pools[0]?.prefix).toBe('velda-86fd6454'),
  },
  {
    point: 2, name: 'agent_version_override with a space', mirrors: 'not a release the broker can download',
    yaml: agentPool({agent_version_override: '»"1.0 beta"'}), velda: 'refuses', broker: 'accepts', message: /is not a release version/,
  },
  // 3. Quoted decimal integers, with protojson's range and syntax.
  ...([
    ['["52896465"]', [52896465]],
    ['["2147483647"]', [2147483647]],
    ['["1e3"]', [1000]],
    ['["5.0"]', [5]],
    ['["100e-2"]', [1]],
    ['[52896465, "7"]', [52896465, 7]],
  ] as const).map(([keys, ids]): ParityCase => ({
    point: 3, name: `ssh_key_ids: ${keys}`, mirrors: 'protojson reads an int32 from a string holding one JSON number with an integral value',
    yaml: agentPool({ssh_key_ids: keys}), velda: 'accepts', broker: 'accepts', check: (config) => expect(config.pools[0]?.sshKeyIds).toEqual(ids),
  })),
  ...([
    ['["»2147483648"]', 'above int32'],
    ['["» 5"]', 'spaces around the number'],
    ['["»+5"]', 'a + sign (not JSON)'],
    ['["»05"]', 'a leading zero (not JSON)'],
    ['["»0x10"]', 'hex (not JSON)'],
    ['["»1.5"]', 'a fraction'],
    ['["»5 6"]', 'two numbers'],
    ['["»"]', 'an empty string'],
  ] as const).map(([keys, why]): ParityCase => ({
    point: 3, name: `ssh_key_ids: ${keys.replace('»', '')} (${why})`, mirrors: `protojson refuses a quoted int32 with ${why}`,
    yaml: agentPool({ssh_key_ids: keys.replace('["»', '[»"')}), velda: 'refuses', broker: 'refuses', message: /must be a whole number from 1 to 2147483647/,
  })),
  {
    point: 3, name: 'max_agents: "10" and min_agents: "1"', mirrors: 'the same rule for every integer field of the autoscaler',
    yaml: agentPool({}, 'max_agents: "10"\nmin_agents: "1"'), velda: 'accepts', broker: 'accepts',
    check: (config) => expect(config.pools[0]).toMatchObject({maxAgents: 10, minAgents: 1}),
  },
  {
    point: 3, name: 'agent_config.instance: "9223372036854775807" (int64)', mirrors: 'protojson reads int64 from a string up to 2^63-1, and writes int64 as a string',
    yaml: agentPool({agent_config: '{instance: "9223372036854775807"}'}), velda: 'accepts', broker: 'accepts',
    check: (config) => expect(renderAgentConfig(config.pools[0]!, 'b:1')).toContain('instance: "9223372036854775807"'),
  },
  {
    point: 3, name: 'agent_config.instance: 9223372036854775808', mirrors: 'protojson refuses an int64 past 2^63-1',
    yaml: agentPool({agent_config: '{instance: »9223372036854775808}'}), velda: 'refuses', broker: 'refuses', message: /instance: must be a whole number/,
  },
  {
    point: 3, name: 'ssh_key_ids: [017] unquoted', mirrors: 'yaml.v3 reads 017 as octal 15 where velda-do\'s YAML reads 17',
    yaml: agentPool({ssh_key_ids: '[»017]'}), velda: 'refuses', broker: 'accepts', message: /YAML readers disagree on 017: velda-do reads the number 17, the Velda broker \(Go yaml\.v3\) reads the number 15/,
  },
  {
    point: 3, name: 'max_agents: 1_000', mirrors: 'yaml.v3 reads 1_000 as 1000, velda-do\'s YAML as text: refused rather than read two ways',
    yaml: agentPool({}, 'max_agents: »1_000'), velda: 'refuses', broker: 'accepts', message: /YAML readers disagree on 1_000/,
  },
  // 4. A number where the broker's schema has a string.
  {
    point: 4, name: 'image: 12345 unquoted', mirrors: 'protojson refuses a number for a string field: the broker does not start',
    yaml: agentPool({image: '»12345'}), velda: 'refuses', broker: 'refuses',
    message: /image: must be a string, not 12345 \(YAML reads it as a number; the Velda broker refuses the file\)/, fix: /^quote it: image: "12345"$/,
  },
  {
    point: 4, name: 'image: "12345" quoted', mirrors: 'a numeric image id as a string, hashed as its text',
    yaml: agentPool({image: '"12345"'}), velda: 'accepts', broker: 'accepts', check: (config) => expect(config.pools[0]?.image).toBe('12345'),
  },
  {
    point: 4, name: 'image: 12345 in pool_details', mirrors: 'the same in DigitalOceanAutoProvisioner.PoolDetail',
    yaml: provisioned('ssh_key_ids: [1]', 'size: gpu-mi300x1-192gb-devcloud\nimage: »12345'), velda: 'refuses', broker: 'refuses', fix: /quote it: image: "12345"/,
  },
  {
    point: 4, name: 'a label value 1.0 unquoted', mirrors: 'map<string, string>: protojson refuses a number value',
    yaml: agentPool({labels: '{tier: »1.0}'}), velda: 'refuses', broker: 'refuses', message: /label values must be strings/,
  },
  {
    point: 4, name: 'image: 0b101', mirrors: 'yaml.v3 reads 0b101 as the number 5 (so the broker refuses the file); velda-do\'s YAML reads text',
    yaml: agentPool({image: '»0b101'}), velda: 'refuses', broker: 'refuses', message: /YAML readers disagree on 0b101: velda-do reads a string, the Velda broker \(Go yaml\.v3\) reads the number 5/,
    fix: /quote it: image: "0b101"/,
  },
  {
    point: 4, name: 'description: 2025-11-02 unquoted', mirrors: 'yaml.v3 keeps a date as text when decoding into interface{}',
    yaml: provisioned('ssh_key_ids: [1]', 'size: gpu-mi300x1-192gb-devcloud\nimage: amd-rocm71software\ndescription: 2025-11-02'), velda: 'accepts', broker: 'accepts',
    check: (config) => expect(config.pools[0]?.description).toBe('2025-11-02'),
  },
  // 5. Durations: only protojson's seconds form.
  ...([
    ['max_time: »5m', '300s'],
    ['max_time: »1h30m', '5400s'],
    ['max_time: »"250ms"', '0.250s'],
  ] as const).map(([setting, seconds]): ParityCase => ({
    point: 5, name: `agent_config.sandbox_config.${setting.replace('»', '')}`, mirrors: 'google.protobuf.Duration in protojson is "<seconds>s"; the agent refuses 5m',
    yaml: agentPool({agent_config: `{sandbox_config: {${setting}}}`}), velda: 'refuses', broker: 'refuses',
    message: /is not a duration the Velda broker and agent read/, fix: new RegExp(`^write max_time: "${seconds.replace('.', '\\.')}"$`),
  })),
  ...(['"300s"', '"1.5s"', '"-2s"', '".5s"', '"0s"'] as const).map((value): ParityCase => ({
    point: 5, name: `max_time: ${value}`, mirrors: 'protojson durations: seconds, a fraction of up to 9 digits, a sign',
    yaml: agentPool({agent_config: `{sandbox_config: {max_time: ${value}}}`}), velda: 'accepts', broker: 'accepts',
  })),
  ...([['»"05s"', 'a leading zero'], ['»"1.1234567891s"', 'ten fractional digits'], ['»"315576000001s"', 'past 10,000 years'], ['»300', 'a number']] as const)
    .map(([value, why]): ParityCase => ({
      point: 5, name: `max_time: ${value.replace('»', '')} (${why})`, mirrors: `protojson refuses a duration with ${why}`,
      yaml: agentPool({agent_config: `{sandbox_config: {max_time: ${value}}}`}), velda: 'refuses', broker: 'refuses', message: /duration/,
    })),
  {
    point: 5, name: 'auto_scaler idle_decay: 1m', mirrors: 'the autoscaler\'s durations are google.protobuf.Duration too',
    yaml: agentPool({}, 'max_agents: 5\nidle_decay: »1m'), velda: 'refuses', broker: 'refuses', fix: /^write idle_decay: "60s"$/,
  },
  {
    point: 5, name: 'ssh_connector.connect_timeout: 10m (a section velda-do does not use)', mirrors: 'the broker refuses it wherever it is',
    yaml: agentPool({}, 'max_agents: 5', 'default_broker_info: {address: "b:1"}\nssh_connector: {connect_timeout: »10m}'), velda: 'refuses', broker: 'refuses',
    fix: /write connect_timeout: "600s"/,
  },
  // 6. default_broker_info.public_address reaches the agent.
  {
    point: 6, name: 'default_broker_info.public_address goes into agent.yaml', mirrors: 'AgentConfig.broker = the whole default_broker_info',
    yaml: agentPool({agent_config: '{}'}, 'max_agents: 5', 'default_broker_info: {address: "10.0.0.5:50051", public_address: "broker.example.com:443"}'),
    velda: 'accepts', broker: 'accepts',
    check: (config) => expect(renderAgentConfig(config.pools[0]!, '10.0.0.5:50051')).toContain('publicAddress: broker.example.com:443'),
  },
  {
    point: 6, name: 'a provisioned pool gets public_address too', mirrors: 'the provisioner gives each pool an empty agent_config, then the same rule',
    yaml: provisioned('ssh_key_ids: [1]', undefined, 'default_broker_info: {address: "10.0.0.5:50051", public_address: "broker.example.com:443"}'),
    velda: 'accepts', broker: 'accepts',
    check: (config) => expect(renderAgentConfig(config.pools[0]!, '10.0.0.5:50051')).toContain('publicAddress: broker.example.com:443'),
  },
  {
    point: 6, name: 'agent_config.broker wins as a whole (no default public_address)', mirrors: 'the default is used only when agent_config.broker is unset',
    yaml: agentPool({agent_config: '{broker: {address: "a:1"}}'}, 'max_agents: 5', 'default_broker_info: {address: "b:1", public_address: "p:2"}'),
    velda: 'accepts', broker: 'accepts',
    check: (config) => expect(renderAgentConfig(config.pools[0]!, 'a:1')).not.toContain('publicAddress'),
  },
  // Unknown keys: the broker refuses them anywhere; velda-do checks where it knows the schema.
  {
    point: 0, name: 'a top-level key the broker does not know', mirrors: 'protojson: unknown field in velda.config.Config',
    yaml: `»common: {region: nyc3}\n${agentPool()}`, velda: 'refuses', broker: 'refuses', message: /"common" is not a key of the Velda config/, fix: /anchor on the first use/,
  },
  {
    point: 0, name: 'server.default_broker_info', mirrors: 'velda.config.Server has no default_broker_info: only the top level does',
    yaml: agentPool({}, 'max_agents: 5', 'server:\n  grpc_address: ":50051"\n  »default_broker_info: {address: "b:1"}'), velda: 'refuses', broker: 'refuses',
    fix: /move default_broker_info to the top level/,
  },
  {
    point: 0, name: 'server.listen_address', mirrors: 'velda.config.Server has grpc_address, http_address, cert_spiffe_id',
    yaml: agentPool({}, 'max_agents: 5', 'default_broker_info: {address: "b:1"}\nserver: {»listen_address: ":50051"}'), velda: 'refuses', broker: 'refuses',
    message: /server\.listen_address: unknown key "listen_address"/,
  },
  {
    point: 0, name: 'storage.type', mirrors: 'velda.config.Storage is one of zfs, mini, btrfs',
    yaml: agentPool({}, 'max_agents: 5', 'default_broker_info: {address: "b:1"}\nstorage: {»type: POSTGRES}'), velda: 'refuses', broker: 'refuses',
  },
  {
    point: 0, name: 'two storage kinds', mirrors: 'Storage.storage is a oneof',
    yaml: agentPool({}, 'max_agents: 5', 'default_broker_info: {address: "b:1"}\nstorage: {zfs: {pool: tank}, »mini: {root: /srv}}'), velda: 'refuses', broker: 'refuses',
    message: /"zfs" and "mini" are one choice/,
  },
  {
    point: 0, name: 'an unknown key in another pool\'s auto_scaler', mirrors: 'AgentPool.AutoScaler is the same message for every backend',
    yaml: `${agentPool()}  - name: k8s\n    auto_scaler: {backend: {kubernetes: {}}, »whatever: 1}\n`, velda: 'refuses', broker: 'refuses',
  },
  {
    point: 0, name: 'another backend\'s settings (not checked)', mirrors: 'velda-do does not know the kubernetes backend\'s schema; config validate lists it',
    yaml: `${agentPool()}  - name: k8s\n    auto_scaler: {backend: {kubernetes: {kubeconfig: /k}}}\n`, velda: 'accepts', broker: 'accepts',
    check: (config) => expect(config.unchecked).toEqual(['agent_pools[1].auto_scaler.backend.kubernetes']),
  },
  {
    point: 0, name: 'two backends in one pool', mirrors: 'AutoscalerBackend.backend is a oneof',
    yaml: agentPool({}, 'max_agents: 5').replace('        digitalocean_droplet:', '        kubernetes: {}\n        »digitalocean_droplet:'), velda: 'refuses', broker: 'refuses',
    message: /are one choice \(a protobuf oneof\)/,
  },
  {
    point: 0, name: 'two provisioners in one entry', mirrors: 'Provisioner.provisioner is a oneof',
    yaml: provisioned('ssh_key_ids: [1]').replace('  - digitalocean_auto:', '  - aws_auto: {}\n    »digitalocean_auto:'), velda: 'refuses', broker: 'refuses',
    message: /takes one provisioner per entry/,
  },
  {
    point: 0, name: 'autoscaler instead of auto_scaler', mirrors: 'protojson knows auto_scaler and autoScaler only',
    yaml: agentPool().replace('auto_scaler:', '»autoscaler:'), velda: 'refuses', broker: 'refuses', fix: /write auto_scaler/,
  },
  {
    point: 0, name: 'agent_config under digitalocean_auto', mirrors: 'DigitalOceanAutoProvisioner has no agent_config',
    yaml: provisioned('»agent_config: {}'), velda: 'refuses', broker: 'refuses', fix: /define the pool under agent_pools/,
  },
  {
    point: 0, name: 'a null item in ssh_key_ids', mirrors: 'protojson refuses null in a repeated field',
    yaml: agentPool({ssh_key_ids: '[1, »null]'}), velda: 'refuses', broker: 'refuses', message: /a list item is empty/,
  },
  {
    point: 0, name: 'a number as a key', mirrors: 'yaml.v3 gives map[interface{}]interface{}, which encoding/json refuses',
    yaml: agentPool({agent_config: '{sandbox_config: {»1: x}}'}), velda: 'refuses', broker: 'refuses', message: /is not text to YAML/,
  },
]

describe('issue 9: accept and refuse as the broker does', () => {
  const labelled = cases.map((c) => ({...c, label: c.point === 0 ? 'unknown keys' : `point ${c.point}`}))
  it.each(labelled)('$label: $name (mirrors: $mirrors)', (c) => {
    const {text, line, col} = c.velda === 'refuses' ? unmark(c.yaml) : {text: c.yaml, line: 0, col: 0}
    const {config, diagnostics} = parseConfig(text, {file: FILE, env: {...SECRET_ENV, ...c.env}})
    const errors = diagnostics.filter((d) => d.severity === 'error')
    expect(brokerAccepts(text), 'the model of the broker\'s loader').toBe(c.broker === 'accepts')
    if (c.velda === 'accepts') {
      expect(errors.map((d) => formatDiagnostic(d, FILE))).toEqual([])
      if (config) c.check?.(config)
      return
    }
    expect(config).toBeNull()
    const at = errors.filter((d) => d.position?.line === line && d.position.col === col)
    expect(at, `no error at ${line}:${col} among:\n${errors.map((d) => formatDiagnostic(d, FILE)).join('\n')}`).not.toEqual([])
    const match = at.find((d) => (c.message ? c.message.test(`${d.path}: ${d.message}`) : true) && (c.fix ? c.fix.test(d.fix ?? '') : true))
    expect(match, errors.map((d) => formatDiagnostic(d, FILE)).join('\n')).toBeDefined()
    expect(match?.path).not.toBe('')
    expect(match?.fix).toBeTruthy()
    expectNoSecrets(JSON.stringify(diagnostics))
  })

  it('has cases for each of the six points and for unknown keys', () => {
    for (const point of [0, 1, 2, 3, 4, 5, 6]) expect(cases.filter((c) => c.point === point).length, `point ${point}`).toBeGreaterThanOrEqual(2)
  })

  it('never accepts what the broker refuses', () => {
    for (const c of cases) if (c.broker === 'refuses') expect(c.velda, c.name).toBe('refuses')
  })
})

describe('velda-do accepts a file only if the broker would', () => {
  const files = [
    new URL('../../examples/velda.yaml', import.meta.url),
    new URL('../../../shared/examples/velda.yaml', import.meta.url),
  ].filter((url) => existsSync(url))

  it.each(files.map((url) => [url.pathname]))('%s', (path) => {
    const text = readFileSync(path, 'utf8')
    expect(brokerAccepts(text)).toBe(true)
    valid(text, SECRET_ENV)
  })

  /** Configs written out whole in the other tests (template literals with no interpolation but escaped `\${`). */
  const inlineConfigs = (() => {
    const root = new URL('../', import.meta.url).pathname
    const found: [string, string][] = []
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, {withFileTypes: true})) {
        const path = join(dir, entry.name)
        if (entry.isDirectory()) walk(path)
        else if (entry.name.endsWith('.ts') && !path.includes('/config/')) {
          for (const match of readFileSync(path, 'utf8').matchAll(/`((?:default_broker_info|agent_pools|provisioners):[^`]*)`/g)) {
            const body = match[1] ?? ''
            // A template that interpolates is built per test: only literal files are fixtures.
            if (/(?<!\\)\$\{/.test(body)) continue
            found.push([`${path.slice(root.length)} #${found.length + 1}`, body.replaceAll('\\${', '${').replaceAll('\\\\', '\\')])
          }
        }
      }
    }
    walk(root)
    return found
  })()

  it('finds the configs of the other tests: the contract check\'s and the fault matrix\'s among them', () => {
    const names = inlineConfigs.map(([name]) => name).join('\n')
    expect(names).toMatch(/e2e\/contract\.test\.ts/)
    expect(names).toMatch(/support\/fault-matrix\.ts/)
  })

  it.each(inlineConfigs)('the config in %s', (_name, text) => {
    expect(brokerAccepts(text)).toBe(true)
    valid(text, SECRET_ENV)
  })

  /** What test/support/configs.ts writes for the other tests, with every kind of value they give it. */
  const built: [string, string][] = [
    ['one pool, all defaults', veldaYaml([{name: 'cpu', droplet: CPU_DROPLET}])],
    ['auto_scaler settings, settings as YAML text, an agent version of its own', veldaYaml([
      {
        name: 'cpu',
        droplet: {
          ...CPU_DROPLET, ssh_key_ids: '[52896465, 777]', labels: '{team: infra}', monitoring: true, ipv6: true,
          tailscale_config: '{pre_auth_key: "${TS_KEY}"}', agent_version_override: '"2.0.0"',
        },
        scaler: {max_agents: 30, min_agents: 1},
      },
      {name: 'gpu', droplet: MI300X_DROPLET},
    ])],
    ['no broker address', veldaYaml([{name: 'gpu', droplet: MI300X_DROPLET}], {broker: null})],
    ['more top-level YAML after agent_pools', veldaYaml([{name: 'cpu', droplet: CPU_DROPLET}], {
      rest: 'provisioners:\n  - digitalocean_auto:\n      region: atl1\n      pool_details: [{pool_name: gpu, size: gpu-mi300x1-192gb-devcloud, image: amd-rocm71software}]\n',
    })],
  ]

  it.each(built)('a config of test/support/configs.ts: %s', (_name, text) => {
    expect(brokerAccepts(text)).toBe(true)
    valid(text, SECRET_ENV)
  })

  it.each(Object.entries(SHAPES))('the test pool shape %s', (name, droplet) => {
    const text = `agent_pools:\n  - name: ${name}\n    auto_scaler:\n      backend:\n        digitalocean_droplet:\n${indent(droplet, 10)}\n`
    expect(brokerAccepts(text)).toBe(true)
    valid(text, SECRET_ENV)
  })

  it('refuses a file written like the broker backend\'s own example, at every place the broker would stop', () => {
    const marked = `server:
  »listen_address: ":50051"
  »default_broker_info:
    address: "your-server.example.com:50051"
storage:
  »type: POSTGRES
provisioners:
  - digitalocean_auto:
      region: "atl1"
      pool_details:
        - pool_name: "amd-mi300x"
          size: "gpu-mi300x1-192gb-devcloud"
          image: "amd-rocm71software"
          autoscaler_config: {max_agents: 10, idle_decay: »"1m"}
`
    const text = marked.replaceAll('»', '')
    expect(brokerAccepts(text)).toBe(false)
    const {config, diagnostics} = parseConfig(text, {file: FILE, env: {}})
    expect(config).toBeNull()
    const expected = marked.split('\n').flatMap((l, i) => (l.includes('»') ? [{line: i + 1, col: l.indexOf('»') + 1}] : []))
    const errors = diagnostics.filter((d) => d.severity === 'error').map((d) => ({line: d.position?.line, col: d.position?.col}))
    expect(errors).toEqual(expect.arrayContaining(expected))
  })
})

describe('the broker\'s value rules, as velda-do implements them', () => {
  it.each([
    ['017', {kind: 'int', value: 15n}], ['08', {kind: 'float', value: 8}], ['1_000', {kind: 'int', value: 1000n}],
    ['0b101', {kind: 'int', value: 5n}], ['0X1F', {kind: 'int', value: 31n}], ['+0x10', {kind: 'int', value: 16n}],
    ['-0o17', {kind: 'int', value: -15n}], ['1e3', {kind: 'float', value: 1000}], ['.5', {kind: 'float', value: 0.5}],
    ['2025-11-02', {kind: 'string', value: '2025-11-02'}], ['yes', {kind: 'string', value: 'yes'}], ['True', {kind: 'bool', value: true}],
    ['~', {kind: 'null'}], ['1e400', {kind: 'string', value: '1e400'}], ['18446744073709551615', {kind: 'int', value: 18446744073709551615n}],
    ['v1.0.0', {kind: 'string', value: 'v1.0.0'}], ['.inf', {kind: 'float', value: Infinity}],
  ])('yaml.v3 types the plain scalar %s', (text, expected) => {
    expect(goYamlPlainScalar(text)).toEqual(expected)
  })

  it.each([
    ['5', 5n], ['-0', 0n], ['1e3', 1000n], ['5.0', 5n], ['100e-2', 1n], ['0e-99', 0n], ['1.5', undefined], ['05', undefined],
    ['+5', undefined], [' 5', undefined], ['0x10', undefined], ['1e21', undefined], ['', undefined], ['5 6', undefined],
  ])('protojson reads the quoted integer %j as %s', (text, expected) => {
    expect(quotedInteger(text)).toBe(expected)
  })

  it('reads a JSON number as a whole number only when it is one', () => {
    expect(jsonNumberAsInteger('12345678901234567890')).toBe(12345678901234567890n)
    expect(jsonNumberAsInteger('123456789012345678901')).toBeUndefined()
  })

  it.each([
    ['300s', {seconds: 300n, nanos: 0}], ['1.5s', {seconds: 1n, nanos: 500_000_000}], ['-2.25s', {seconds: -2n, nanos: -250_000_000}],
    ['.5s', {seconds: 0n, nanos: 500_000_000}], ['1.s', {seconds: 1n, nanos: 0}], ['+3s', {seconds: 3n, nanos: 0}],
    ['5m', undefined], ['05s', undefined], ['s', undefined], ['-s', undefined], ['1.0000000001s', undefined], ['315576000001s', undefined],
  ])('protojson reads the duration %s', (text, expected) => {
    expect(parseProtoDuration(text)).toEqual(expected)
  })

  it.each([['5m', '300s'], ['1h30m', '5400s'], ['1.5h', '5400s'], ['250ms', '0.250s'], ['90s', '90s'], ['five', undefined]])(
    'suggests %s as %s', (text, expected) => {
      expect(goDurationInSeconds(text)).toBe(expected)
    })
})
