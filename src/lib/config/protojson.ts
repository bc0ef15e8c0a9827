/**
 * The value rules of protobuf's JSON mapping (protojson), which the Velda broker and agent apply to the YAML file
 * once it is turned into JSON. Written from the protobuf JSON mapping and protojson's documented behaviour:
 * - integer fields take a JSON number or a string holding exactly one JSON number (no spaces, no `+`, no leading
 *   zero, no hex), whose value is a whole number (`"1e3"` and `"5.0"` are, `"1.5"` is not) within the field's range;
 * - google.protobuf.Duration takes only a string of seconds with an `s`: `"300s"`, `"1.5s"`, `"-2s"`, at most
 *   nine fractional digits and at most ±315,576,000,000 seconds.
 */

export const INT32_MIN = -(2n ** 31n)
export const INT32_MAX = 2n ** 31n - 1n
export const INT64_MIN = -(2n ** 63n)
export const INT64_MAX = 2n ** 63n - 1n

/** A JSON number as a whole number, or undefined when it has a fraction or is not a JSON number at all. */
export function jsonNumberAsInteger(text: string): bigint | undefined {
  const match = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([-+]?[0-9]+))?$/.exec(text)
  if (!match) return undefined
  const negative = match[1] === '-'
  const integerPart = match[2] === '0' ? '' : (match[2] ?? '')
  const fraction = (match[3] ?? '').replace(/0+$/, '')
  const exponent = match[4] === undefined ? 0 : Number(match[4])
  if (!Number.isSafeInteger(exponent)) return undefined
  let digits: string
  if (exponent >= 0) {
    if (fraction.length > exponent) return undefined
    // protojson gives up past 20 digits (more than any 64-bit integer has).
    if (integerPart.length + exponent > 20) return undefined
    digits = integerPart + fraction + '0'.repeat(exponent - fraction.length)
  } else {
    if (fraction.length > 0) return undefined
    const point = integerPart.length + exponent
    if (point < 0) {
      if (integerPart !== '') return undefined
      digits = ''
    } else {
      if (/[1-9]/.test(integerPart.slice(point))) return undefined
      digits = integerPart.slice(0, point)
    }
  }
  const magnitude = digits === '' ? 0n : BigInt(digits)
  return negative ? -magnitude : magnitude
}

/** A quoted integer as protojson reads it: exactly one JSON number, nothing around it. */
export function quotedInteger(text: string): bigint | undefined {
  if (text.trim() !== text) return undefined
  return jsonNumberAsInteger(text)
}

/** A YAML number as protojson would read it once written as JSON. */
export function numberAsInteger(value: number): bigint | undefined {
  if (!Number.isFinite(value) || !Number.isInteger(value)) return undefined
  return BigInt(value)
}

export interface ProtoDuration {
  seconds: bigint
  /** Same sign as seconds, 0 to ±999,999,999. */
  nanos: number
}

const MAX_DURATION_SECONDS = 315_576_000_000n

/** google.protobuf.Duration in protojson: `"<seconds>[.<up to 9 digits>]s"`, with an optional sign. */
export function parseProtoDuration(text: string): ProtoDuration | undefined {
  const match = /^([-+]?)(0|[1-9][0-9]*)?(?:\.([0-9]{0,9}))?s$/.exec(text)
  if (!match || text.length < 2) return undefined
  const [, sign, whole, fraction] = match
  // A bare sign or an empty string before the `s` is not a duration; `.5s` and `1.s` are.
  if (whole === undefined && fraction === undefined) return undefined
  const negative = sign === '-'
  let seconds = whole === undefined ? 0n : BigInt(whole)
  let nanos = fraction === undefined ? 0 : Number((fraction + '000000000').slice(0, 9))
  if (negative) {
    seconds = -seconds
    nanos = -nanos
  }
  if (seconds > MAX_DURATION_SECONDS || seconds < -MAX_DURATION_SECONDS) return undefined
  return {seconds, nanos}
}

/** As protojson writes a duration: `"300s"`, `"1.500s"` (0, 3, 6 or 9 fractional digits). */
export function formatProtoDuration(duration: ProtoDuration): string {
  const negative = duration.seconds < 0n || duration.nanos < 0
  const seconds = duration.seconds < 0n ? -duration.seconds : duration.seconds
  const nanos = Math.abs(duration.nanos)
  let fraction = ''
  if (nanos !== 0) {
    fraction = `.${String(nanos).padStart(9, '0')}`
    while (fraction.endsWith('000')) fraction = fraction.slice(0, -3)
  }
  return `${negative ? '-' : ''}${seconds}${fraction}s`
}

const GO_UNITS: Readonly<Record<string, number>> = {ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600}

/**
 * A Go-style duration (`5m`, `1h30m`, `1.5h`, `250ms`) in protojson's form, for the fix of a refused one;
 * undefined when the text is not one.
 */
export function goDurationInSeconds(text: string): string | undefined {
  // µ written as \u00b5: one non-ASCII character in a bundle takes Node's decoding of the whole file off its fast path.
  const match = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|\u00b5s|ms|s|m|h))+$/.exec(text)
  if (!match) return undefined
  let nanos = 0n
  for (const part of text.replace(/^[-+]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|ms|s|m|h)/g)) {
    const [whole = '0', fraction = ''] = (part[1] ?? '0').split('.')
    const unitNanos = BigInt(Math.round((GO_UNITS[part[2] ?? 's'] ?? 1) * 1e9))
    const scale = 10n ** BigInt(fraction.length)
    nanos += (BigInt(whole === '' ? '0' : whole) * scale + BigInt(fraction === '' ? '0' : fraction)) * unitNanos / scale
  }
  if (match[1] === '-') nanos = -nanos
  const seconds = nanos / 1_000_000_000n
  return formatProtoDuration({seconds, nanos: Number(nanos - seconds * 1_000_000_000n)})
}

/** A protojson duration for people: `60s` → `60s (1m)`; durations below a minute stay as they are. */
export function describeDuration(duration: ProtoDuration): string {
  const text = formatProtoDuration(duration)
  const total = Number(duration.seconds)
  if (duration.nanos !== 0 || total < 60) return text
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = total % 60
  const human = `${hours > 0 ? `${hours}h` : ''}${minutes > 0 ? `${minutes}m` : ''}${seconds > 0 ? `${seconds}s` : ''}`
  return `${text} (${human})`
}
