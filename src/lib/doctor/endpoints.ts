import {CLOUDS} from '../config/clouds.js'

/** The AMD endpoint the Velda broker defaults to, which moved to the AMD Developer Cloud's own host. */
export const MOVED_AMD_HOST = 'api-amd.digitalocean.com'

interface KnownEndpoint {
  host: string
  /** For people: "the AMD Developer Cloud". */
  name: string
  /** Which token it takes; null for the moved host, which takes none any more (it redirects). */
  token: string | null
}

const DEVCLOUD_HOST = new URL(CLOUDS['amd-devcloud'].endpoint).hostname
const STANDARD_HOST = new URL(CLOUDS.digitalocean.endpoint).hostname

const KNOWN: readonly KnownEndpoint[] = [
  {host: DEVCLOUD_HOST, name: 'the AMD Developer Cloud', token: 'an AMD Developer Cloud token'},
  {host: STANDARD_HOST, name: 'the standard endpoint', token: 'a DigitalOcean token (dop_v1_...)'},
  {host: MOVED_AMD_HOST, name: 'the old AMD endpoint', token: null},
]

function known(endpoint: string): KnownEndpoint | undefined {
  const host = new URL(endpoint).hostname
  return KNOWN.find((entry) => entry.host === host)
}

/** "the AMD Developer Cloud (api.devcloud.amd.com)" for a known endpoint; the URL itself otherwise (the simulator). */
export function describeEndpoint(endpoint: string): string {
  const entry = known(endpoint)
  return entry ? `${entry.name} (${entry.host})` : endpoint
}

/** The known endpoints other than `endpoint` that take a token: where a refused token may have been made. */
export function otherTokenHosts(endpoint: string): string[] {
  const host = new URL(endpoint).hostname
  return KNOWN.filter((entry) => entry.token && entry.host !== host).map((entry) => entry.host)
}

/** Which token each known endpoint takes, in one sentence: the fix of a refused token. */
export function tokensOfEndpoints(): string {
  const takes = KNOWN.filter((entry) => entry.token).map((entry) => `https://${entry.host} takes ${entry.token}`).join(', ')
  return `${takes}; https://${MOVED_AMD_HOST} moved to https://${DEVCLOUD_HOST}`
}
