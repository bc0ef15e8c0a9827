/**
 * Failures on demand, for tests and for users rehearsing failure. A rule matches requests by method and path and
 * fires on the `nth` matching request and the `count - 1` after it (count 0: every one from the nth on).
 */
export type FaultAction =
  /** Answer with this status and DigitalOcean's JSON error body (or `body`). */
  | {type: 'status'; status: number; body?: unknown; headers?: Record<string, string>}
  /** Answer with an HTML page, as a proxy in front of the API does. */
  | {type: 'html'; status: number}
  /** 429 as the rate limiter sends it: with `retry-after`, or with only `ratelimit-reset` (remaining 0). */
  | {type: 'rate-limit'; retryAfterSeconds?: number; resetInSeconds?: number}
  /** Answer normally, but only after this long. */
  | {type: 'delay'; ms: number}
  /** Close the connection without an answer. */
  | {type: 'drop'}
  /** 200 with a body that is not JSON. */
  | {type: 'malformed-json'}
  /** 301 (or `status`) to another place. */
  | {type: 'redirect'; location: string; status?: number}
  /** Do what was asked (create the droplets), then answer 500 or drop the connection: the lost answer. */
  | {type: 'ambiguous'; then: 'status' | 'drop'; status?: number}

export interface FaultRule {
  method?: string
  /** A path (`/v2/droplets`) or a prefix ending in `*` (`/v2/droplets/*`). Any path when absent. */
  path?: string
  nth?: number
  count?: number
  action: FaultAction
}

export class FaultBook {
  private readonly rules: {rule: FaultRule; seen: number}[] = []

  add(rule: FaultRule): void {
    this.rules.push({rule, seen: 0})
  }

  clear(): void {
    this.rules.length = 0
  }

  list(): FaultRule[] {
    return this.rules.map((r) => r.rule)
  }

  /** The action for this request, if a rule fires. Every matching rule counts the request. */
  take(method: string, path: string): FaultAction | undefined {
    let fired: FaultAction | undefined
    for (const entry of this.rules) {
      if (!matches(entry.rule, method, path)) continue
      entry.seen++
      const first = entry.rule.nth ?? 1
      const count = entry.rule.count ?? 1
      const inWindow = entry.seen >= first && (count === 0 || entry.seen < first + count)
      if (inWindow && !fired) fired = entry.rule.action
    }
    return fired
  }
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false
  if (!rule.path) return true
  return rule.path.endsWith('*') ? path.startsWith(rule.path.slice(0, -1)) : path === rule.path
}

/** Checks a rule given over the admin API or the command line. */
export function parseFaultRule(input: unknown): FaultRule {
  const rule = input as FaultRule
  const types = ['status', 'html', 'rate-limit', 'delay', 'drop', 'malformed-json', 'redirect', 'ambiguous']
  if (!rule || typeof rule !== 'object' || !rule.action || !types.includes(rule.action.type)) {
    throw new Error(`a fault needs an action with a type among: ${types.join(', ')}`)
  }
  for (const key of ['nth', 'count'] as const) {
    const value = rule[key]
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) throw new Error(`fault ${key} must be a whole number`)
  }
  return rule
}
