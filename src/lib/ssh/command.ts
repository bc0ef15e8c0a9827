import {sshConfigValue} from './known-hosts.js'

/**
 * How velda-do runs the system OpenSSH client against a pool member: the operator's keys, agent and ~/.ssh/config
 * keep working, and velda-do adds only what it must. Pure: the argv is built here and run elsewhere.
 */
export interface SshTarget {
  /** The name of its host key, by droplet (known-hosts.ts, hostKeyAlias; see HostKeyAlias below). */
  hostKeyAlias: string
  host: string
  user: string
  port: number | null
  identityFile: string | null
}

export interface SshSettings {
  /** velda-do's own known_hosts for pool members (knownHostsFile, or simulatorKnownHostsFile). */
  knownHosts: string
  connectTimeoutSeconds: number
  /** Without a terminal nothing may prompt (a passphrase, a new host key): it fails instead. */
  batch: boolean
}

/**
 * The argv of `ssh` for one member:
 * - `HostKeyAlias=velda-droplet-<id>` (hostKeyAlias): a member's key is remembered by droplet, not by address. DigitalOcean reuses
 *   addresses, so a new droplet on an old address is a new host, not a changed key; a changed key for the same
 *   droplet is a real warning and is reported as such.
 * - `StrictHostKeyChecking=accept-new` into velda-do's own known_hosts: the first contact with a new droplet is
 *   trusted and recorded (velda-do says so), a changed key is refused. Checking is never turned off. The path is
 *   quoted as ssh's config syntax wants (sshConfigValue): a space or `%` in it must not name another file.
 * - `BatchMode=yes` unless at a terminal: CI never hangs on a prompt.
 */
export function sshArgs(target: SshTarget, settings: SshSettings, remoteCommand: readonly string[] = []): string[] {
  return [
    '-o', `HostKeyAlias=${target.hostKeyAlias}`,
    '-o', 'StrictHostKeyChecking=accept-new',
    '-o', `UserKnownHostsFile=${sshConfigValue(settings.knownHosts)}`,
    '-o', `ConnectTimeout=${settings.connectTimeoutSeconds}`,
    ...(settings.batch ? ['-o', 'BatchMode=yes'] : []),
    ...(target.port === null ? [] : ['-p', String(target.port)]),
    ...(target.identityFile === null ? [] : ['-i', target.identityFile]),
    '-l', target.user,
    '--',
    target.host,
    ...remoteCommand,
  ]
}
