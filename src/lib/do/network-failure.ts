import {networkInterfaces} from 'node:os'

import {isLoopbackHost} from '../net/loopback.js'

/**
 * What a failed fetch means, from undici's `TypeError('fetch failed')` and its `cause` chain (an AggregateError
 * when several addresses were tried). Whether to try again depends on whether waiting can help: a name that does
 * not exist or a certificate that does not match stays so for the whole command.
 */
export interface NetworkFailure {
  /** The error code found, e.g. `ENOTFOUND`; null when there was none. */
  code: string | null
  /** Names the host, e.g. `cannot reach api-amd.digitalocean.com: host not found (ENOTFOUND)`. */
  reason: string
  /** False when waiting cannot help; the suggestions say what to fix instead. */
  retryable: boolean
  suggestions: string[]
}

const ENDPOINT_SETTINGS = '--api-endpoint, DIGITALOCEAN_API_ENDPOINT or the pool\'s api_endpoint'

/** Failures that an offline machine shows for a remote host (EAI_AGAIN above all: no name server is reachable). */
const OFFLINE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT'])

/** True when an interface other than loopback has an address: without one, no name server or host can be reached. */
export function machineHasNetwork(): boolean {
  return Object.values(networkInterfaces()).some((addresses) => addresses?.some((address) => !address.internal))
}

/** `url.host` already leaves a default port out: `api.digitalocean.com`, `127.0.0.1:41234`. */
export function classifyNetworkFailure(error: unknown, url: URL, hasNetwork: () => boolean = machineHasNetwork): NetworkFailure {
  const host = url.host
  const {code, message} = findCode(error)
  const reach = (text: string) => `cannot reach ${host}: ${text}${code ? ` (${code})` : ''}`
  // Asked only now, and only of a remote host: an offline machine does not come back online by waiting seconds.
  if (code && OFFLINE_CODES.has(code) && !isLoopbackHost(url.hostname) && !hasNetwork()) {
    return {
      code,
      reason: reach('this machine has no network (no interface but loopback has an address)'),
      retryable: false,
      suggestions: ['connect this machine to a network, then try again'],
    }
  }
  if (code === 'ENOTFOUND') {
    return {
      code,
      reason: reach('host not found'),
      retryable: false,
      suggestions: [`check the host name in ${ENDPOINT_SETTINGS}`, `check that this machine is online and its DNS works (getent hosts ${url.hostname})`],
    }
  }
  if (code === 'EAI_AGAIN') return {code, reason: reach('the name server did not answer'), retryable: true, suggestions: ['check that this machine is online and its DNS works']}
  if (code === 'ECONNREFUSED') {
    // Nothing listens on this machine's port: it will not start listening while we wait. A remote host that
    // refuses is often a load balancer being replaced, which heals within seconds.
    if (isLoopbackHost(url.hostname)) {
      return {
        code,
        reason: reach('connection refused, nothing listens there'),
        retryable: false,
        suggestions: ['is the simulator running? Start it with `velda-do simulator` and use the endpoint it prints', `or check the port in ${ENDPOINT_SETTINGS}`],
      }
    }
    return {code, reason: reach('connection refused'), retryable: true, suggestions: [`check ${ENDPOINT_SETTINGS}, then try again`]}
  }
  if (code && isCertificateCode(code)) {
    return {
      code,
      reason: reach(`its TLS certificate is not trusted: ${message ?? 'certificate error'}`),
      retryable: false,
      suggestions: [
        `check that ${ENDPOINT_SETTINGS} names the DigitalOcean API`,
        'a proxy or antivirus that intercepts TLS shows its own certificate: trust its CA with NODE_EXTRA_CA_CERTS=/path/to/ca.pem',
      ],
    }
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER') {
    return {code, reason: reach('it does not speak TLS on that port'), retryable: false, suggestions: [`check the scheme and port in ${ENDPOINT_SETTINGS}`]}
  }
  const retry = ['check the network and the endpoint, then try again']
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return {code, reason: reach('connection dropped'), retryable: true, suggestions: retry}
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return {code, reason: reach('connecting timed out'), retryable: true, suggestions: retry}
  if (code === 'ENETUNREACH' || code === 'EHOSTUNREACH') return {code, reason: reach('no route to the host (is this machine online?)'), retryable: true, suggestions: retry}
  return {code, reason: reach(message ?? 'the connection failed'), retryable: true, suggestions: retry}
}

function isCertificateCode(code: string): boolean {
  return /^(ERR_TLS_CERT|CERT_|UNABLE_TO_(GET|VERIFY|DECRYPT)|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH)/.test(code)
}

/** The first error code along `cause` and AggregateError's `errors`, with the message of the error that has it. */
function findCode(error: unknown): {code: string | null; message: string | null} {
  const seen = new Set<unknown>()
  const queue: unknown[] = [error]
  let firstMessage: string | null = null
  while (queue.length > 0) {
    const current = queue.shift()
    if (!current || typeof current !== 'object' || seen.has(current)) continue
    seen.add(current)
    const {code, message, cause, errors} = current as {code?: unknown; message?: unknown; cause?: unknown; errors?: unknown}
    if (typeof code === 'string' && code !== '') return {code, message: typeof message === 'string' ? message : null}
    // undici's own `fetch failed` says nothing; the first message below it does.
    if (firstMessage === null && typeof message === 'string' && message !== '' && message !== 'fetch failed') firstMessage = message
    queue.push(cause)
    if (Array.isArray(errors)) queue.push(...(errors as unknown[]))
  }
  return {code: null, message: firstMessage}
}
