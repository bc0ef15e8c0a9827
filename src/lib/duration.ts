import {UsageError} from './errors.js'

const UNITS: Record<string, number> = {ms: 1, s: 1_000, m: 60_000, h: 3_600_000}

/** `500ms`, `5s`, `10m`, `1h30m` → milliseconds; a bare number is seconds. */
export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000)
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)]
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new UsageError(`${flag}: "${text}" is not a duration`, {suggestions: [`write it like ${flag} 30s, ${flag} 10m or ${flag} 1h30m`]})
  }
  return Math.round(parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * (UNITS[unit ?? 's'] ?? 0), 0))
}
