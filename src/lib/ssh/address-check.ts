import {isIP} from 'node:net'

import {ExitCode, VeldaError} from '../base/errors.js'
import {printableCell} from '../text/printable.js'
import type {AddressKind} from './settings.js'

/**
 * What velda-do hands ssh as the host comes from the API (an address) or is a droplet's name (--tailnet). A
 * compromised account or a hostile endpoint chooses it: `-oProxyCommand=...` would run a command here if ssh read
 * it as an option, and only OpenSSH's own hostname check (missing in older builds) stops that today; any other
 * name sends the operator's key and probe to a machine of the attacker's choosing. So a public or private
 * address must be a literal IPv4 or IPv6 address, and a tailnet name a plain DNS name (RFC 1123).
 */

/** One label of a DNS name: letters, digits and hyphens, 1 to 63 of them, no hyphen first or last. */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i

/** The longest DNS name, in characters without a trailing dot. */
const MAX_NAME = 253

/** Why `host` may not be dialled as a member's `kind` address, or null when it may. */
export function addressRefusal(host: string, kind: AddressKind): string | null {
  if (kind === 'tailnet') {
    return isHostname(host) ? null : `its name "${printableCell(host)}" is not a hostname (letters, digits and hyphens in dot-separated labels of at most 63, 253 in all), so it is not dialled on the tailnet`
  }
  // isIP accepts an IPv6 zone (fe80::1%eth0); DigitalOcean never gives one, and ssh would read `%` in it.
  return isIP(host) !== 0 && !host.includes('%') ? null : `its ${kind} address "${printableCell(host)}" from the API is not an IP address, so it is not dialled`
}

function isHostname(host: string): boolean {
  return host.length > 0 && host.length <= MAX_NAME && host.split('.').every((label) => LABEL.test(label))
}

/**
 * One member's address refused (pool ssh, pool logs): exit 3 as for an answer that is not a valid answer, with
 * the member's state `bad-address`, as pool status shows it.
 */
export class BadAddressError extends VeldaError {
  readonly exitCode = ExitCode.api
  readonly code = 'bad_address'

  constructor(member: string, refusal: string) {
    super(`${member}: ${refusal}`, {suggestions: ['the account or endpoint answered with something other than an address: check the droplet in the control panel, and DIGITALOCEAN_API_ENDPOINT']})
  }

  override details(): Record<string, unknown> {
    return {state: 'bad-address'}
  }
}
