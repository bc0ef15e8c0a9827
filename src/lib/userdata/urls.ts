/** Every address the boot script downloads from, in one place. */
export const VELDA_RELEASES = 'https://releases.velda.io'
export const AGENT_SERVICE_URL = `${VELDA_RELEASES}/velda-agent.service`
export const NVIDIA_COLLECT_URL = `${VELDA_RELEASES}/nvidia-collect.sh`
export const TAILSCALE_INSTALL_URL = 'https://tailscale.com/install.sh'

/** The agent's download (velda-io/velda's Makefile names its builds `velda-${VERSION}-linux-amd64`); `base` for doctor's check of a mirror or a test server. */
export function agentBinaryUrl(version: string, base: string = VELDA_RELEASES): string {
  return `${base.replace(/\/+$/, '')}/velda-${version}-linux-amd64`
}
