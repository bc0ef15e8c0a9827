/** Every address the boot script downloads from, in one place. */
export const VELDA_RELEASES = 'https://releases.velda.io'
export const AGENT_SERVICE_URL = `${VELDA_RELEASES}/velda-agent.service`
export const NVIDIA_COLLECT_URL = `${VELDA_RELEASES}/nvidia-collect.sh`
export const TAILSCALE_INSTALL_URL = 'https://tailscale.com/install.sh'

export function agentBinaryUrl(version: string): string {
  return `${VELDA_RELEASES}/velda-${version}-linux-amd64`
}
