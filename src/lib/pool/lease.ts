/**
 * Leases: a droplet made with `--ttl` carries the tag `velda-expires:<unix seconds>`, and `pool reap` deletes it
 * once that time has passed. A tag, because it travels with the droplet (any machine, cron or CI job sees it) and
 * DigitalOcean accepts it (letters, digits, `:`, `-`, `_`); the broker ignores tags it does not know.
 */

import {utcSeconds} from '../text/wire-formats.js'

export const LEASE_TAG_PREFIX = 'velda-expires:'

/** The lease tag of a droplet that expires at `expiresAtMs`; rounded up, so a lease is never shorter than asked. */
export function leaseTag(expiresAtMs: number): string {
  return `${LEASE_TAG_PREFIX}${Math.ceil(expiresAtMs / 1000)}`
}

/** The tags of a run's own droplets for `--ttl`: its lease tag, or none without a lease. */
export function leaseTags(lease: {expiresAtMs: number} | null | undefined): string[] {
  return lease ? [leaseTag(lease.expiresAtMs)] : []
}

/**
 * When the droplet's lease ends, in ms since the epoch; null when it has none. Of several lease tags the earliest
 * counts (a later run that shortened it must win); a malformed one is no lease at all, so it never expires a droplet.
 */
export function leaseExpiry(tags: readonly string[]): number | null {
  let earliest: number | null = null
  for (const tag of tags) {
    if (!tag.startsWith(LEASE_TAG_PREFIX)) continue
    const seconds = tag.slice(LEASE_TAG_PREFIX.length)
    if (!/^\d{1,12}$/.test(seconds)) continue
    const ms = Number(seconds) * 1000
    if (earliest === null || ms < earliest) earliest = ms
  }
  return earliest
}

/** The lease's end as RFC 3339 (`2026-11-28T22:00:00Z`), for JSON; null without a lease. */
export function leaseExpiresAt(tags: readonly string[]): string | null {
  const ms = leaseExpiry(tags)
  return ms === null ? null : utcSeconds(ms)
}
