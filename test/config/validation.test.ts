import {describe, expect, it} from 'vitest'

import {formatDiagnostic} from '../../src/lib/config/diagnostics.js'
import {parseConfig} from '../../src/lib/config/parse.js'
import {indent, unmark} from '../support/marked.js'
import {expectNoSecrets, FAKE_DO_TOKEN, SECRET_ENV} from '../support/secrets.js'

const STANDARD = {
  size: 's-2vcpu-4gb',
  region: 'nyc3',
  image: 'ubuntu-24-04-x64',
  api_token: '"${DO_TOKEN}"',
} as Record<string, string>

/** An agent_pools DigitalOcean pool; `fields` replace or add droplet settings (null removes one). */
function agentPool(fields: Record<string, string | null> = {}, name = 'cpu', scaler = 'max_agents: 5'): string {
  const merged = {...STANDARD, ...fields}
  const lines = Object.entries(merged)
    .filter(([, value]) => value !== null)
    .map(([key, value]) => `${key}: ${value}`)
  return `default_broker_info:
  address: broker.example.com:50051
agent_pools:
  - name: ${name}
    auto_scaler:
${indent(scaler, 6)}
      backend:
        digitalocean_droplet:
${indent(lines.join('\n'), 10)}
`
}

function provisioner(poolDetails: string, settings = 'region: atl1'): string {
  return `provisioners:
  - digitalocean_auto:
${indent(settings, 6)}
      pool_details:
${indent(poolDetails, 8)}
`
}

interface Case {
  name: string
  /** The config, with » where the problem must be reported. */
  yaml: string
  message: RegExp
  fix?: RegExp
  env?: Record<string, string>
  /** Text that must appear in no diagnostic (a password, a query string). */
  absent?: string
}

const cases: Case[] = [
  {name: 'YAML syntax error', yaml: 'agent_pools:\n  - name: [unclosed\n»', message: /^YAML: /},
  {name: 'a top level that is not a mapping', yaml: '»- just\n- a list\n', message: /must be a YAML mapping/},
  {
    name: 'no DigitalOcean pool at all',
    yaml: '»agent_pools:\n  - name: k8s\n    auto_scaler:\n      backend:\n        kubernetes: {}\n',
    message: /defines no DigitalOcean pool/,
    fix: /digitalocean_droplet/,
  },
  {
    name: 'missing size',
    yaml: agentPool({size: null}).replace('digitalocean_droplet:', '»digitalocean_droplet:'),
    message: /required key "size" is missing/,
  },
  {
    name: 'missing image in a pool_details entry',
    yaml: provisioner('- »pool_name: gpu\n  size: gpu-mi300x1-192gb-devcloud'),
    message: /required key "image" is missing/,
  },
  {name: 'a number where a size slug belongs', yaml: agentPool({size: '»5'}), message: /size: must be a string, not 5/, fix: /quote it/},
  {name: 'a size that is not a slug', yaml: agentPool({size: '»"S 2vcpu"'}), message: /is not a size slug/, fix: /velda-do sizes/},
  {name: 'ssh_key_ids as a string', yaml: agentPool({ssh_key_ids: '»"123"'}), message: /ssh_key_ids: must be a list, like \[52896465\]/},
  {name: 'a fingerprint in ssh_key_ids', yaml: agentPool({ssh_key_ids: '[»"ab:cd"]'}), message: /ssh_key_ids\[0\]: must be a whole number from 1/},
  {name: 'negative max_agents', yaml: agentPool({}, 'cpu', 'max_agents: »-1'), message: /max_agents: must be a whole number from 0 to 2147483647, not -1/},
  {name: 'backups: "yes"', yaml: agentPool({backups: '»"yes"'}), message: /backups: must be true or false/, fix: /backups: true/},
  {name: 'ipv6: 1', yaml: agentPool({ipv6: '»1'}), message: /ipv6: must be true or false, not 1/},
  {name: 'a misspelt key', yaml: agentPool({'»regoin': 'nyc1'}), message: /unknown key "regoin"/, fix: /did you mean "region"/},
  {name: 'a misspelt camelCase key', yaml: agentPool({'»sshKeyId': '[1]'}), message: /unknown key "sshKeyId"/, fix: /did you mean "ssh_key_ids"/},
  {
    name: 'one key in both spellings',
    yaml: agentPool({ssh_key_ids: '[1]', '»sshKeyIds': '[2]'}),
    message: /"sshKeyIds" repeats "ssh_key_ids"/,
  },
  {name: 'a key written twice', yaml: agentPool({region: 'nyc3', '»region ': 'nyc1'}).replace('region : nyc1', 'region: nyc1'), message: /YAML: Map keys must be unique/},
  {
    name: 'duplicate pool names across both ways of defining pools',
    yaml: agentPool({}, 'gpu') + provisioner('- pool_name: »gpu\n  size: gpu-mi300x1-192gb-devcloud\n  image: amd-rocm71software'),
    message: /pool name "gpu" is already used by agent_pools\[0\] \(line 4\)/,
  },
  {name: 'a pool name that cannot be a tag', yaml: agentPool({}, '»gpu pool'), message: /pool name "gpu pool" cannot form the tag velda-pool:gpu pool/},
  {name: 'a label key with a slash', yaml: agentPool({labels: '{»velda/pool: x}'}), message: /tag "velda\/pool:x" has characters .* "\/"/},
  {name: 'a label value that YAML reads as a number', yaml: agentPool({labels: '{tier: »1}'}), message: /label values must be strings/, fix: /tier: "1"/},
  {name: 'an extra tag with a space', yaml: agentPool({tags: '[»"team infra"]'}), message: /tag "team infra" has characters/},
  {name: 'a label too long for a tag', yaml: agentPool({labels: `{»k: ${'v'.repeat(300)}}`}), message: /is 302 characters long/},
  {name: 'vpc_uuid that is not a UUID', yaml: agentPool({vpc_uuid: '»default-vpc'}), message: /"default-vpc" is not a VPC UUID/},
  {name: 'api_endpoint without a scheme', yaml: agentPool({api_endpoint: '»api.digitalocean.com'}), message: /is not an absolute URL/},
  {name: 'api_endpoint that is not http(s)', yaml: agentPool({api_endpoint: '»ftp://api.digitalocean.com'}), message: /is not an http\(s\) URL/},
  {
    name: 'min_agents above max_agents',
    yaml: agentPool({}, '»cpu', 'max_agents: 2\nmin_agents: 3'),
    message: /min_agents \(3\) is greater than max_agents \(2\)/,
  },
  {
    name: 'tailscale_config without pre_auth_key',
    yaml: agentPool({'»tailscale_config': '{server: "https://hs.example.com"}'}),
    message: /required key "pre_auth_key" is missing/,
  },
  {
    name: 'a ${VAR} in a setting the broker reads as it is',
    yaml: agentPool({region: '»"${DO_REGION}"'}),
    env: {DO_REGION: 'nyc3'},
    message: /region: "\$\{DO_REGION\}": the Velda broker does not expand/,
    fix: /write the value itself/,
  },
  {name: 'a malformed ${VAR in a secret', yaml: agentPool({api_token: '»"${TOKEN"'}), message: /malformed variable reference "\$\{TOKEN"/},
  {
    name: 'a misspelt agent_config key',
    yaml: agentPool({agent_config: '{daemon_config: {»max_session: 2}}'}),
    message: /agent_config\.daemon_config\.max_session: unknown key/,
    fix: /did you mean "max_sessions"/,
  },
  {
    name: 'an agent_config enum value that does not exist',
    yaml: agentPool({agent_config: '{daemon_config: {network: {network_mode: »BRIDGE}}}'}),
    message: /must be one of NETWORK_MODE_UNSPECIFIED, NETWORK_MODE_HOST, NETWORK_MODE_BRIDGE/,
  },
  {name: 'a duration that is not one', yaml: agentPool({}, 'cpu', 'idle_decay: »5 minutes'), message: /"5 minutes" is not a duration/},
  {
    name: 'agent_version_override that YAML reads as a number',
    yaml: agentPool({agent_version_override: '»1.0'}),
    message: /agent_version_override: must be a string, not 1\.0/,
    fix: /agent_version_override: "1\.0"/,
  },
  {
    name: 'a misspelt provisioner',
    yaml: 'provisioners:\n  - »digitalocean_autos:\n      region: atl1\n',
    message: /unknown provisioner "digitalocean_autos"/,
    fix: /did you mean "digitalocean_auto"/,
  },
  {
    name: 'a misspelt backend',
    yaml: 'agent_pools:\n  - name: x\n    auto_scaler:\n      backend:\n        »digitalocean_dropet: {size: s-1vcpu-1gb}\n',
    message: /unknown backend "digitalocean_dropet"/,
    fix: /did you mean "digitalocean_droplet"/,
  },
  {name: 'agent_pools that is a mapping', yaml: 'agent_pools:\n  »name: x\n', message: /agent_pools: must be a list of pools/},
  {
    name: 'a pool_details entry without pool_name',
    yaml: provisioner('- »size: gpu-mi300x1-192gb-devcloud\n  image: amd-rocm71software'),
    message: /required key "pool_name" is missing/,
  },
  {name: 'a label that would add a second pool tag', yaml: agentPool({labels: '{»velda-pool: legacy}'}), message: /tag "velda-pool:legacy" is reserved/},
  {name: 'an extra tag that is a pool tag', yaml: agentPool({tags: '[»velda-pool:old]'}), message: /tag "velda-pool:old" is reserved/},
  {name: 'an empty Tailscale key', yaml: agentPool({tailscale_config: '{pre_auth_key: »""}'}), message: /pre_auth_key is empty/},
  {name: 'an api_endpoint with a path', yaml: agentPool({api_endpoint: '»https://api.digitalocean.com/v2'}), message: /has a path; the endpoint is only scheme and host/, fix: /https:\/\/api\.digitalocean\.com$/},
  {name: 'a number as api_token (never echoed)', yaml: agentPool({api_token: '»48151623'}), message: /api_token: must be a string$/},
  {name: 'an empty pool name (tag "velda-pool:")', yaml: agentPool({}, '»""'), message: /agent_pools\[0\]\.name: the pool name is empty/, fix: /name: cpu-small/},
  {
    name: 'an empty pool_name',
    yaml: provisioner('- pool_name: »""\n  size: gpu-mi300x1-192gb-devcloud\n  image: amd-rocm71software'),
    message: /pool_details\[0\]\.pool_name: the pool name is empty/,
  },
  {name: 'an empty label key (tag ":x")', yaml: agentPool({labels: '{»"": x}'}), message: /a label key is empty: the tag would be ":x"/, fix: /give the label a key/},
  {
    name: 'a line break in agent_config.broker.address',
    yaml: agentPool({agent_config: '{broker: {address: »"b:1\\nrm -rf /"}}'}),
    message: /agent_config\.broker\.address: "b:1\\nrm -rf \/" has a control character/,
    fix: /one line/,
  },
  {
    name: 'a line break in default_broker_info.address',
    yaml: agentPool().replace('address: broker.example.com:50051', 'address: »"broker.example.com:50051\\n"'),
    message: /default_broker_info\.address: .* has a control character/,
  },
  {
    name: 'a line break in the Tailscale server (the URL parser would drop it)',
    yaml: agentPool({tailscale_config: '{server: »"https://hs.example\\n.com", pre_auth_key: "${TS_KEY}"}'}),
    message: /tailscale_config\.server: .* has a control character/,
  },
  {
    name: 'an api_endpoint over plain http to another machine',
    yaml: agentPool({api_endpoint: '»http://api.example.com'}),
    message: /http:\/\/api\.example\.com is plain http: the API token would cross the network unencrypted/,
    fix: /^write https:\/\/api\.example\.com$/,
  },
  {
    name: 'an api_endpoint with a user and password (never echoed)',
    yaml: agentPool({api_endpoint: '»https://robot:hunter2@api.digitalocean.com'}),
    message: /"https:\/\/<credentials>@api\.digitalocean\.com" carries a user name or password/,
    absent: 'hunter2',
  },
  {
    name: 'an api_endpoint with a query string (never echoed)',
    yaml: agentPool({api_endpoint: '»"https://api.digitalocean.com?access_token=hunter2"'}),
    message: /has a query string or fragment/,
    fix: /^write https:\/\/api\.digitalocean\.com$/,
    absent: 'hunter2',
  },
  {
    name: 'a provisioner without region',
    yaml: provisioner('- pool_name: gpu\n  size: gpu-mi300x1-192gb-devcloud\n  image: amd-rocm71software', 'api_token: X_TOKEN').replace('- digitalocean_auto', '- »digitalocean_auto'),
    message: /required key "region" is missing/,
  },
]

describe('config validation reports each problem with its position', () => {
  it.each(cases)('$name', ({yaml, message, fix, env, absent}) => {
    const {text, line, col} = unmark(yaml)
    const {config, diagnostics} = parseConfig(text, {file: 'velda.yaml', env: {...SECRET_ENV, ...env}})
    expect(config).toBeNull()
    const errors = diagnostics.filter((d) => d.severity === 'error')
    const match = errors.find((d) => message.test(d.message) || message.test(`${d.path}: ${d.message}`))
    expect(match, `no error matching ${message} among:\n${errors.map((d) => formatDiagnostic(d, 'velda.yaml')).join('\n')}`).toBeDefined()
    expect(match?.position).toEqual({file: 'velda.yaml', line, col})
    if (fix) expect(match?.fix).toMatch(fix)
    expectNoSecrets(JSON.stringify(diagnostics))
    if (absent) expect(JSON.stringify(diagnostics)).not.toContain(absent)
  })

  it('accepts plain http to this machine (the simulator)', () => {
    for (const endpoint of ['http://127.0.0.1:8080', 'http://localhost:8080/', 'http://[::1]:8080', 'http://127.1.2.3']) {
      const {config, diagnostics} = parseConfig(agentPool({api_endpoint: endpoint}), {file: 'velda.yaml', env: SECRET_ENV})
      expect(diagnostics.filter((d) => d.severity === 'error'), endpoint).toEqual([])
      expect(config?.pools[0]?.apiEndpoint).toBe(endpoint.replace(/\/$/, ''))
    }
  })

  it('has at least 25 distinct bad inputs', () => {
    expect(new Set(cases.map((c) => c.yaml)).size).toBeGreaterThanOrEqual(25)
  })

  it('reports every problem of a file at once, in file order', () => {
    const text = agentPool({size: '5', backups: '"no"', regoin: 'x', vpc_uuid: 'nope'}, 'cpu', 'max_agents: -2')
    const {diagnostics} = parseConfig(text, {file: 'velda.yaml', env: SECRET_ENV})
    const errors = diagnostics.filter((d) => d.severity === 'error')
    expect(errors.map((d) => d.path.split('.').pop())).toEqual(
      expect.arrayContaining(['size', 'backups', 'regoin', 'vpc_uuid', 'max_agents']),
    )
    expect(errors).toHaveLength(5)
  })

  it('never quotes a secret back, even in a value that is wrong', () => {
    const text = agentPool({api_token: `[${FAKE_DO_TOKEN}]`, tailscale_config: `{pre_auth_key: [${FAKE_DO_TOKEN}]}`})
    const {diagnostics} = parseConfig(text, {file: 'velda.yaml', env: SECRET_ENV})
    expect(diagnostics.filter((d) => d.severity === 'error')).toHaveLength(2)
    expectNoSecrets(JSON.stringify(diagnostics))
  })
})
