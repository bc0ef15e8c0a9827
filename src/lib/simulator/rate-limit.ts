/** DigitalOcean's limits: a sliding hour and a sliding minute per token, plus 10 ssh-key listings a minute. */
export interface RateLimits {
  perMinute: number
  perHour: number
  sshKeysPerMinute: number
}

export const REAL_RATE_LIMITS: RateLimits = {perMinute: 250, perHour: 5_000, sshKeysPerMinute: 10}

export interface RateDecision {
  allowed: boolean
  headers: Record<string, string>
}

const MINUTE = 60_000
const HOUR = 3_600_000

export class RateLimiter {
  private requests: number[] = []
  private sshKeyRequests: number[] = []

  constructor(private readonly limits: RateLimits) {}

  /** Counts a request made at `now` and says whether it may proceed, with the headers of its answer. */
  take(now: number, isSshKeyListing: boolean): RateDecision {
    this.requests = this.requests.filter((t) => t > now - HOUR)
    this.sshKeyRequests = this.sshKeyRequests.filter((t) => t > now - MINUTE)
    const lastMinute = this.requests.filter((t) => t > now - MINUTE)
    const hourFull = this.requests.length >= this.limits.perHour
    const minuteFull = lastMinute.length >= this.limits.perMinute
    const sshFull = isSshKeyListing && this.sshKeyRequests.length >= this.limits.sshKeysPerMinute
    const allowed = !hourFull && !minuteFull && !sshFull
    if (allowed) {
      this.requests.push(now)
      if (isSshKeyListing) this.sshKeyRequests.push(now)
    }
    const oldest = this.requests[0] ?? now
    const headers: Record<string, string> = {
      'ratelimit-limit': String(this.limits.perHour),
      'ratelimit-remaining': String(Math.max(0, this.limits.perHour - this.requests.length)),
      'ratelimit-reset': String(Math.ceil((oldest + HOUR) / 1000)),
    }
    if (!allowed && !hourFull) {
      const window = sshFull ? this.sshKeyRequests : lastMinute
      const freesAt = (window[0] ?? now) + MINUTE
      headers['retry-after'] = String(Math.max(1, Math.ceil((freesAt - now) / 1000)))
    }
    return {allowed, headers}
  }

  reset(): void {
    this.requests = []
    this.sshKeyRequests = []
  }
}
