import type {SshSettings} from './command.js'
import {checkIdentityFile} from './identity-file.js'
import {prepareKnownHosts} from './known-hosts.js'
import {requireSsh} from './ssh-program.js'

export type AddressKind = 'public' | 'private' | 'tailnet'

/** How pool status, pool logs, pool ssh and --wait-for agent reach the members. */
export interface ProbeSettings {
  ssh: SshSettings
  /** Which simulator the members belong to (their host keys are named by it), or null for DigitalOcean. */
  simulator: string | null
  user: string
  port: number | null
  identityFile: string | null
  /** Which address of a member to dial: public, private (VPC), or its name on the tailnet (MagicDNS). */
  address: AddressKind
  parallel: number
  timeoutMs: number
}

/** The SSH flags of pool status and --wait-for agent, as the probe takes them. */
export interface SshFlagValues {
  'ssh-user': string
  'identity-file'?: string
  'ssh-port'?: number
  private?: boolean
  tailnet?: boolean
}

/** `endpoint`: the API the members were listed from, which decides where their host keys are kept. */
export function probeSettings(flags: SshFlagValues, options: {env: Readonly<Record<string, string | undefined>>; endpoint: string; parallel: number; timeoutMs: number}): ProbeSettings {
  // Before anything is sent: without ssh every member would look as if its command had failed (127).
  requireSsh(options.env)
  const {knownHosts, simulator} = prepareKnownHosts(options.env, options.endpoint)
  if (flags['identity-file'] !== undefined) checkIdentityFile(flags['identity-file'], options.env)
  return {
    ssh: {knownHosts, connectTimeoutSeconds: Math.max(1, Math.floor(options.timeoutMs / 1000)), batch: true},
    simulator,
    user: flags['ssh-user'],
    port: flags['ssh-port'] ?? null,
    identityFile: flags['identity-file'] ?? null,
    address: flags.tailnet ? 'tailnet' : flags.private ? 'private' : 'public',
    parallel: options.parallel,
    timeoutMs: options.timeoutMs,
  }
}
