#!/bin/bash
# Velda agent bootstrap for pool amd-mi300x (gpu-mi300x1-192gb-devcloud in atl1, GPU: amd), rendered by velda-do.
# cloud-init runs it once at the droplet's first boot. Log: /var/log/velda-bootstrap.log
# shellcheck disable=SC2016 # single-quoted on purpose: nothing in a setting may expand
readonly \
  VELDA_POOL='amd-mi300x' \
  VELDA_VERSION='v1.1.4' \
  VELDA_GPU_VENDOR='amd' \
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

