import type {ProbeSettings} from '../pool/pool-status.js'
import {prepareKnownHosts} from './known-hosts.js'

/** The SSH flags of pool status and --wait-for agent, as the probe takes them. */
export interface SshFlagValues {
  'ssh-user': string
  'identity-file'?: string
  'ssh-port'?: number
  private?: boolean
  tailnet?: boolean
}

export function probeSettings(flags: SshFlagValues, options: {env: Readonly<Record<string, string | undefined>>; parallel: number; timeoutMs: number}): ProbeSettings {
  return {
    ssh: {knownHosts: prepareKnownHosts(options.env), connectTimeoutSeconds: Math.max(1, Math.floor(options.timeoutMs / 1000)), batch: true},
    user: flags['ssh-user'],
    port: flags['ssh-port'] ?? null,
    identityFile: flags['identity-file'] ?? null,
    address: flags.tailnet ? 'tailnet' : flags.private ? 'private' : 'public',
    parallel: options.parallel,
    timeoutMs: options.timeoutMs,
  }
}
