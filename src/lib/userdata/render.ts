import {SettingsError, UsageError} from '../errors.js'
import type {PoolConfig} from '../config/types.js'
import {REDACTED} from '../secret.js'
import {renderAgentConfig} from './agent-config.js'
import {gpuVendor, type GpuVendor} from './gpu.js'
import {heredocDelimiter, shellQuote} from './shell.js'
import {AGENT_SERVICE_URL, agentBinaryUrl, NVIDIA_COLLECT_URL, TAILSCALE_INSTALL_URL} from './urls.js'

/** DigitalOcean's limit on `user_data`: 64 KiB of UTF-8. */
export const USER_DATA_LIMIT_BYTES = 65_536

export interface UserDataInputs {
  pool: PoolConfig
  brokerAddress: string
  agentVersion: string
  /** `redact` for anything shown to a person; `reveal` only for what is sent, or `--show-secrets`. */
  secrets: 'redact' | 'reveal'
  /** The API's `gpu_info.model` of the size, when known. */
  gpuModel?: string | null
}

/**
 * The boot script of a pool: one per pool, byte for byte the same for each of its droplets (one multi-create
 * POST carries one user_data), so anything per droplet is read at boot. Pure and deterministic.
 */
export function renderUserData(inputs: UserDataInputs): string {
  const {pool} = inputs
  const vendor = gpuVendor(pool.size, inputs.gpuModel)
  const sections = [
    header(inputs, vendor),
    PACKAGES,
    agentConfigSection(renderAgentConfig(pool, inputs.brokerAddress)),
    GPU_SECTIONS[vendor],
    pool.tailscale ? tailscaleSection(pool, inputs.secrets) : '',
    AGENT_SECTION,
  ]
  return sections.filter((s) => s !== '').join('\n')
}

export function userDataBytes(script: string): number {
  return Buffer.byteLength(script, 'utf8')
}

export function assertUserDataSize(script: string, poolName: string): void {
  const bytes = userDataBytes(script)
  if (bytes <= USER_DATA_LIMIT_BYTES) return
  throw new UsageError(
    `the boot script of pool ${poolName} is ${bytes.toLocaleString('en-US')} bytes, over DigitalOcean's limit of ${USER_DATA_LIMIT_BYTES.toLocaleString('en-US')} bytes`,
    {suggestions: ['shrink agent_config (or agent_config_content) of the pool']},
  )
}

function header(inputs: UserDataInputs, vendor: GpuVendor): string {
  const {pool} = inputs
  return `#!/bin/bash
# Velda agent bootstrap for pool ${commentText(pool.name)} (${commentText(pool.size)} in ${commentText(pool.region)}, GPU: ${vendor}), rendered by velda-do.
# cloud-init runs it once at the droplet's first boot. Log: /var/log/velda-bootstrap.log
set -euo pipefail

VELDA_POOL=${shellQuote(pool.name)}
VELDA_VERSION=${shellQuote(inputs.agentVersion)}
VELDA_AGENT_URL=${shellQuote(agentBinaryUrl(inputs.agentVersion))}
VELDA_SERVICE_URL=${shellQuote(AGENT_SERVICE_URL)}
VELDA_SERVICE_FILE=/usr/lib/systemd/system/velda-agent.service
VELDA_DONE=/etc/velda/init.done
export DEBIAN_FRONTEND=noninteractive

mkdir -p /var/log
exec > >(tee -a /var/log/velda-bootstrap.log) 2>&1

log() { printf '%s velda-bootstrap: %s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
trap 'log "FAILED at line $LINENO (exit code $?)"' ERR

if [[ -e "$VELDA_DONE" ]]; then
  log "already initialised ($VELDA_DONE exists): nothing to do"
  exit 0
fi
log "bootstrapping Velda agent $VELDA_VERSION for pool $VELDA_POOL on $(hostname)"
`
}

/** Config text placed in a comment: one printable line, so it can never end the comment. */
function commentText(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?')
}

const PACKAGES = `apt_install() {
  local missing=() package attempt
  for package in "$@"; do
    # shellcheck disable=SC2016 # \${Status} is dpkg-query's format, not a shell expansion
    if ! dpkg-query -W -f='\${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$package")
    fi
  done
  if ((\${#missing[@]} == 0)); then
    log "already installed: $*"
    return 0
  fi
  for attempt in 1 2 3 4 5; do
    # Fresh droplets run unattended-upgrades at first boot: wait for the dpkg lock instead of failing.
    if apt-get -o DPkg::Lock::Timeout=600 -q update &&
      apt-get -o DPkg::Lock::Timeout=600 -q install -y --no-install-recommends "\${missing[@]}"; then
      log "installed: \${missing[*]}"
      return 0
    fi
    log "apt-get failed (attempt $attempt of 5), retrying in $((attempt * 15))s"
    sleep $((attempt * 15))
  done
  log "could not install \${missing[*]}"
  return 1
}

apt_install curl nfs-common
`

function agentConfigSection(content: string): string {
  const delimiter = heredocDelimiter(content, 'VELDA_AGENT_YAML_EOF')
  return `install -d -m 0755 /etc/velda
(
  umask 077
  cat >/etc/velda/agent.yaml.tmp <<'${delimiter}'
${content}${delimiter}
)
chmod 0600 /etc/velda/agent.yaml.tmp
mv -f /etc/velda/agent.yaml.tmp /etc/velda/agent.yaml
log "wrote /etc/velda/agent.yaml"
`
}

const AMD_CHECK = `  if command -v amd-smi >/dev/null 2>&1; then
    log "AMD GPUs seen by amd-smi:"
    amd-smi list || log "WARNING: amd-smi list failed"
  elif command -v rocm-smi >/dev/null 2>&1; then
    log "AMD GPUs seen by rocm-smi:"
    rocm-smi || log "WARNING: rocm-smi failed"
  else
    log "WARNING: neither amd-smi nor rocm-smi is installed: is the image a ROCm image?"
  fi`

const NVIDIA_CHECK = `  if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi || log "WARNING: nvidia-smi failed"
  else
    log "WARNING: nvidia-smi is not installed: is the image an NVIDIA image?"
  fi
  local collect
  collect=$(mktemp)
  if curl -fsSL --retry 5 --retry-connrefused -o "$collect" ${shellQuote(NVIDIA_COLLECT_URL)}; then
    bash "$collect" || log "WARNING: nvidia-collect.sh failed"
  else
    log "WARNING: could not download nvidia-collect.sh"
  fi
  rm -f "$collect"`

const GPU_SECTIONS: Record<GpuVendor, string> = {
  none: '',
  amd: `gpu_init() {
${AMD_CHECK}
}
gpu_init
`,
  nvidia: `gpu_init() {
${NVIDIA_CHECK}
}
gpu_init
`,
  unknown: `# The size is a GPU size velda-do does not know: look at the hardware to decide.
gpu_init() {
  if command -v amd-smi >/dev/null 2>&1 || command -v rocm-smi >/dev/null 2>&1; then
${AMD_CHECK.replace(/^/gm, '  ')}
  elif command -v nvidia-smi >/dev/null 2>&1; then
    nvidia_init
  else
    log "WARNING: GPU size, but no amd-smi, rocm-smi or nvidia-smi found"
  fi
}
nvidia_init() {
${NVIDIA_CHECK}
}
gpu_init
`,
}

function tailscaleSection(pool: PoolConfig, secrets: UserDataInputs['secrets']): string {
  const tailscale = pool.tailscale
  if (!tailscale) return ''
  const key = tailscaleKey(pool, secrets)
  const loginServer = tailscale.server ? ` --login-server=${shellQuote(tailscale.server)}` : ''
  return `if ! command -v tailscale >/dev/null 2>&1; then
  log "installing Tailscale"
  installer=$(mktemp)
  curl -fsSL --retry 5 --retry-connrefused -o "$installer" ${shellQuote(TAILSCALE_INSTALL_URL)}
  sh "$installer"
  rm -f "$installer"
fi
log "joining the tailnet"
# shellcheck disable=SC2016 # the values are single-quoted on purpose: nothing in them may expand
tailscale up --authkey=${shellQuote(key)}${loginServer} --accept-routes --hostname="$(hostname)"
`
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

const AGENT_SECTION = `agent_has_wanted_version() {
  local output
  output=$(/bin/velda version 2>/dev/null) || return 1
  output=" \${output//[[:space:]]/ } "
  [[ "$output" == *" $VELDA_VERSION "* || "$output" == *" v$VELDA_VERSION "* ]]
}

if agent_has_wanted_version; then
  log "Velda agent $VELDA_VERSION is already installed"
else
  log "downloading Velda agent $VELDA_VERSION"
  # Downloaded next to /bin/velda so that the final mv is an atomic rename.
  download=$(mktemp /bin/.velda.XXXXXX)
  curl -fsSL --retry 5 --retry-delay 3 --retry-connrefused -o "$download" "$VELDA_AGENT_URL"
  if [[ ! -s "$download" ]]; then
    rm -f "$download"
    log "the downloaded agent is empty: $VELDA_AGENT_URL"
    exit 1
  fi
  chmod 0755 "$download"
  mv -f "$download" /bin/velda
  [[ -x /bin/velda ]] || { log "/bin/velda is not executable"; exit 1; }
  agent_has_wanted_version || log "WARNING: /bin/velda version does not report $VELDA_VERSION"
fi

if [[ ! -f "$VELDA_SERVICE_FILE" ]]; then
  unit=$(mktemp)
  curl -fsSL --retry 5 --retry-delay 3 --retry-connrefused -o "$unit" "$VELDA_SERVICE_URL"
  install -D -m 0644 "$unit" "$VELDA_SERVICE_FILE"
  rm -f "$unit"
fi
systemctl daemon-reload
systemctl enable velda-agent.service
# --no-block: the agent starts in the background and does not hold up the rest of the boot.
systemctl restart --no-block velda-agent.service

touch "$VELDA_DONE"
log "done: the Velda agent is starting"
`
