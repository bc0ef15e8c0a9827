import {UsageError} from '../errors.js'
import type {PoolDroplet} from '../pool/membership.js'
import {type SshTarget} from './command.js'
import {hostKeyAlias} from './known-hosts.js'
import type {AddressKind, ProbeSettings} from './settings.js'

/**
 * The address to dial: public, private (VPC), or on the tailnet its name, which the boot script gives Tailscale as
 * the node's hostname (MagicDNS resolves it). Null while the droplet has no such address.
 */
export function memberAddress(member: PoolDroplet, kind: AddressKind): string | null {
  if (kind === 'tailnet') return member.status === 'new' ? null : member.name
  return kind === 'private' ? member.private_ipv4 : member.public_ipv4
}

/** Where to reach a member; refused when it has no such address yet. */
export function memberTarget(member: PoolDroplet, settings: ProbeSettings): SshTarget {
  const host = memberAddress(member, settings.address)
  if (host === null) {
    throw new UsageError(`${member.name} has no ${settings.address} address yet (it is ${member.status})`, {
      suggestions: ['wait for it: velda-do pool up --wait, or velda-do pool list to watch', ...(settings.address === 'public' ? ['or --private for its VPC address'] : [])],
    })
  }
  return {hostKeyAlias: hostKeyAlias(member, settings.simulator), host, user: settings.user, port: settings.port, identityFile: settings.identityFile}
}
