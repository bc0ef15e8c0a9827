import {readFileSync} from 'node:fs'

import {assetPath} from '../system/assets.js'
import {SettingsError, UsageError} from '../base/errors.js'
import type {PoolConfig} from '../config/types.js'
import {REDACTED} from '../base/secret.js'
import {renderAgentConfig} from './agent-config.js'
import {gpuCount, gpuVendor} from '../catalog/gpu.js'
import {heredocDelimiter, shellQuote} from '../text/shell.js'
import {AGENT_SERVICE_URL, agentBinaryUrl, NVIDIA_COLLECT_URL, TAILSCALE_INSTALL_URL} from './urls.js'
import {plural} from '../text/plural.js'

/** DigitalOcean's limit on `user_data`: 64 KiB of UTF-8. */
export const USER_DATA_LIMIT_BYTES = 65_536

const SHEBANG = '#!/bin/bash\n'

/**
 * A GPU is busy at or over this utilisation, or with at least this share of its VRAM in use (a model loaded and
 * waiting for work holds its GPU): the GPU sampler's rule (docs/userdata.md, "The GPU sample").
 */
export const GPU_BUSY_UTILIZATION_PCT = 5
export const GPU_BUSY_VRAM_PCT = 5

export interface UserDataInputs {
  pool: PoolConfig
  brokerAddress: string
  agentVersion: string
  /** `redact` for anything shown to a person; `reveal` only for what is sent, or `--show-secrets`. */
  secrets: 'redact' | 'reveal'
}

/**
 * The boot script of a pool: one per pool, byte for byte the same for each of its droplets (one multi-create
 * POST carries one user_data), so anything per droplet is read at boot. Deterministic.
 */
export function renderUserData(inputs: UserDataInputs): string {
  return renderPrologue(inputs) + bootstrapBody()
}

/**
 * What differs between pools: the shebang, the pool's settings as shell-quoted readonly variables and its
 * agent.yaml, all of which assets/bootstrap.sh expects above itself.
 */
export function renderPrologue(inputs: UserDataInputs): string {
  const {pool} = inputs
  const vendor = gpuVendor(pool.size)
  const variables: [string, string][] = [
    ['VELDA_POOL', pool.name],
    ['VELDA_VERSION', inputs.agentVersion],
    ['VELDA_GPU_VENDOR', vendor],
    ['VELDA_GPU_COUNT', String(gpuCount(pool.size) ?? '')],
    ['VELDA_GPU_BUSY_UTIL_PCT', String(GPU_BUSY_UTILIZATION_PCT)],
    ['VELDA_GPU_BUSY_VRAM_PCT', String(GPU_BUSY_VRAM_PCT)],
    ['VELDA_TAILSCALE_AUTHKEY', pool.tailscale ? tailscaleKey(pool, inputs.secrets) : ''],
    ['VELDA_TAILSCALE_SERVER', pool.tailscale?.server ?? ''],
    ['VELDA_AGENT_URL', agentBinaryUrl(inputs.agentVersion)],
    ['VELDA_SERVICE_URL', AGENT_SERVICE_URL],
    ['VELDA_NVIDIA_COLLECT_URL', NVIDIA_COLLECT_URL],
    ['VELDA_TAILSCALE_INSTALL_URL', TAILSCALE_INSTALL_URL],
  ]
  const content = renderAgentConfig(pool, inputs.brokerAddress)
  // Quoted delimiter: nothing in the content expands; and no line of the content can end the heredoc early.
  const delimiter = heredocDelimiter(content, 'VELDA_AGENT_YAML_EOF')
  return `${SHEBANG}# Velda agent bootstrap for pool ${commentText(pool.name)} (${commentText(pool.size)} in ${commentText(pool.region)}, GPU: ${vendor}), rendered by velda-do.
# cloud-init runs it once at the droplet's first boot. Log: /var/log/velda-bootstrap.log
# shellcheck disable=SC2016 # single-quoted on purpose: nothing in a setting may expand
readonly \\
${variables.map(([name, value]) => `  ${name}=${shellQuote(value)}`).join(' \\\n')}

# The pool's /etc/velda/agent.yaml, byte for byte.
velda_agent_yaml() {
  cat <<'${delimiter}'
${content}${delimiter}
}
${vendor === 'none' ? '' : gpuSamplerFunction()}
`
}

/** The GPU sampler (assets/gpu-sampler.sh), which the boot script installs on GPU sizes, byte for byte. */
function gpuSamplerFunction(): string {
  const sampler = asset('gpu-sampler.sh')
  const delimiter = heredocDelimiter(sampler, 'VELDA_GPU_SAMPLER_EOF')
  return `
# The GPU sampler, installed as /usr/local/sbin/velda-gpu-sampler and run every minute (docs/userdata.md).
velda_gpu_sampler() {
  cat <<'${delimiter}'
${sampler}${delimiter}
}
`
}

const assets = new Map<string, string>()

/** A shell asset, read once, only by the commands that render. */
function asset(name: string): string {
  let text = assets.get(name)
  if (text === undefined) {
    text = readFileSync(assetPath(name), 'utf8')
    if (!text.startsWith(SHEBANG)) throw new Error(`velda-do's asset ${name} does not start with ${SHEBANG.trim()}: reinstall velda-do`)
    assets.set(name, text)
  }
  return text
}

/** assets/bootstrap.sh without its shebang, which the prologue carries. */
function bootstrapBody(): string {
  return asset('bootstrap.sh').slice(SHEBANG.length)
}

export function userDataBytes(script: string): number {
  return Buffer.byteLength(script, 'utf8')
}

export function assertUserDataSize(script: string, poolName: string): void {
  const bytes = userDataBytes(script)
  if (bytes <= USER_DATA_LIMIT_BYTES) return
  throw new UsageError(
    `the boot script of pool ${poolName} is ${plural(bytes, 'byte', {shown: bytes.toLocaleString('en-US')})}, over DigitalOcean's limit of ${USER_DATA_LIMIT_BYTES.toLocaleString('en-US')} bytes`,
    {suggestions: ['shrink agent_config (or agent_config_content) of the pool']},
  )
}

/** Config text placed in a comment: one printable line, so it can never end the comment. */
function commentText(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?')
}

function tailscaleKey(pool: PoolConfig, secrets: UserDataInputs['secrets']): string {
  const setting = pool.tailscale?.preAuthKey
  if (!setting || secrets === 'redact') return REDACTED
  if (setting.secret) return setting.secret.reveal()
  throw new SettingsError(
    `the Tailscale key of pool ${pool.name} (${setting.path}) needs ${setting.missing.join(', ')}, which is not set`,
    {suggestions: [`export ${setting.missing[0]}=tskey-auth-...`]},
  )
}
