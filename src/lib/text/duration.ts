import {UsageError} from '../base/errors.js'

const UNITS: Record<string, number> = {ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000}

/**
 * The longest any wait of velda-do may be. Node's timers fire at once for more than 2^31-1 ms (24.8 days), so
 * an unbounded duration turns a wait into a busy loop; no wait of velda-do needs more than a day.
 */
export const MAX_DURATION_MS = 24 * UNITS.h!

export interface DurationLimits {
  /** When given, shorter durations (and 0) are refused. */
  minMs?: number
  /** Longer durations are refused; MAX_DURATION_MS when not given. */
  maxMs?: number
}

/**
 * `500ms`, `5s`, `10m`, `1h30m`, `2d` → milliseconds. Refuses values outside `limits`. Every duration carries its
 * unit, as Go's and kubectl's do (`0` alone excepted, as in Go): `--ttl 120` read as seconds was a two-minute
 * lease where the user likely meant two hours or minutes, so a bare number is refused with both readings offered.
 */
export function parseDuration(text: string, flag: string, limits: DurationLimits = {}): number {
  const given = written(flag, text.trim())
  const ms = toMilliseconds(text, flag, given)
  const maxMs = limits.maxMs ?? MAX_DURATION_MS
  if (ms > maxMs) {
    throw new UsageError(`${given} is longer than ${formatDuration(maxMs)}, the longest velda-do waits`, {
      suggestions: [`give ${flag} at most ${formatDuration(maxMs)}`],
    })
  }
  if (limits.minMs === undefined) return ms
  const minMs = Math.max(limits.minMs, 1)
  if (ms < minMs) {
    throw new UsageError(`${given} is shorter than ${formatDuration(minMs)}, the shortest velda-do accepts`, {
      suggestions: [`give ${flag} at least ${formatDuration(minMs)}`],
    })
  }
  return ms
}

/** `--poll-interval 5s`, but `$VELDA_DO_REQUEST_TIMEOUT=5s`: the setting quoted as the user wrote it. */
function written(flag: string, value: string): string {
  return flag.startsWith('$') ? `${flag}=${value}` : `${flag} ${value}`
}

function toMilliseconds(text: string, flag: string, given: string): number {
  const trimmed = text.trim()
  if (/^0+(\.0+)?$/.test(trimmed)) return 0
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const as = (unit: string) => (flag.startsWith('$') ? `export ${flag.slice(1)}=${trimmed}${unit}` : `${flag} ${trimmed}${unit}`)
    throw new UsageError(`${given}: a duration needs a unit: ${trimmed}s or ${trimmed}m?`, {
      suggestions: [`${as('s')} (seconds) or ${as('m')} (minutes); the units are ms, s, m, h and d`],
    })
  }
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)]
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new UsageError(`${flag}: "${text}" is not a duration`, {suggestions: [`write it like ${flag} 30s, ${flag} 10m or ${flag} 1h30m`]})
  }
  return Math.round(parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * (UNITS[unit ?? 's'] ?? 0), 0))
}

/** 86400000 → `24h`, 90000 → `1m30s`, 500 → `500ms`: the way a user would write it back. */
export function formatDuration(ms: number): string {
  let rest = Math.round(ms)
  let text = ''
  for (const unit of ['h', 'm', 's', 'ms'] as const) {
    const size = UNITS[unit]!
    const count = Math.floor(rest / size)
    if (count > 0) text += `${count}${unit}`
    rest -= count * size
  }
  return text || '0s'
}

/**
 * An elapsed time for reading, in two units where the second still matters: `45s`, `12m`, `3h12m`, `2d4h`
 * (formatDuration writes a duration back exactly, as a flag takes it).
 */
export function formatSpan(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  if (seconds < 60) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}m`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`
  const days = Math.floor(hours / 24)
  return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`
}
