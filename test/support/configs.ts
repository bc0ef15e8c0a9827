/**
 * velda.yaml files for tests, written the way users write them: the test broker, then `agent_pools` whose droplets
 * are given as one YAML flow mapping. A test names only what matters to it (a pool's min_agents, its ssh keys); the
 * rest of the file is the same everywhere. test/config/broker-parity.test.ts checks that the broker reads what this
 * writes.
 */

/** Settings as the YAML text of each value: `'"1.0.0"'`, `'[52896465]'`, `'{team: infra}'`; numbers and booleans as they are. */
export type YamlSettings = Readonly<Record<string, string | number | boolean>>

/** The smallest CPU droplet, in nyc3. */
export const CPU_DROPLET: YamlSettings = {size: 's-1vcpu-1gb', region: 'nyc3', image: 'ubuntu-24-04-x64'}
/** One MI300X, in atl1, on AMD's ROCm image. */
export const MI300X_DROPLET: YamlSettings = {size: 'gpu-mi300x1-192gb-devcloud', region: 'atl1', image: 'amd-rocm71software'}

/** The agent version tests pin, so that a pool's prefix does not depend on the broker's own version. */
const PINNED_VERSION = {agent_version_override: '"1.0.0"'}

export interface DropletPool {
  name: string
  droplet: YamlSettings
  /** auto_scaler settings beside the backend: max_agents, min_agents, ... */
  scaler?: YamlSettings
}

export interface VeldaYamlOptions {
  /** default_broker_info's address; null leaves the key out. */
  broker?: string | null
  /** Pin each pool's agent version unless it says one (true). */
  pinVersion?: boolean
  /** More top-level YAML after agent_pools (provisioners, ...). */
  rest?: string
}

/** A whole velda.yaml with these droplet pools. */
export function veldaYaml(pools: readonly DropletPool[], options: VeldaYamlOptions = {}): string {
  const {broker = 'broker.test:50051', pinVersion = true, rest = ''} = options
  const entries = pools.map(({name, droplet, scaler = {}}) => {
    const settings = pinVersion ? {...droplet, ...(('agent_version_override' in droplet) ? {} : PINNED_VERSION)} : droplet
    const flow = Object.entries(settings).map(([key, value]) => `${key}: ${String(value)}`).join(', ')
    const scalerLines = Object.entries(scaler).map(([key, value]) => `      ${key}: ${String(value)}\n`).join('')
    return `  - name: ${name}\n    auto_scaler:\n${scalerLines}      backend:\n        digitalocean_droplet: {${flow}}\n`
  })
  const top = broker === null ? '' : `default_broker_info: {address: "${broker}"}\n`
  return `${top}agent_pools:\n${entries.join('')}${rest}`
}
