import {createHmac, randomBytes, timingSafeEqual} from 'node:crypto'
import type {IncomingHttpHeaders} from 'node:http'
import {networkInterfaces} from 'node:os'

/**
 * What every request must pass before the simulator looks at it. The simulator runs on operators' machines, where
 * other users and the pages of a browser can reach its port:
 * - `Host` must name the simulator (the address it listens on, or localhost, with its port): a page that rebinds
 *   its own DNS name to 127.0.0.1 sends its own name, and gets 421 (Misdirected Request), on the API and the admin
 *   API alike.
 * - `Origin`, which browsers send on cross-origin requests, must be the simulator's own (it serves no pages, so a
 *   browser never has a reason to send one): 403.
 * - The admin API (`/__sim/`) wants the token, as the API does (401); a simulated host's callback for its own
 *   session may present that host's secret instead (see hostSecret).
 * - An admin POST carries `Content-Type: application/json` (415): an HTML form or a `text/plain` fetch cannot.
 */

export interface GateOptions {
  token: string
  /** `host:port` (lower case) that requests may name; see allowedHosts. */
  hosts: ReadonlySet<string>
  /** What a simulated host presents for its own session, by droplet id; absent without hosts. */
  hostSecret?: (dropletId: number) => string
}

export interface Refusal {
  status: number
  /** The admin API's error shape for /__sim/, DigitalOcean's for the API. */
  json: unknown
}

const SESSION_PATH = /^\/__sim\/hosts\/(\d+)\/session$/

/** Null when the request may go on; otherwise the answer that refuses it. */
export function refusal(method: string, path: string, headers: IncomingHttpHeaders, options: GateOptions): Refusal | null {
  const admin = path === '/__sim' || path.startsWith('/__sim/')
  const refuse = (status: number, id: string, message: string): Refusal => ({status, json: admin ? {error: message} : {id, message}})
  const host = (headers.host ?? '').toLowerCase()
  if (!options.hosts.has(host)) {
    return refuse(421, 'misdirected_request', `this is the simulator at ${first(options.hosts)}: a request naming ${JSON.stringify(headers.host ?? '')} in its Host header is refused (DNS rebinding looks like this)`)
  }
  const origin = headers.origin
  if (origin !== undefined && !options.hosts.has(originHost(origin))) {
    return refuse(403, 'forbidden', `cross-origin requests are refused: Origin ${JSON.stringify(origin)} is not this simulator (http://${first(options.hosts)})`)
  }
  if (!admin) return null
  if (!authorized(method, path, headers.authorization, options)) {
    return refuse(401, 'unauthorized', "the admin API needs the simulator's token, as the API does: Authorization: Bearer <the token it printed>")
  }
  if (method === 'POST' && !/^application\/json\s*(;|$)/i.test(headers['content-type'] ?? '')) {
    return refuse(415, 'unsupported_media_type', 'an admin POST carries JSON: Content-Type: application/json')
  }
  return null
}

function authorized(method: string, path: string, authorization: string | undefined, options: GateOptions): boolean {
  if (presentsBearer(authorization, options.token)) return true
  const session = SESSION_PATH.exec(path)
  return method === 'POST' && session !== null && options.hostSecret !== undefined && presentsBearer(authorization, options.hostSecret(Number(session[1])))
}

/**
 * Whether an `Authorization` header is `Bearer <expected>`, the secret compared in constant time (sameSecret). The
 * one check of a token, for the API (core.ts) and the admin API alike: a plain `!==` stops at the first wrong
 * byte, and the time of a refusal would tell how much of a guess was right.
 */
export function presentsBearer(authorization: string | undefined, expected: string): boolean {
  const presented = /^Bearer (.+)$/.exec(authorization ?? '')?.[1]
  return presented !== undefined && sameSecret(presented, expected)
}

/** Compared in constant time, so the time of a refusal tells nothing of how much of a guess was right. */
export function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** `http://127.0.0.1:8080` → `127.0.0.1:8080`; anything else (`null`, a file: page) → '' (never allowed). */
function originHost(origin: string): string {
  try {
    const url = new URL(origin)
    return url.protocol === 'http:' ? url.host.toLowerCase() : ''
  } catch {
    return ''
  }
}

const first = (hosts: ReadonlySet<string>) => hosts.values().next().value ?? ''

/**
 * The `Host` values that name this simulator: the address it listens on and `localhost`, with its port (and without
 * it on port 80, as clients write it there). Listening on every address (0.0.0.0, ::), every address of this
 * machine's interfaces names it. The listening address comes first: messages quote it.
 */
export function allowedHosts(address: string, port: number): Set<string> {
  const unspecified = address === '0.0.0.0' || address === '::'
  const addresses = [address, 'localhost']
  if (unspecified) {
    for (const list of Object.values(networkInterfaces())) for (const info of list ?? []) if (info.scopeid === undefined || info.scopeid === 0) addresses.push(info.address)
  }
  const hosts = new Set<string>()
  for (const each of addresses) {
    const name = each.includes(':') ? `[${each}]` : each
    hosts.add(`${name}:${port}`.toLowerCase())
    if (port === 80) hosts.add(name.toLowerCase())
  }
  return hosts
}

/**
 * The secret of each simulated host, for its session callback: derived from a key made for this run, so that one
 * host's secret (readable by whoever runs commands there) opens nothing but that host's own session endpoint.
 */
export function hostSecrets(): (dropletId: number) => string {
  const key = randomBytes(32)
  return (dropletId) => createHmac('sha256', key).update(String(dropletId)).digest('hex')
}
