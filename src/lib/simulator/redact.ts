import {isDeepStrictEqual} from 'node:util'

import {REDACTED, redactSecrets} from '../base/secret.js'

/**
 * What the simulator shows of what clients sent (GET /__sim/requests, GET /__sim/state, the lines it prints) with
 * the secrets cut out, as velda-do's own output cuts them: the Tailscale key of a boot script (the value of
 * VELDA_TAILSCALE_AUTHKEY, as the renderer writes it: single-quoted for bash), the simulator's token, and anything
 * shaped like a DigitalOcean token or a Tailscale key. The simulator may run where other people read its log and
 * terminal; the key it saw is a real one.
 */

/** `VELDA_TAILSCALE_AUTHKEY='...'` with bash's `'\''` for a quote inside; an empty value (no tailnet) stays. */
const TAILSCALE_ASSIGNMENT = /(VELDA_TAILSCALE_AUTHKEY=)'((?:[^']|'\\'')*)'/g
/** A DigitalOcean personal access token, and a Tailscale auth or OAuth key, wherever they appear. */
const SECRET_SHAPES = [/dop_v1_[0-9a-f]{64}/g, /tskey-[A-Za-z0-9_-]{4,}/g]

export function redactText(text: string, token: string): string {
  let result = text.replace(TAILSCALE_ASSIGNMENT, (whole, name: string, value: string) => (value === '' ? whole : `${name}'${REDACTED}'`))
  // The token as velda-do's own output cuts it: raw and escaped, never when too short to be one.
  result = redactSecrets(result, [token])
  for (const shape of SECRET_SHAPES) result = result.replace(shape, REDACTED)
  return result
}

/**
 * A request body with the secrets of its strings cut out, byte for byte as received where nothing was cut (tests
 * read the log to see exactly what went over the wire, a JSON key twice included). A JSON body is redacted string
 * by string (a boot script is a JSON string, its quotes escaped), each replaced where it stands in the raw text.
 */
export function redactBody(body: string, token: string): string {
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return redactText(body, token)
  }
  const changed = new Map<string, string>()
  const redacted = mapStrings(json, (text) => {
    const after = redactText(text, token)
    if (after !== text) changed.set(text, after)
    return after
  })
  let raw = body
  for (const [before, after] of changed) raw = raw.split(jsonInner(before)).join(jsonInner(after))
  raw = redactText(raw, token)
  // The raw text escaped a string some other way (\u0027 for a quote): show the parsed body, redacted, instead.
  return sameJson(raw, redacted) ? raw : JSON.stringify(redacted)
}

const jsonInner = (text: string) => JSON.stringify(text).slice(1, -1)

function sameJson(text: string, expected: unknown): boolean {
  try {
    return isDeepStrictEqual(JSON.parse(text), expected)
  } catch {
    return false
  }
}

function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === 'string') return map(value)
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map))
  if (value === null || typeof value !== 'object') return value
  const result: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) Object.defineProperty(result, map(key), {value: mapStrings(item, map), enumerable: true, writable: true, configurable: true})
  return result
}
