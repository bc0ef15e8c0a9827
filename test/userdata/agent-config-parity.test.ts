import {describe, expect, it} from 'vitest'

import {parseConfig} from '../../src/lib/config/parse.js'
import {reportPools} from '../../src/lib/validation/pool-report.js'
import type {VeldaConfig} from '../../src/lib/config/types.js'
import {resolveBroker} from '../../src/lib/config/resolve-settings.js'
import {renderAgentConfig} from '../../src/lib/userdata/agent-config.js'
import {indent} from '../support/marked.js'
import {
  BrokerRefuses,
  loadLikeBroker,
  type ProtoMessage,
  readAgentConfigLikeAgent,
  writeAgentConfigLikeBroker,
} from '../config/broker-loader.js'

/**
 * /etc/velda/agent.yaml from velda-do and from the broker, for the same pool of the same file, read by one
 * protojson-equivalent reader (the agent's loader: YAML → JSON → protojson into velda.agent.AgentConfig). The
 * broker's file is modelled from its rules: the pool's agent_config (a provisioned pool's is empty), `pool` set
 * to the pool name, `broker` set to the default broker info unless agent_config has one; written by protojson
 * (lowerCamelCase, int64 as strings, durations in seconds, enum names) and yaml.v3 (keys sorted, 4 spaces).
 */

const TOP = 'default_broker_info: {address: "10.0.0.5:50051", public_address: "broker.example.com:443"}'

function parse(text: string): VeldaConfig {
  const {config, diagnostics} = parseConfig(text, {file: 'velda.yaml', env: {}})
  if (!config) throw new Error(JSON.stringify(diagnostics.filter((d) => d.severity === 'error')))
  return config
}

/** The AgentConfig message the broker builds for the pool, from the file as the broker loads it. */
function brokerMessage(text: string, poolName: string): ProtoMessage | null {
  const loaded = loadLikeBroker(text)
  const defaultBroker = (loaded.default_broker_info as ProtoMessage | undefined) ?? {}
  for (const pool of (loaded.agent_pools as ProtoMessage[] | undefined) ?? []) {
    if (pool.name !== poolName) continue
    const droplet = ((pool.auto_scaler as ProtoMessage).backend as ProtoMessage).digitalocean_droplet as ProtoMessage
    const agentConfig = droplet.agent_config as ProtoMessage | undefined
    if (!agentConfig) return null
    return {...agentConfig, pool: poolName, broker: (agentConfig.broker as ProtoMessage | undefined) ?? defaultBroker}
  }
  for (const provisioner of (loaded.provisioners as ProtoMessage[] | undefined) ?? []) {
    const auto = provisioner.digitalocean_auto as ProtoMessage | undefined
    if ((auto?.pool_details as ProtoMessage[] | undefined)?.some((d) => d.pool_name === poolName)) return {pool: poolName, broker: defaultBroker}
  }
  throw new Error(`no pool ${poolName}`)
}

function agentPoolFile(agentConfig: string, top = TOP): string {
  return `${top}
agent_pools:
  - name: cpu
    auto_scaler:
      max_agents: 2
      backend:
        digitalocean_droplet:
          size: s-2vcpu-4gb
          region: nyc3
          image: ubuntu-24-04-x64
${agentConfig === '' ? '' : indent(`agent_config: ${agentConfig}`, 10)}
`
}

const cases: [string, string][] = [
  ['no settings of its own', '{}'],
  ['snake_case names', '{daemon_config: {max_sessions: 4, work_dir_path: /var/velda, network: {network_mode: NETWORK_MODE_BRIDGE}}}'],
  ['lowerCamelCase names', '{daemonConfig: {maxSessions: 4, workDirPath: /var/velda, network: {networkMode: NETWORK_MODE_BRIDGE}}}'],
  ['an enum as its number', '{daemon_config: {network: {network_mode: 2, block_metadata_server: true}}}'],
  ['int64 as a number', '{instance: 5}'],
  ['int64 as a string', '{instance: "5"}'],
  ['the largest int64', '{instance: "9223372036854775807"}'],
  ['a negative int64', '{instance: -3}'],
  ['int32 as a string', '{daemon_config: {max_sessions: "3"}}'],
  ['durations', '{sandbox_config: {max_time: "300s"}}'],
  ['a fractional duration', '{sandbox_config: {max_time: "1.5s"}}'],
  ['a duration written long', '{sandbox_config: {max_time: "300.000000000s"}}'],
  ['defaults written out', '{session: "", daemon_config: {max_sessions: 0}, sandbox_config: {allocate_tty: false}}'],
  ['a oneof member at its default', '{daemon_config: {network: {private_cidr_range: ""}}}'],
  ['lists and nested messages', '{sandbox_config: {host_mounts: [{source: /data, target: /data, read_write: true}], disk_source: {nfs_mount_source: {mount_options: "vers=4"}, cas_config: {flags: [a, b]}}}}'],
  ['text that needs quoting', '{session: "yes: no # not a comment", task_id: "0123", service: "true"}'],
  ['its own broker', '{broker: {address: "a.example.com:1", public_address: "p.example.com:2"}}'],
]

describe('agent.yaml: velda-do and the broker, through one protojson-equivalent reader', () => {
  it.each(cases)('%s', (_name, agentConfig) => {
    const text = agentPoolFile(agentConfig)
    const config = parse(text)
    const pool = config.pools[0]!
    const ours = renderAgentConfig(pool, resolveBroker(undefined, pool, config).value)
    const message = brokerMessage(text, 'cpu')
    expect(message).not.toBeNull()
    const theirs = writeAgentConfigLikeBroker(message!)
    expect(readAgentConfigLikeAgent(ours)).toEqual(readAgentConfigLikeAgent(theirs))
    expect(reportPools(config, {})[0]?.broker_parity.agent_config.same).toBe(true)
  })

  it('writes what protojson writes: lowerCamelCase names, int64 as a string, durations in seconds, enum names', () => {
    const config = parse(agentPoolFile('{instance: 5, sandbox_config: {max_time: "300s"}, daemon_config: {network: {network_mode: 2}}}'))
    const ours = renderAgentConfig(config.pools[0]!, '10.0.0.5:50051')
    expect(ours).toContain('instance: "5"')
    expect(ours).toContain('maxTime: 300s')
    expect(ours).toContain('networkMode: NETWORK_MODE_BRIDGE')
    expect(ours).not.toMatch(/[a-z]_[a-z]+:/)
  })

  it('gives a provisioned pool the same agent.yaml as the broker: pool, broker and public address', () => {
    const text = `${TOP}
provisioners:
  - digitalocean_auto:
      region: atl1
      pool_details: [{pool_name: gpu, size: gpu-mi300x1-192gb-devcloud, image: amd-rocm71software}]
`
    const config = parse(text)
    const ours = renderAgentConfig(config.pools[0]!, '10.0.0.5:50051')
    const theirs = writeAgentConfigLikeBroker(brokerMessage(text, 'gpu')!)
    expect(readAgentConfigLikeAgent(ours)).toEqual(readAgentConfigLikeAgent(theirs))
    expect(readAgentConfigLikeAgent(ours)).toEqual({pool: 'gpu', broker: {address: '10.0.0.5:50051', public_address: 'broker.example.com:443'}})
  })

  it('is refused by the agent with an unknown field, so velda-do refuses one in agent_config before anything is sent', () => {
    expect(() => readAgentConfigLikeAgent('pool: x\nbogus: 1\n')).toThrow(BrokerRefuses)
    expect(() => readAgentConfigLikeAgent('daemonConfig:\n    maxSession: 1\n')).toThrow(BrokerRefuses)
    expect(parseConfig(agentPoolFile('{daemon_config: {max_session: 1}}'), {file: 'v.yaml', env: {}}).config).toBeNull()
  })

  it('is refused by the agent with a duration like 5m, so velda-do refuses it too', () => {
    expect(() => readAgentConfigLikeAgent('sandboxConfig:\n    maxTime: 5m\n')).toThrow(BrokerRefuses)
    expect(parseConfig(agentPoolFile('{sandbox_config: {max_time: 5m}}'), {file: 'v.yaml', env: {}}).config).toBeNull()
  })

  it('reads both name styles the same, as the agent does', () => {
    expect(readAgentConfigLikeAgent('daemon_config: {max_sessions: 2}\n')).toEqual(readAgentConfigLikeAgent('daemonConfig: {maxSessions: 2}\n'))
  })

  it('differs, and config validate says so, for a pool of agent_pools with neither agent_config nor agent_config_content', () => {
    const text = agentPoolFile('')
    const config = parse(text)
    expect(brokerMessage(text, 'cpu')).toBeNull()
    const ours = readAgentConfigLikeAgent(renderAgentConfig(config.pools[0]!, '10.0.0.5:50051'))
    // The broker writes an empty agent.yaml: no pool, no broker.
    expect(ours).not.toEqual(readAgentConfigLikeAgent(''))
    const parity = reportPools(config, {})[0]?.broker_parity.agent_config
    expect(parity).toEqual({same: false, note: expect.stringContaining('the broker writes an empty agent.yaml')})
  })

  it('differs, and config validate says so, when agent_config.broker has no address (the broker does not fill it in)', () => {
    const text = agentPoolFile('{broker: {public_address: "p.example.com:2"}}')
    const config = parse(text)
    expect(config.warnings.some((w) => /agent_config\.broker has no address/.test(w.message))).toBe(true)
    const ours = readAgentConfigLikeAgent(renderAgentConfig(config.pools[0]!, resolveBroker(undefined, config.pools[0]!, config).value))
    const theirs = readAgentConfigLikeAgent(writeAgentConfigLikeBroker(brokerMessage(text, 'cpu')!))
    expect(ours).not.toEqual(theirs)
    expect(reportPools(config, {})[0]?.broker_parity.agent_config.same).toBe(false)
  })

  it('takes the broker address from server.grpc_address when there is no default_broker_info, as the broker does', () => {
    const config = parse(agentPoolFile('{}', 'server: {grpc_address: "broker.internal:50051"}'))
    expect(config.defaultBrokerAddress).toBe('broker.internal:50051')
    const summary = reportPools(config, {})[0]
    expect(summary?.broker).toEqual({value: 'broker.internal:50051', source: 'server.grpc_address'})
    expect(summary?.broker_parity.agent_config.same).toBe(true)
  })

  it('says the broker would guess its own address when server.grpc_address is only a port', () => {
    const config = parse(agentPoolFile('{}', 'server: {grpc_address: ":50051"}'))
    expect(config.brokerGuessesAddress).toBe(true)
    expect(reportPools(config, {})[0]?.broker_parity.agent_config).toEqual({same: false, note: expect.stringContaining('its own public IP')})
  })
})
