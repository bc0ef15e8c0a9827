import {FETCH_BAD_PORTS_REFERENCE, isFetchBadPort} from '../net/bad-ports.js'
import {isLoopbackHost} from '../net/loopback.js'
import type {Problem} from './spec.js'

/**
 * The rules for URLs that velda-do sends something to, in one place for `--api-endpoint`,
 * `$DIGITALOCEAN_API_ENDPOINT` and the config's `api_endpoint` and Tailscale `server`. Pure: nothing is resolved
 * or contacted. Messages never quote credentials or a query string (either may hold a secret).
 */

const EXAMPLE_ENDPOINT = 'https://api.digitalocean.com'

/** Why `value` cannot be an http(s) URL velda-do uses, or undefined when it can. */
export function httpUrlProblem(value: string): Problem | undefined {
  // The URL parser drops tabs and line breaks silently: what it would read is not what the file says.
  if (hasControlCharacter(value)) return {message: `${JSON.stringify(redactCredentials(value))} has a control character (e.g. a line break)`, fix: 'write the URL on one line'}
  const url = parseUrl(value)
  if (!url) return {message: `"${redactCredentials(value)}" is not an absolute URL`, fix: `write it like ${EXAMPLE_ENDPOINT}`}
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return {message: `"${redactCredentials(value)}" is not an http(s) URL`, fix: `write it like ${EXAMPLE_ENDPOINT}`}
  }
  if (url.username || url.password) {
    return {message: `"${redactCredentials(value)}" carries a user name or password, which would be sent in clear text and shown in messages`,
      fix: `write ${url.origin} and put the API token in DIGITALOCEAN_API_TOKEN`}
  }
  return undefined
}

/**
 * Why `value` cannot be a DigitalOcean API endpoint, or undefined. An endpoint is an origin (velda-do adds /v2/...
 * itself), and it receives the API token: plain http:// only to this machine (the simulator), never across a network.
 */
export function endpointProblem(value: string): Problem | undefined {
  const problem = httpUrlProblem(value)
  if (problem) return problem
  const url = new URL(value)
  if (/[?#]/.test(value)) {
    return {message: `the endpoint ${url.origin}${url.pathname} has a query string or fragment; the endpoint is only scheme and host`, fix: `write ${url.origin}`}
  }
  if (!/^\/*$/.test(url.pathname)) return {message: `"${value}" has a path; the endpoint is only scheme and host`, fix: `write ${url.origin}`}
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return {
      message: `${url.origin} is plain http: the API token would cross the network unencrypted (http:// is only for this machine: 127.0.0.1, ::1, localhost)`,
      fix: `write https://${url.host}`,
    }
  }
  // Node's fetch would refuse every request ("bad port") and each command would retry it for nothing: say so now.
  if (url.port !== '' && isFetchBadPort(Number(url.port))) {
    return {
      message: `${url.origin} is on port ${url.port}, which Node refuses to connect to (${FETCH_BAD_PORTS_REFERENCE}): no request could be sent`,
      fix: 'use another port (the simulator: velda-do simulator --port 0 picks a free one)',
    }
  }
  return undefined
}

/** `http://user:secret@host/` → `http://<credentials>@host/`, even for text that is not a URL at all. */
export function redactCredentials(text: string): string {
  if (!text.includes('@')) return text
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(text)?.[0] ?? ''
  // Up to the last @: a password may itself contain @ (or characters that make the text no URL at all).
  return `${scheme}<credentials>${text.slice(text.lastIndexOf('@'))}`
}

export function hasControlCharacter(text: string): boolean {
  return /\p{Cc}/u.test(text)
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value)
  } catch {
    return undefined
  }
}
