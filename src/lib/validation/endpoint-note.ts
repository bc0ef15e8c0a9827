import type {Environment} from '../config/interpolate.js'
import {poolSetting} from '../config/pool-settings.js'
import type {PoolConfig} from '../config/types.js'
import {DEVCLOUD_API, knownEndpoint, STANDARD_API} from '../net/known-endpoints.js'

const ENDPOINT = poolSetting('api_endpoint')

/**
 * What `config validate` says of a pool whose endpoint is a host reported to have moved: a note, not an error.
 * With no api_endpoint the pool falls back to the broker's default, which moved (velda-do keeps that default so
 * that one config means the same in both); an api_endpoint written as that host gets the same advice. Null when the
 * pool's endpoint has not moved.
 */
export function defaultEndpointNote(pool: PoolConfig, env: Environment): string | null {
  if (pool.apiEndpoint) return movedEndpointNote(pool.apiEndpoint)
  const fallback = ENDPOINT.from.default
  const movedTo = knownEndpoint(fallback)?.movedTo
  if (!movedTo) return null
  const variable = ENDPOINT.from.env.find((name) => env[name])
  const here = variable ? ` (velda-do uses $${variable} now; the broker reads no such variable)` : ''
  return `no api_endpoint: this pool relies on the broker's default, ${fallback}${here}, the AMD Developer Cloud's former host, `
    + `reported to redirect every request to ${movedTo} (velda-do refuses redirects; the broker's Go client would follow it without the token). `
    + `An explicit api_endpoint is safer: ${DEVCLOUD_API} with an AMD Developer Cloud token, or ${STANDARD_API} with a DigitalOcean token (dop_v1_...)`
}

function movedEndpointNote(endpoint: string): string | null {
  const movedTo = knownEndpoint(endpoint)?.movedTo
  if (!movedTo) return null
  return `api_endpoint ${endpoint} is the AMD Developer Cloud's former host, reported to redirect every request to ${movedTo} (velda-do refuses redirects). `
    + `Use ${DEVCLOUD_API} with an AMD Developer Cloud token, or ${STANDARD_API} with a DigitalOcean token (dop_v1_...)`
}
