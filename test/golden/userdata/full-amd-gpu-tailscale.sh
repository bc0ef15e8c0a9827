#!/bin/bash
# Velda agent bootstrap for pool amd-gpu-tailscale (gpu-mi300x1-192gb-devcloud in atl1, GPU: amd), rendered by velda-do.
# cloud-init runs it once at the droplet's first boot. Log: /var/log/velda-bootstrap.log
# shellcheck disable=SC2016 # single-quoted on purpose: nothing in a setting may expand
readonly \
  VELDA_POOL='amd-gpu-tailscale' \
  VELDA_VERSION='1.0.0' \
  VELDA_GPU_VENDOR='amd' \
  VELDA_GPU_COUNT='1' \
  VELDA_GPU_BUSY_UTIL_PCT='5' \
  VELDA_GPU_BUSY_VRAM_PCT='5' \
  VELDA_TAILSCALE_AUTHKEY='<redacted>' \
  VELDA_TAILSCALE_SERVER='https://headscale.example.com' \
  VELDA_AGENT_URL='https://releases.velda.io/velda-1.0.0-linux-amd64' \
  VELDA_SERVICE_URL='https://releases.velda.io/velda-agent.service' \
  VELDA_NVIDIA_COLLECT_URL='https://releases.velda.io/nvidia-collect.sh' \
  VELDA_TAILSCALE_INSTALL_URL='https://tailscale.com/install.sh'

# The pool's /etc/velda/agent.yaml, byte for byte.
velda_agent_yaml() {
  cat <<'VELDA_AGENT_YAML_EOF'
broker:
  address: broker.example.com:50051
pool: amd-gpu-tailscale
VELDA_AGENT_YAML_EOF
}

# The GPU sampler, installed as /usr/local/sbin/velda-gpu-sampler and run every minute (docs/userdata.md).
velda_gpu_sampler() {
  cat <<'VELDA_GPU_SAMPLER_EOF'
#!/bin/bash
# The Velda GPU sampler: run every 60 s by velda-gpu-sampler.timer, which the boot script installs on GPU sizes. It
# asks amd-smi (else rocm-smi, else nvidia-smi) for each GPU's figures and rewrites /var/lib/velda/gpu.json whole
# (a temporary file in the same directory, then a rename: a reader never sees half of it). docs/userdata.md, "The
# GPU sample", describes the file; velda-do's src/lib/boot/gpu-sample.ts is its reader.
#
# The split: the tool's output is kept as it came (at most 192 KiB) and velda-do reads the figures from it, the one
# place that knows every version's shape. Only what must be decided here, where it survives velda-do not running,
# is decided here: whether this sample is busy, and since when the GPUs are idle. That needs the figures, and a
# shell cannot read JSON: python3 reads them, which every image that runs this script has (cloud-init, which runs
# the boot script, is a Python 3 program; amd-smi and rocm-smi are Python 3 programs too). Without python3 the
# sample is written with its decision unknown, which never counts as idle.
#
# Settings (the unit's EnvironmentFile, /etc/velda/gpu-sampler.env, written by the boot script):
#   VELDA_GPU_PROMISED         GPUs the size promises (empty: unknown)
#   VELDA_GPU_BUSY_UTIL_PCT    a GPU at or over this utilisation (%) is busy
#   VELDA_GPU_BUSY_VRAM_PCT    a GPU with at least this share of its VRAM in use (%) is busy
#   VELDA_GPU_FILE             where to write (default /var/lib/velda/gpu.json)
set -uo pipefail

promised=${VELDA_GPU_PROMISED:-}
util_pct=${VELDA_GPU_BUSY_UTIL_PCT:-5}
vram_pct=${VELDA_GPU_BUSY_VRAM_PCT:-5}
file=${VELDA_GPU_FILE:-/var/lib/velda/gpu.json}
limit=$((192 * 1024))
[[ $promised =~ ^[0-9]+$ ]] || promised=null
[[ $util_pct =~ ^[0-9]+$ ]] || util_pct=5
[[ $vram_pct =~ ^[0-9]+$ ]] || vram_pct=5

nvidia_query=index,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw,ecc.errors.corrected.volatile.total,ecc.errors.uncorrected.volatile.total
tool=
if command -v amd-smi >/dev/null 2>&1; then
  tool=amd-smi
  args=(metric --usage --power --temperature --ecc --mem-usage --json)
elif command -v rocm-smi >/dev/null 2>&1; then
  tool=rocm-smi
  args=(--showuse --showmeminfo vram --showtemp --showpower --json)
elif command -v nvidia-smi >/dev/null 2>&1; then
  tool=nvidia-smi
  args=(--query-gpu="$nvidia_query" "--format=csv,noheader,nounits")
fi

dir=${file%/*}
mkdir -p "$dir"
raw=$(mktemp "$dir/.gpu-output.XXXXXX") || exit 1
trap 'rm -f "$raw"' EXIT
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)

tool_exit=null
if [[ -n $tool ]]; then
  # Bounded in time and size: a hung or babbling tool costs one sample, not the machine. One byte over the limit
  # tells that the output was cut.
  timeout 30 "$tool" "${args[@]}" 2>/dev/null | head -c $((limit + 1)) >"$raw"
  code=${PIPESTATUS[0]}
  # 124: timeout stopped it. 141: head had read enough and closed the pipe (the output is cut, which is told).
  if ((code != 124)); then tool_exit=$code; fi
  if ((code == 141)); then tool_exit=0; fi
fi

if ! command -v python3 >/dev/null 2>&1; then
  tool_json=null
  if [[ -n $tool ]]; then tool_json="\"$tool\""; fi
  document=$(mktemp "$dir/.gpu.json.XXXXXX") || exit 1
  printf '{"version":1,"sampled_at":"%s","tool":%s,"tool_exit":%s,"promised":%s,"busy_thresholds":{"utilization_pct":%s,"vram_pct":%s},"busy":null,"last_busy_at":null,"idle_since":null,"output":null,"output_cut":false,"problem":"no python3 on the member to read the GPU figures"}\n' \
    "$now" "$tool_json" "$tool_exit" "$promised" "$util_pct" "$vram_pct" >"$document"
  chmod 0644 "$document"
  mv -f "$document" "$file"
  exit 0
fi

python3 - "$file" "$raw" "$tool" "$tool_exit" "$promised" "$util_pct" "$vram_pct" "$now" "$limit" <<'PY'
import json, os, re, sys, tempfile
from datetime import datetime, timezone

path, raw_path, tool, tool_exit, promised, util_pct, vram_pct, now, limit = sys.argv[1:]
limit = int(limit)
thresholds = {"utilization_pct": int(util_pct), "vram_pct": int(vram_pct)}
# A gap longer than this between two samples (the timer stopped, the machine slept) breaks an idle run.
MAX_GAP_S = 180

with open(raw_path, "rb") as f:
    data = f.read(limit + 1)
cut = len(data) > limit
# Control characters other than newline and tab go: the output is shown to people, after velda-do's own filter.
output = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", data[:limit].decode("utf-8", "replace"))


def number(value):
    """A figure: a number, {"value": n}, a numeric string; None when N/A or anything else."""
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*", value):
        value = float(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def get(record, *path):
    for key in path:
        if not isinstance(record, dict):
            return None
        record = record.get(key)
    return record


def first(*values):
    return next((v for v in values if v is not None), None)


def gpus():
    """(utilisation %, VRAM used, VRAM total) a GPU, or None when the output is not one we know."""
    if tool == "nvidia-smi":
        rows = [line.split(",") for line in output.splitlines() if line.strip()]
        return [(number(r[1].strip()), number(r[2].strip()), number(r[3].strip())) for r in rows] if all(len(r) == 8 for r in rows) else None
    try:
        doc = json.loads(output)
    except ValueError:
        return None
    if tool == "rocm-smi":
        if not isinstance(doc, dict):
            return None
        cards = [v for k, v in doc.items() if re.fullmatch(r"card\d+", k)]
        return [(number(get(c, "GPU use (%)")), number(get(c, "VRAM Total Used Memory (B)")), number(get(c, "VRAM Total Memory (B)"))) for c in cards]
    if isinstance(doc, dict) and isinstance(doc.get("gpu_data"), list):
        doc = doc["gpu_data"]
    elif isinstance(doc, dict) and "gpu" in doc:
        doc = [doc]
    if not isinstance(doc, list):
        return None
    return [(first(number(get(g, "usage", "gfx_activity")), number(get(g, "usage", "gfx_usage")), busy_instances(get(g, "usage", "gfx_busy_inst"))),
             number(get(g, "mem_usage", "used_vram")), number(get(g, "mem_usage", "total_vram"))) for g in doc]


def busy_instances(value):
    """Partitionable GPUs (MI300X, ROCm 6.4 on) may leave gfx_activity N/A: the mean of their per-XCC figures."""
    if not isinstance(value, dict):
        return None
    known = [n for xcp in value.values() if isinstance(xcp, list) for n in map(number, xcp[:64]) if n is not None]
    return sum(known) / len(known) if known else None


def busy_of(gpu):
    util, used, total = gpu
    vram = 100 * used / total if used is not None and total else None
    if (util is not None and util >= thresholds["utilization_pct"]) or (vram is not None and vram >= thresholds["vram_pct"]):
        return True
    return None if util is None or vram is None else False


busy = None
if tool and tool_exit == "0" and not cut:
    listed = gpus()
    if listed:
        each = [busy_of(g) for g in listed]
        busy = True if True in each else (False if all(b is False for b in each) else None)

previous = {}
try:
    with open(path, "rb") as f:
        previous = json.loads(f.read(1024 * 1024))
except (OSError, ValueError):
    pass
if not isinstance(previous, dict):
    previous = {}


def when(value):
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return None


last_sample = when(previous.get("sampled_at"))
unbroken = last_sample is not None and 0 <= (when(now) - last_sample).total_seconds() <= MAX_GAP_S
last_busy_at = previous.get("last_busy_at") if when(previous.get("last_busy_at")) else None
idle_since = None
if busy is True:
    last_busy_at = now
elif busy is False:
    # An idle run goes on from the one before only when that sample was idle too and came in time.
    earlier = previous.get("idle_since") if unbroken and when(previous.get("idle_since")) else None
    idle_since = earlier or now

document = {
    "version": 1, "sampled_at": now, "tool": tool or None,
    "tool_exit": int(tool_exit) if tool_exit != "null" else None,
    "promised": int(promised) if promised != "null" else None,
    "busy_thresholds": thresholds, "busy": busy, "last_busy_at": last_busy_at, "idle_since": idle_since,
    "output": output if tool else None, "output_cut": cut,
}
directory = os.path.dirname(path) or "."
handle, temporary = tempfile.mkstemp(prefix=".gpu.json.", dir=directory)
with os.fdopen(handle, "w") as f:
    json.dump(document, f)
    f.write("\n")
os.chmod(temporary, 0o644)
os.replace(temporary, path)
PY
VELDA_GPU_SAMPLER_EOF
}

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
