/**
 * The simulator playing a host that moved (`velda-do simulator --moved-to URL`), as api-amd.digitalocean.com is
 * reported to: every API request, whatever its token, is answered 301 with a Location at the same path and query
 * on the new origin. The admin API under /__sim/ is not moved, so a test still reads what was asked.
 */

/** The 301 answer to a request for `pathAndQuery` (e.g. `/v2/account?page=1`). */
export function movedAnswer(movedTo: string, pathAndQuery: string): {status: 301; headers: Record<string, string>; body: null} {
  return {status: 301, headers: {location: `${new URL(movedTo).origin}${pathAndQuery}`}, body: null}
}
