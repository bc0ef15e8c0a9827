/**
 * The API hosts velda-do knows by name, and which token each takes: what its redirect and 401 messages, its token
 * warning and `config validate` say about an endpoint. Pure: nothing here is contacted. Where each fact comes from
 * is in docs/do-api.md, "What we know of the live API, and from where".
 */

export const STANDARD_API = 'https://api.digitalocean.com'
export const DEVCLOUD_API = 'https://api.devcloud.amd.com'
/** The Velda broker's default endpoint (and so velda-do's): the AMD Developer Cloud's API before it moved. */
const MOVED_AMD_API = 'https://api-amd.digitalocean.com'

/** What a DigitalOcean token looks like: a personal access token (dop_v1_) or an OAuth token (doo_v1_). */
const DIGITALOCEAN_TOKEN_SHAPE = /^do[op]_v1_/
const DIGITALOCEAN_TOKEN = 'a DigitalOcean token (dop_v1_...)'
const DEVCLOUD_TOKEN = 'an AMD Developer Cloud token'

interface KnownEndpoint {
  origin: string
  /** For people: `the standard endpoint`. */
  name: string
  /** The kind of token it takes, for messages: `a DigitalOcean token (dop_v1_...)`. */
  token: string
  /**
   * What its tokens look like, or null when that is not published: no warning is then given for any shape (a
   * warning about a shape nobody knows would only be noise, and wrong the day the shape is learnt).
   */
  tokenShape: RegExp | null
  /** Where it is reported to redirect every request, when it moved. */
  movedTo: string | null
  /** Another endpoint that serves the same GPUs to a holder of another kind of token, said beside this one. */
  alternative: string | null
}

const KNOWN_ENDPOINTS: readonly KnownEndpoint[] = [
  {
    origin: STANDARD_API, name: 'the standard endpoint', token: DIGITALOCEAN_TOKEN, tokenShape: DIGITALOCEAN_TOKEN_SHAPE,
    movedTo: null, alternative: null,
  },
  {
    origin: DEVCLOUD_API, name: 'the AMD Developer Cloud', token: DEVCLOUD_TOKEN, tokenShape: null,
    movedTo: null, alternative: `${STANDARD_API} with ${DIGITALOCEAN_TOKEN}, whose catalog lists AMD Instinct sizes for DigitalOcean accounts`,
  },
  {
    // Its tokens were reported as dop_v1_ while the Developer Cloud lived here; it now answers only redirects.
    origin: MOVED_AMD_API, name: 'the old AMD endpoint', token: DEVCLOUD_TOKEN, tokenShape: null,
    movedTo: DEVCLOUD_API, alternative: null,
  },
]

/** The known endpoints that serve (not moved), other than the one at `origin`: where else a token may have been made. */
export function otherServingEndpoints(origin: string): readonly KnownEndpoint[] {
  const normalized = URL.canParse(origin) ? new URL(origin).origin : origin
  return KNOWN_ENDPOINTS.filter((endpoint) => endpoint.movedTo === null && endpoint.origin !== normalized)
}

/** The known endpoint at this origin (scheme, host and port, as `URL.origin` writes it), if any. */
export function knownEndpoint(origin: string): KnownEndpoint | undefined {
  const normalized = URL.canParse(origin) ? new URL(origin).origin : origin
  return KNOWN_ENDPOINTS.find((endpoint) => endpoint.origin === normalized)
}

/**
 * Why the token does not look like one the endpoint takes, or null. An endpoint velda-do does not know (the
 * simulator, a proxy) is taken for DigitalOcean's API, as before; a known endpoint whose token shape is not
 * published never gets a warning.
 */
export function tokenShapeWarning(endpoint: string, token: string): string | null {
  const known = knownEndpoint(endpoint)
  const shape = known ? known.tokenShape : DIGITALOCEAN_TOKEN_SHAPE
  if (shape === null || shape.test(token)) return null
  return `does not look like ${known ? known.token : DIGITALOCEAN_TOKEN}`
}

/** `https://api.digitalocean.com takes a DigitalOcean token (dop_v1_...); https://api.devcloud.amd.com ...`: every known endpoint that is not moved. */
export function tokensByEndpoint(): string {
  const serving = KNOWN_ENDPOINTS.filter((endpoint) => endpoint.movedTo === null).map((endpoint) => `${endpoint.origin} takes ${endpoint.token}`)
  const moved = KNOWN_ENDPOINTS.filter((endpoint) => endpoint.movedTo !== null).map((endpoint) => `${endpoint.origin} is reported to redirect to ${endpoint.movedTo}`)
  return [...serving, ...moved].join('; ')
}

/** What to say of a redirect target: which token it takes, and what else would serve, when the host is known. */
export function redirectTargetAdvice(target: string): string | null {
  const known = knownEndpoint(target)
  if (!known) return null
  return known.alternative ? `${known.token} there, or ${known.alternative}` : `${known.token} there`
}
