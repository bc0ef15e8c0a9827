#!/bin/bash
# Velda agent bootstrap for pool nvidia-gpu-tailscale-default-server (gpu-h100x1-80gb in tor1, GPU: nvidia), rendered by velda-do.
# cloud-init runs it once at the droplet's first boot. Log: /var/log/velda-bootstrap.log
# shellcheck disable=SC2016 # single-quoted on purpose: nothing in a setting may expand
readonly \
  VELDA_POOL='nvidia-gpu-tailscale-default-server' \
  VELDA_VERSION='1.0.0' \
  VELDA_GPU_VENDOR='nvidia' \
  VELDA_TAILSCALE_AUTHKEY='<redacted>' \
  VELDA_TAILSCALE_SERVER='' \
  VELDA_AGENT_URL='https://releases.velda.io/velda-1.0.0-linux-amd64' \
  VELDA_SERVICE_URL='https://releases.velda.io/velda-agent.service' \
  VELDA_NVIDIA_COLLECT_URL='https://releases.velda.io/nvidia-collect.sh' \
  VELDA_TAILSCALE_INSTALL_URL='https://tailscale.com/install.sh'

# The pool's /etc/velda/agent.yaml, byte for byte.
velda_agent_yaml() {
  cat <<'VELDA_AGENT_YAML_EOF'
broker:
  address: broker.example.com:50051
pool: nvidia-gpu-tailscale-default-server
VELDA_AGENT_YAML_EOF
}

