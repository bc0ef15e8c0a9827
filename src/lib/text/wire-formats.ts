// How DigitalOcean writes times and ids, for every place that writes or checks them (API, simulator, leases).

/** RFC 3339 to the second, as DigitalOcean writes times (`2026-11-28T22:00:00Z`). */
export function utcSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** A UUID as DigitalOcean writes ids of VPCs and projects, any case. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
