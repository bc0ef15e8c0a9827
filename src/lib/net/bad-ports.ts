/**
 * The WHATWG Fetch standard's "bad ports" (https://fetch.spec.whatwg.org/#port-blocking): ports of other protocols
 * (SMTP, IRC, X11, ...) that a fetch refuses to connect to, so that a URL cannot make it speak HTTP to them. Node's
 * fetch (undici) refuses them with "bad port", and velda-do talks to the API through that fetch: an endpoint on one
 * of these ports never answers, and a simulator listening on one can never be reached. Copied from the list in
 * Node 20's undici (lib/fetch/constants.js), which is the standard's.
 */
export const FETCH_BAD_PORTS: ReadonlySet<number> = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139,
  143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049,
  3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
])

/** Where the list is, for messages: a user who meets it once should be able to read why. */
export const FETCH_BAD_PORTS_REFERENCE = 'the "bad ports" of the Fetch standard, https://fetch.spec.whatwg.org/#port-blocking'

export function isFetchBadPort(port: number): boolean {
  return FETCH_BAD_PORTS.has(port)
}
