import {UsageError} from '../errors.js'
import type {PoolDroplet} from '../pool/membership.js'
import type {ProbeSettings} from '../pool/pool-status.js'
import {type SshTarget} from './command.js'

/** Where to reach a member: its public address, or its private one (`--private`); refused when it has none yet. */
export function memberTarget(member: PoolDroplet, settings: ProbeSettings): SshTarget {
  const host = settings.privateAddress ? member.private_ipv4 : member.public_ipv4
  if (host === null) {
    throw new UsageError(`${member.name} has no ${settings.privateAddress ? 'private' : 'public'} address yet (it is ${member.status})`, {
      suggestions: ['wait for it: velda-do pool up --wait, or velda-do pool list to watch', ...(settings.privateAddress ? [] : ['or --private for its VPC address'])],
    })
  }
  return {dropletId: member.id, host, user: settings.user, port: settings.port, identityFile: settings.identityFile}
}
