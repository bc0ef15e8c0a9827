import type {Environment} from '../config/interpolate.js'
import {parseDuration} from '../text/duration.js'
import type {PoolConfig} from '../config/types.js'
import {resolveEndpoint, resolveToken, TOKEN_ENV_VARS} from '../config/resolve-settings.js'
import {createDigitalOceanApi, type DigitalOceanApi} from '../do/client.js'
import {DEADLINE_ENV_VAR, DEADLINE_LIMITS} from '../do/deadline.js'
import {MissingTokenError} from '../do/errors.js'
import {tokenShapeWarning} from '../net/known-endpoints.js'
import type {TransportOptions} from '../do/transport.js'

export interface ConnectOptions {
  /** `--api-endpoint`. */
  endpointFlag?: string
  env: Environment
  /** The pool whose api_endpoint / api_token apply, if the command works on one. */
  pool: PoolConfig | null
  onWait: (message: string) => void
  /** A request that is slow to answer (see PROGRESS_AFTER_MS). */
  onProgress?: (message: string) => void
  onWarning: (message: string) => void
  userAgent?: string
  /** Tests inject clocks, sleeps and timeouts here. */
  transport?: Partial<Omit<TransportOptions, 'endpoint' | 'token'>>
}

/** How long one request may take (default 30s): slow links and fault rehearsals want another value. */
export const TIMEOUT_ENV_VAR = 'VELDA_DO_REQUEST_TIMEOUT'
/** Below a second every request would time out; past ten minutes a hung connection stalls a command for nothing. */
export const REQUEST_TIMEOUT_LIMITS = {minMs: 1_000, maxMs: 10 * 60_000} as const

/**
 * Resolves the endpoint and token of a pool or of none (docs/cli.md, "Where settings come from"), and the timeouts
 * of the environment, then opens the API: the API layer (src/lib/do) gets plain values and knows no config.
 * Exit 2 when there is no token.
 */
export async function connectApi(options: ConnectOptions): Promise<DigitalOceanApi> {
  const endpoint = resolveEndpoint(options.endpointFlag, options.env, options.pool)
  const token = resolveToken(options.env, options.pool)
  if (!token) {
    throw new MissingTokenError('no DigitalOcean API token: this command calls the API', {
      suggestions: [
        `export DIGITALOCEAN_API_TOKEN=dop_v1_... (also read: ${TOKEN_ENV_VARS.slice(1).join(', ')})`,
        'or give the pool an api_token: "${VARIABLE}" in the config',
      ],
    })
  }
  if (!token.secret) {
    throw new MissingTokenError(`the API token comes from ${token.source}, but ${token.missing.join(', ')} is not set`, {
      suggestions: [`export ${token.missing[0]}=dop_v1_...`, 'or export DIGITALOCEAN_API_TOKEN'],
    })
  }
  // A token is printable ASCII; anything else (a newline from a sloppy export) would be refused in a header,
  // and some libraries quote the refused header in their error.
  if (!/^[\x21-\x7e]+$/.test(token.secret.reveal())) {
    throw new MissingTokenError(`the API token from ${token.source} contains characters a token cannot have (spaces, newlines or non-ASCII)`, {
      suggestions: ['copy the token again from the DigitalOcean control panel, without quotes or line breaks'],
    })
  }
  // Only where the shape is known: the AMD Developer Cloud does not publish what its tokens look like.
  const shapeWarning = tokenShapeWarning(endpoint.value, token.secret.reveal())
  if (shapeWarning) options.onWarning(`the token from ${token.source} ${shapeWarning} (the endpoint is ${endpoint.value}); using it anyway`)
  const timeout = options.env[TIMEOUT_ENV_VAR]
  const deadline = options.env[DEADLINE_ENV_VAR]
  return createDigitalOceanApi({
    ...(timeout ? {timeoutMs: parseDuration(timeout, `$${TIMEOUT_ENV_VAR}`, REQUEST_TIMEOUT_LIMITS)} : {}),
    ...(deadline ? {deadlineMs: parseDuration(deadline, `$${DEADLINE_ENV_VAR}`, DEADLINE_LIMITS)} : {}),
    ...options.transport,
    endpoint: endpoint.value,
    token: token.secret,
    onWait: options.onWait,
    onProgress: options.onProgress,
    userAgent: options.userAgent,
  })
}
