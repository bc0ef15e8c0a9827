#!/bin/bash
# Velda agent bootstrap for pool cpu-small (s-2vcpu-4gb in nyc3, GPU: none), rendered by velda-do.
# cloud-init runs it once at the droplet's first boot. Log: /var/log/velda-bootstrap.log
# shellcheck disable=SC2016 # single-quoted on purpose: nothing in a setting may expand
readonly \
  VELDA_POOL='cpu-small' \
  VELDA_VERSION='v1.1.4' \
  VELDA_GPU_VENDOR='none' \
  VELDA_GPU_COUNT='' \
  VELDA_GPU_BUSY_UTIL_PCT='5' \
  VELDA_GPU_BUSY_VRAM_PCT='5' \
  VELDA_TAILSCALE_AUTHKEY='' \
  VELDA_TAILSCALE_SERVER='' \
  VELDA_AGENT_URL='https://releases.velda.io/velda-v1.1.4-linux-amd64' \
  VELDA_SERVICE_URL='https://releases.velda.io/velda-agent.service' \
  VELDA_NVIDIA_COLLECT_URL='https://releases.velda.io/nvidia-collect.sh' \
  VELDA_TAILSCALE_INSTALL_URL='https://tailscale.com/install.sh'

# The pool's /etc/velda/agent.yaml, byte for byte.
velda_agent_yaml() {
  cat <<'VELDA_AGENT_YAML_EOF'
broker:
  address: broker.example.com:50051
daemonConfig:
  maxSessions: 2
pool: cpu-small
VELDA_AGENT_YAML_EOF
}

