import {UsageError} from '../base/errors.js'
import {addressRefusal, BadAddressError} from './address-check.js'
import {type SshTarget} from './command.js'
import {hostKeyAlias} from './known-hosts.js'
import type {AddressKind, ProbeSettings} from './settings.js'

/**
 * What reaching a member takes of its droplet. A pool's member (pool/membership.ts) is one: the shape is named
 * here, not imported, because the pool layer stands above ssh and hands its members down.
 */
export interface SshMember {
  id: number
  name: string
  /** `new` until DigitalOcean has started it: no tailnet name to dial before then. */
  status: string
  created_at: string
  public_ipv4: string | null
  private_ipv4: string | null
}

/** A member's address of one kind, as the API gave it, and why velda-do will not dial it (null: it will). */
export interface CheckedAddress {
  /** Null while the droplet has no such address. */
  address: string | null
  refusal: string | null
}

/**
 * The address to dial: public, private (VPC), or on the tailnet its name, which the boot script gives Tailscale as
 * the node's hostname (MagicDNS resolves it); refused unless it is an IP address (a hostname on the tailnet).
 */
export function checkedAddress(member: SshMember, kind: AddressKind): CheckedAddress {
  const address = kind === 'tailnet' ? (member.status === 'new' ? null : member.name) : kind === 'private' ? member.private_ipv4 : member.public_ipv4
  return {address, refusal: address === null ? null : addressRefusal(address, kind)}
}

/** The address to dial, or null while there is none velda-do will dial (none yet, or one refused above). */
export function memberAddress(member: SshMember, kind: AddressKind): string | null {
  const {address, refusal} = checkedAddress(member, kind)
  return refusal === null ? address : null
}

/** Where to reach a member; refused when it has no such address yet, or one that is not an address. */
export function memberTarget(member: SshMember, settings: ProbeSettings): SshTarget {
  const {address: host, refusal} = checkedAddress(member, settings.address)
  if (refusal !== null) {
    throw new BadAddressError(member.name, refusal)
  }
  if (host === null) {
    throw new UsageError(`${member.name} has no ${settings.address} address yet (it is ${member.status})`, {
      suggestions: ['wait for it: velda-do pool up --wait, or velda-do pool list to watch', ...(settings.address === 'public' ? ['or --private for its VPC address'] : [])],
    })
  }
  return {hostKeyAlias: hostKeyAlias(member, settings.simulator), host, user: settings.user, port: settings.port, identityFile: settings.identityFile}
}
