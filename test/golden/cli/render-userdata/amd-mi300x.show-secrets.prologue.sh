#!/bin/bash
# Velda agent bootstrap for pool amd-mi300x (gpu-mi300x1-192gb-devcloud in atl1, GPU: amd), rendered by velda-do.
# cloud-init runs it once at the droplet's first boot. Log: /var/log/velda-bootstrap.log
# shellcheck disable=SC2016 # single-quoted on purpose: nothing in a setting may expand
readonly \
  VELDA_POOL='amd-mi300x' \
  VELDA_VERSION='v1.1.4' \
  VELDA_GPU_VENDOR='amd' \
  VELDA_GPU_COUNT='1' \
  VELDA_GPU_BUSY_UTIL_PCT='5' \
  VELDA_GPU_BUSY_VRAM_PCT='5' \
  VELDA_TAILSCALE_AUTHKEY='tskey-auth-k1Ab'\''"$HOME`id`-99999999' \
  VELDA_TAILSCALE_SERVER='https://login.tailscale.com' \
  VELDA_AGENT_URL='https://releases.velda.io/velda-v1.1.4-linux-amd64' \
  VELDA_SERVICE_URL='https://releases.velda.io/velda-agent.service' \
  VELDA_NVIDIA_COLLECT_URL='https://releases.velda.io/nvidia-collect.sh' \
  VELDA_TAILSCALE_INSTALL_URL='https://tailscale.com/install.sh'

# The pool's /etc/velda/agent.yaml, byte for byte.
velda_agent_yaml() {
  cat <<'VELDA_AGENT_YAML_EOF'
broker:
  address: broker.example.com:50051
pool: amd-mi300x
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

