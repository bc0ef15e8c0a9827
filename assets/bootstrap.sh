#!/bin/bash
# The Velda agent bootstrap, the same for every pool: velda-do renders each pool's settings above this part
# (readonly VELDA_* variables and the velda_agent_yaml function) and sends the whole as the droplet's user_data.
set -euo pipefail

# What the rendered part must define; an empty VELDA_TAILSCALE_AUTHKEY means the pool joins no tailnet, an empty
# VELDA_GPU_COUNT a size whose slug gives no count. GPU sizes also get the velda_gpu_sampler function.
: "${VELDA_POOL:?}" "${VELDA_VERSION:?}" "${VELDA_GPU_VENDOR:?}" "${VELDA_TAILSCALE_AUTHKEY?}" "${VELDA_TAILSCALE_SERVER?}"
: "${VELDA_GPU_COUNT?}" "${VELDA_GPU_BUSY_UTIL_PCT:?}" "${VELDA_GPU_BUSY_VRAM_PCT:?}"
: "${VELDA_AGENT_URL:?}" "${VELDA_SERVICE_URL:?}" "${VELDA_NVIDIA_COLLECT_URL:?}" "${VELDA_TAILSCALE_INSTALL_URL:?}"

VELDA_SERVICE_FILE=/usr/lib/systemd/system/velda-agent.service
VELDA_DONE=/etc/velda/init.done
VELDA_LOG=/var/log/velda-bootstrap.log
# Machine-readable progress for `velda-do pool status` (docs/userdata.md, "The status file").
VELDA_STATUS=/var/lib/velda/bootstrap.json
export DEBIAN_FRONTEND=noninteractive

now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
log() { printf '%s velda-bootstrap: %s\n' "$(now)" "$*"; }

# One JSON string: backslash, quote and the whitespace controls escaped, other control characters dropped.
json_string() {
  local text=$1
  text=${text//\\/\\\\}
  text=${text//\"/\\\"}
  text=${text//$'\t'/\\t}
  text=${text//$'\r'/\\r}
  text=${text//$'\n'/\\n}
  printf '"%s"' "$(printf '%s' "$text" | tr -d '\000-\010\013\014\016-\037\177')"
}

# The last lines of the log, as a JSON array (read once tee has written them: see finish).
log_tail_json() {
  local line first=1
  printf '['
  while IFS= read -r line; do
    ((first)) || printf ','
    first=0
    json_string "$line"
  done < <(tail -n 20 "$VELDA_LOG" 2>/dev/null)
  printf ']'
}

VELDA_STEP=start
VELDA_STARTED_AT=$(now)
VELDA_GPU_CHECK=skipped
VELDA_EXIT_CODE=
VELDA_REPORT=0

# Written whole to a temporary file and renamed: a reader never sees half a document.
write_status() {
  local phase=$1 finished=null code=null tail='[]'
  if [[ "$phase" != running ]]; then finished=$(json_string "$(now)"); fi
  if [[ "$phase" == failed ]]; then
    code=${VELDA_EXIT_CODE:-1}
    tail=$(log_tail_json)
  fi
  mkdir -p "${VELDA_STATUS%/*}"
  printf '{"version":1,"phase":"%s","step":"%s","started_at":"%s","updated_at":"%s","finished_at":%s,"exit_code":%s,"gpu":{"vendor":%s,"check":"%s"},"agent_version":%s,"log_tail":%s}\n' \
    "$phase" "$VELDA_STEP" "$VELDA_STARTED_AT" "$(now)" "$finished" "$code" "$(json_string "$VELDA_GPU_VENDOR")" "$VELDA_GPU_CHECK" "$(json_string "$VELDA_VERSION")" "$tail" \
    >"$VELDA_STATUS.tmp"
  mv -f "$VELDA_STATUS.tmp" "$VELDA_STATUS"
}

step() {
  VELDA_STEP=$1
  write_status running
  log "step: $1"
}

mkdir -p /var/log
exec > >(tee -a "$VELDA_LOG") 2>&1
log_writer=$!

finish() {
  local code=$?
  # Let tee write the last lines before the script ends (bounded, should something hold the pipe open). tail needs
  # a standard output even here: without one it fails at once, and the last lines (the FAILED one) could miss the
  # log and the status file's tail.
  exec >&- 2>&-
  timeout 5 tail --pid="$log_writer" --sleep-interval=0.1 -f /dev/null >/dev/null 2>&1 || true
  ((VELDA_REPORT)) || return 0
  if ((code == 0)); then
    VELDA_STEP='done'
    write_status 'done'
  else
    VELDA_EXIT_CODE=${VELDA_EXIT_CODE:-$code}
    write_status failed
  fi
}
trap finish EXIT
trap 'VELDA_EXIT_CODE=$?; log "FAILED in step $VELDA_STEP at line $LINENO (exit code $VELDA_EXIT_CODE)"' ERR

if [[ -e "$VELDA_DONE" ]]; then
  log "already initialised ($VELDA_DONE exists): nothing to do"
  exit 0
fi
VELDA_REPORT=1
log "bootstrapping Velda agent $VELDA_VERSION for pool $VELDA_POOL on $(hostname)"

apt_install() {
  local missing=() package attempt
  for package in "$@"; do
    # shellcheck disable=SC2016 # ${Status} is dpkg-query's format, not a shell expansion
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$package")
    fi
  done
  if ((${#missing[@]} == 0)); then
    log "already installed: $*"
    return 0
  fi
  for attempt in 1 2 3 4 5; do
    # Fresh droplets run unattended-upgrades at first boot: wait for the dpkg lock instead of failing.
    if apt-get -o DPkg::Lock::Timeout=600 -q update &&
      apt-get -o DPkg::Lock::Timeout=600 -q install -y --no-install-recommends "${missing[@]}"; then
      log "installed: ${missing[*]}"
      return 0
    fi
    ((attempt < 5)) || break
    log "apt-get failed (attempt $attempt of 5), retrying in $((attempt * 15))s"
    sleep $((attempt * 15))
  done
  log "could not install ${missing[*]}"
  return 1
}

step packages
apt_install curl nfs-common

step agent-config
install -d -m 0755 /etc/velda
(
  umask 077
  velda_agent_yaml >/etc/velda/agent.yaml.tmp
)
chmod 0600 /etc/velda/agent.yaml.tmp
mv -f /etc/velda/agent.yaml.tmp /etc/velda/agent.yaml
log "wrote /etc/velda/agent.yaml"

# A GPU that cannot be seen is told (gpu.check in the status file), not fatal: the agent may still serve CPU work.
amd_init() {
  VELDA_GPU_CHECK=ok
  if command -v amd-smi >/dev/null 2>&1; then
    log "AMD GPUs seen by amd-smi:"
    amd-smi list || { VELDA_GPU_CHECK=failed; log "WARNING: amd-smi list failed"; }
  elif command -v rocm-smi >/dev/null 2>&1; then
    log "AMD GPUs seen by rocm-smi:"
    rocm-smi || { VELDA_GPU_CHECK=failed; log "WARNING: rocm-smi failed"; }
  else
    VELDA_GPU_CHECK=missing
    log "WARNING: neither amd-smi nor rocm-smi is installed: is the image a ROCm image?"
  fi
}

nvidia_init() {
  VELDA_GPU_CHECK=ok
  if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi || { VELDA_GPU_CHECK=failed; log "WARNING: nvidia-smi failed"; }
  else
    VELDA_GPU_CHECK=missing
    log "WARNING: nvidia-smi is not installed: is the image an NVIDIA image?"
  fi
  local collect
  collect=$(mktemp)
  if curl -fsSL --retry 5 --retry-connrefused -o "$collect" "$VELDA_NVIDIA_COLLECT_URL"; then
    bash "$collect" || log "WARNING: nvidia-collect.sh failed"
  else
    log "WARNING: could not download nvidia-collect.sh"
  fi
  rm -f "$collect"
}

# The GPU sampler (docs/userdata.md, "The GPU sample"): /var/lib/velda/gpu.json rewritten every minute by a
# systemd timer, and once now, so that the file is there when the boot is done. A failure is told, not fatal.
VELDA_SAMPLER=/usr/local/sbin/velda-gpu-sampler
install_gpu_sampler() {
  install -d -m 0755 /usr/local/sbin /etc/velda
  velda_gpu_sampler >"$VELDA_SAMPLER.tmp"
  chmod 0755 "$VELDA_SAMPLER.tmp"
  mv -f "$VELDA_SAMPLER.tmp" "$VELDA_SAMPLER"
  printf 'VELDA_GPU_PROMISED=%s\nVELDA_GPU_BUSY_UTIL_PCT=%s\nVELDA_GPU_BUSY_VRAM_PCT=%s\n' \
    "$VELDA_GPU_COUNT" "$VELDA_GPU_BUSY_UTIL_PCT" "$VELDA_GPU_BUSY_VRAM_PCT" >/etc/velda/gpu-sampler.env
  cat >/usr/lib/systemd/system/velda-gpu-sampler.service <<'UNIT'
[Unit]
Description=Velda GPU sampler: /var/lib/velda/gpu.json

[Service]
Type=oneshot
EnvironmentFile=/etc/velda/gpu-sampler.env
ExecStart=/usr/local/sbin/velda-gpu-sampler
UNIT
  cat >/usr/lib/systemd/system/velda-gpu-sampler.timer <<'UNIT'
[Unit]
Description=Velda GPU sampler, every minute

[Timer]
OnActiveSec=60s
OnUnitActiveSec=60s
AccuracySec=5s

[Install]
WantedBy=timers.target
UNIT
  # Through env: the prologue's settings of the same names are readonly here.
  env VELDA_GPU_PROMISED="$VELDA_GPU_COUNT" VELDA_GPU_BUSY_UTIL_PCT="$VELDA_GPU_BUSY_UTIL_PCT" VELDA_GPU_BUSY_VRAM_PCT="$VELDA_GPU_BUSY_VRAM_PCT" \
    "$VELDA_SAMPLER" || log "WARNING: the first GPU sample failed"
  if systemctl daemon-reload && systemctl enable --now velda-gpu-sampler.timer; then
    log "GPU sampler installed: /var/lib/velda/gpu.json every minute"
  else
    log "WARNING: could not start velda-gpu-sampler.timer"
  fi
}

step gpu
case "$VELDA_GPU_VENDOR" in
  amd) amd_init ;;
  nvidia) nvidia_init ;;
  none) ;;
  unknown)
    # A GPU size velda-do could not classify from its slug: look at the hardware to decide.
    if command -v amd-smi >/dev/null 2>&1 || command -v rocm-smi >/dev/null 2>&1; then
      amd_init
    elif command -v nvidia-smi >/dev/null 2>&1; then
      nvidia_init
    else
      VELDA_GPU_CHECK=missing
      log "WARNING: GPU size, but no amd-smi, rocm-smi or nvidia-smi found"
    fi
    ;;
  *)
    log "unknown VELDA_GPU_VENDOR: $VELDA_GPU_VENDOR"
    exit 1
    ;;
esac
# Even without a GPU tool: the sample then says no GPU is seen, which pool status shows.
if [[ "$VELDA_GPU_VENDOR" != none ]]; then install_gpu_sampler; fi

if [[ -n "$VELDA_TAILSCALE_AUTHKEY" ]]; then
  step tailscale
  if ! command -v tailscale >/dev/null 2>&1; then
    log "installing Tailscale"
    installer=$(mktemp)
    curl -fsSL --retry 5 --retry-connrefused -o "$installer" "$VELDA_TAILSCALE_INSTALL_URL"
    sh "$installer"
    rm -f "$installer"
  fi
  log "joining the tailnet"
  login_server=()
  if [[ -n "$VELDA_TAILSCALE_SERVER" ]]; then login_server=(--login-server="$VELDA_TAILSCALE_SERVER"); fi
  tailscale up --authkey="$VELDA_TAILSCALE_AUTHKEY" "${login_server[@]}" --accept-routes --hostname="$(hostname)"
fi

agent_has_wanted_version() {
  local output
  output=$(/bin/velda version 2>/dev/null) || return 1
  output=" ${output//[[:space:]]/ } "
  [[ "$output" == *" $VELDA_VERSION "* || "$output" == *" v$VELDA_VERSION "* ]]
}

step agent
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

step service
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
