import {ExitCode, VeldaError} from '../base/errors.js'
import {shellQuote} from '../text/shell.js'
import {classifySshFailure, type SshFailure, sshFailureLine} from './failure.js'
import type {SshRun} from './run.js'

/** ssh could not run the command on a member (exit 255, or our timeout): the member's state, and ssh's reason. */
export class SshFailedError extends VeldaError {
  readonly exitCode = ExitCode.api
  readonly code = 'ssh_failed'
  readonly state: SshFailure

  /** `hostKey`: the member's host key, by name and file, for the command that forgets a changed one; `pool`: its pool. */
  constructor(member: string, run: SshRun, hostKey: {hostKeyAlias: string; knownHosts: string}, pool: string) {
    const state = run.timedOut ? 'timeout' : classifySshFailure(run.stderr)
    super(`ssh to ${member} failed (${state}): ${run.timedOut ? 'no answer in time' : sshFailureLine(run.stderr)}`, {suggestions: suggestionsFor(state, hostKey, pool)})
    this.state = state
  }

  override details(): Record<string, unknown> {
    return {state: this.state}
  }
}

function suggestionsFor(state: SshFailure, hostKey: {hostKeyAlias: string; knownHosts: string}, pool: string): string[] {
  if (state === 'host-key-changed') {
    return [`the member's host key changed since velda-do first saw it: if you trust the change (the droplet was rebuilt), forget the old one: ssh-keygen -R ${hostKey.hostKeyAlias} -f ${shellQuote(hostKey.knownHosts)}`]
  }
  return sshFailureFixes(state, pool) ?? [`velda-do pool status ${pool} shows every member`]
}

/**
 * What to change when ssh could not log in to a member, or reach it: the same for pool status, pool logs, pool ssh
 * and --wait-for agent, which all log in the same way (`pool`: its name, when known). Null for the states these do not cover.
 */
export function sshFailureFixes(state: SshFailure, pool = 'POOL'): string[] | null {
  switch (state) {
    case 'auth-failed':
      // Not pool logs or pool ssh: they log in the same way and fail the same.
      return [
        'log in as the right user with the right key: --ssh-user USER (root on DigitalOcean images) and -i PATH (the private key of one of the ssh_key_ids), or your ssh agent',
        'or once for the shell: export VELDA_DO_SSH_USER=USER VELDA_DO_IDENTITY_FILE=PATH',
      ]
    case 'refused':
    case 'timeout':
    case 'unreachable':
      return [`is the droplet up and is sshd listening? velda-do pool list ${pool} shows its status`, 'sshd on another port: --ssh-port PORT (or VELDA_DO_SSH_PORT); over a VPC: --private']
    default:
      return null
  }
}
