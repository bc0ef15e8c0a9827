import {knownEndpoint, otherServingEndpoints} from '../net/known-endpoints.js'

/**
 * How doctor names an endpoint and the tokens of the others, from the one table of known APIs
 * (net/known-endpoints.ts), so that doctor, the 401 and redirect errors and the token warning say the same.
 */

/** "the AMD Developer Cloud (api.devcloud.amd.com)" for a known endpoint; the URL itself otherwise (the simulator). */
export function describeEndpoint(endpoint: string): string {
  const known = knownEndpoint(endpoint)
  return known ? `${known.name} (${new URL(known.origin).host})` : endpoint
}

/** The hosts of the known endpoints other than `endpoint` that take a token: where a refused token may have been made. */
export function otherTokenHosts(endpoint: string): string[] {
  return otherServingEndpoints(endpoint).map((known) => new URL(known.origin).host)
}
