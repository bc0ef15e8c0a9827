import {mkdirSync} from 'node:fs'
import {homedir} from 'node:os'
import {dirname, join, resolve} from 'node:path'

import {isLoopbackHost} from '../net/loopback.js'
import {UsageError} from '../base/errors.js'

type Environment = Readonly<Record<string, string | undefined>>

/**
 * velda-do's own known_hosts for pool members: `$XDG_STATE_HOME/velda-do/known_hosts`, else
 * `~/.local/state/velda-do/known_hosts`. Apart from ~/.ssh/known_hosts, so that pool members (keyed by droplet
 * id, see hostKeyAlias) never mix with the operator's other hosts.
 */
export function knownHostsFile(env: Environment): string {
  // Absolute: ssh would read a leading ~ of a relative path as a home directory.
  const state = resolve(env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state'))
  return join(state, 'velda-do', 'known_hosts')
}

/**
 * The simulator's hosts, apart from real droplets: a simulator started again hands out the same droplet ids (its
 * seed) with new host keys, which in the real file would show every member as host-key-changed.
 */
export function simulatorKnownHostsFile(env: Environment): string {
  return `${knownHostsFile(env)}.simulator`
}

/** Where a member's host key is kept and under which name (see hostKeyAlias). */
export interface HostKeyPlace {
  knownHosts: string
  /** Which simulator (its address, `127.0.0.1-8080`), or null for DigitalOcean. */
  simulator: string | null
}

/**
 * The place for the members of the API at `endpoint`, its directory made (private to the user) if missing. An
 * endpoint on this machine (127.0.0.0/8, ::1, localhost) is taken for a simulator: DigitalOcean is never there,
 * and should it be a local proxy to DigitalOcean, its droplets' keys are pinned all the same, only in the other file.
 */
export function prepareKnownHosts(env: Environment, endpoint: string): HostKeyPlace {
  const url = new URL(endpoint)
  const simulator = isLoopbackHost(url.hostname) ? `${url.hostname.replace(/[[\]]/g, '').replaceAll(':', '.')}-${url.port || (url.protocol === 'https:' ? '443' : '80')}` : null
  const knownHosts = simulator === null ? knownHostsFile(env) : simulatorKnownHostsFile(env)
  const unwritable = unwritableInSsh(knownHosts)
  if (unwritable) {
    throw new UsageError(`velda-do's known_hosts path ${JSON.stringify(knownHosts)} has ${unwritable}: ssh cannot be given it, and host keys would go unchecked`, {
      suggestions: ['set XDG_STATE_HOME (or HOME) to a path without one'],
    })
  }
  mkdirSync(dirname(knownHosts), {recursive: true, mode: 0o700})
  return {knownHosts, simulator}
}

/**
 * What in a path ssh cannot be given in its config syntax (see sshConfigValue), or null: a control character, `${`
 * (expanded as an environment variable), and `"` or `\`, which only OpenSSH 8.7 and later read escaped inside a
 * quoted value: older ones end the value at the `"` or keep the `\`, and name another file.
 */
function unwritableInSsh(path: string): string | null {
  if (/\p{Cc}/u.test(path)) return 'a control character (a line break?)'
  if (path.includes('${')) return '"${", which ssh expands as an environment variable'
  if (path.includes('"')) return 'a double quote, which OpenSSH before 8.7 cannot read in an option'
  if (path.includes('\\')) return 'a backslash, which OpenSSH before 8.7 cannot read in an option'
  return null
}

/**
 * The name a member's host key is kept under: by droplet, not by address (DigitalOcean reuses addresses, never
 * droplet ids). A simulator's droplet is named by the simulator and its creation time too: the same seed gives
 * the same ids in every session, each session's droplets are other hosts.
 */
export function hostKeyAlias(member: {id: number; created_at: string}, simulator: string | null): string {
  if (simulator === null) return `velda-droplet-${member.id}`
  // Digits only (20261204150405): ssh lowercases the name it looks up, and ssh-keygen -R takes it as written.
  return `velda-sim-${simulator}-droplet-${member.id}-${member.created_at.replace(/\D/g, '')}`
}

/**
 * A value for `ssh -o Key=VALUE`: ssh splits the option at spaces (UserKnownHostsFile takes several files) unless
 * double-quoted, and expands `%` tokens in UserKnownHostsFile (`%%` is a `%`; OpenSSH 8.4 and later: before it
 * the `%%` stays as written). Unquoted, a path with a space or `%` named other files, and host keys went unchecked
 * or unrecorded. A `"` or `\` cannot be written for every OpenSSH (escapes need 8.7): such a path is refused
 * before (prepareKnownHosts), and never reaches here.
 */
export function sshConfigValue(value: string): string {
  if (/["\\]/.test(value)) throw new RangeError(`an ssh option value cannot hold " or \\ for every OpenSSH: ${JSON.stringify(value)}`)
  return `"${value.replaceAll('%', '%%')}"`
}
