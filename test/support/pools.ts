import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {parseConfig} from '../../src/lib/config/parse.js'
import type {PoolConfig} from '../../src/lib/config/types.js'
import {CPU_DROPLET, veldaYaml} from './configs.js'
import {indent} from './marked.js'
import {SECRET_ENV} from './secrets.js'

export const BROKER = 'broker.example.com:50051'
export const AGENT_VERSION = '1.0.0'

/** A pool from the droplet settings of an agent_pools entry, through the real config parser (no hand-built objects). */
export function poolFromYaml(dropletYaml: string, env: Record<string, string> = SECRET_ENV, name = 'test-pool'): PoolConfig {
  const text = `agent_pools:
  - name: ${name}
    auto_scaler:
      backend:
        digitalocean_droplet:
${indent(dropletYaml, 10)}
`
  const {config, diagnostics} = parseConfig(text, {file: 'shape.yaml', env})
  const pool = config?.pools[0]
  if (!pool) throw new Error(`shape does not parse: ${JSON.stringify(diagnostics)}`)
  return pool
}

/** One small CPU pool, `cpu`, as a config file in a folder of its own: for command tests that need any pool. */
export const CPU_POOL_CONFIG = veldaYaml([{name: 'cpu', droplet: CPU_DROPLET}])

/** Writes CPU_POOL_CONFIG to `velda.yaml` in a new temporary folder named after `purpose`; answers its path. */
export function writeCpuPoolConfig(purpose: string): string {
  const file = join(mkdtempSync(join(tmpdir(), `velda-${purpose}-`)), 'velda.yaml')
  writeFileSync(file, CPU_POOL_CONFIG)
  return file
}

/** A string holding everything that breaks naive shell quoting. */
export const HOSTILE_TEXT = `it's "quoted" $HOME \`id\` $(whoami) \\ back\nsecond line`

/** Every shape of pool the boot script must handle. */
export const SHAPES: Record<string, string> = {
  'cpu': 'size: s-2vcpu-4gb\nregion: nyc3\nimage: ubuntu-24-04-x64',
  'amd-gpu-tailscale': `size: gpu-mi300x1-192gb-devcloud
region: atl1
image: amd-rocm71software
tailscale_config: {server: "https://headscale.example.com", pre_auth_key: "\${TS_KEY}"}`,
  'nvidia-gpu-tailscale-default-server': `size: gpu-h100x1-80gb
region: tor1
image: gpu-h100x1-base
tailscale_config: {pre_auth_key: "\${TS_KEY}"}`,
  'unknown-gpu': 'size: gpu-x9000x1-1tb\nregion: atl1\nimage: ubuntu-24-04-x64',
  'amd-gpu-8': 'size: gpu-mi300x8-1536gb-devcloud\nregion: atl1\nimage: amd-rocm71software',
  'hostile-agent-config': `size: s-2vcpu-4gb
region: nyc3
image: ubuntu-24-04-x64
agent_config:
  session: ${JSON.stringify(HOSTILE_TEXT)}
  sandbox_config:
    host_mounts: [{source: "/data/it's", target: "/mnt/\`x\`", read_write: true}]
  daemon_config: {max_sessions: 3, network: {network_mode: NETWORK_MODE_HOST}}`,
  'raw-agent-config-content': `size: s-2vcpu-4gb
region: nyc3
image: ubuntu-24-04-x64
agent_config_content: "broker:\\n  address: raw:1\\nVELDA_AGENT_YAML_EOF\\nsession: '$x \`y\`'\\n"`,
}

export function shapePool(shape: string): PoolConfig {
  const yaml = SHAPES[shape]
  if (!yaml) throw new Error(`unknown shape ${shape}`)
  return poolFromYaml(yaml, SECRET_ENV, shape)
}
