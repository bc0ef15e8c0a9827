import {ExitCode, VeldaError} from '../base/errors.js'
import {shellQuote} from '../text/shell.js'
import {classifySshFailure, type SshFailure, sshFailureLine} from './failure.js'
import type {SshRun} from './run.js'

/** ssh could not run the command on a member (exit 255, or our timeout): the member's state, and ssh's reason. */
export class SshFailedError extends VeldaError {
  readonly exitCode = ExitCode.api
  readonly code = 'ssh_failed'
  readonly state: SshFailure

  /** `hostKey`: the member's host key, by name and file, for the command that forgets a changed one. */
  constructor(member: string, run: SshRun, hostKey: {hostKeyAlias: string; knownHosts: string}) {
    const state = run.timedOut ? 'timeout' : classifySshFailure(run.stderr)
    super(`ssh to ${member} failed (${state}): ${run.timedOut ? 'no answer in time' : sshFailureLine(run.stderr)}`, {suggestions: suggestionsFor(state, hostKey)})
    this.state = state
  }

  override details(): Record<string, unknown> {
    return {state: this.state}
  }
}

function suggestionsFor(state: SshFailure, hostKey: {hostKeyAlias: string; knownHosts: string}): string[] {
  switch (state) {
    case 'host-key-changed':
      return [`the member's host key changed since velda-do first saw it: if you trust the change (the droplet was rebuilt), forget the old one: ssh-keygen -R ${hostKey.hostKeyAlias} -f ${shellQuote(hostKey.knownHosts)}`]
    case 'auth-failed':
      return ['check --ssh-user (root on DigitalOcean images) and the key: -i PATH, or your ssh agent']
    case 'refused':
    case 'timeout':
    case 'unreachable':
      return ['is the droplet up and is sshd running? velda-do pool status shows every member', 'over a VPC, try --private']
    default:
      return ['velda-do pool status shows every member']
  }
}
