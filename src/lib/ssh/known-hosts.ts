import {mkdirSync} from 'node:fs'
import {homedir} from 'node:os'
import {dirname, join} from 'node:path'

type Environment = Readonly<Record<string, string | undefined>>

/**
 * velda-do's own known_hosts for pool members: `$XDG_STATE_HOME/velda-do/known_hosts`, else
 * `~/.local/state/velda-do/known_hosts`. Apart from ~/.ssh/known_hosts, so that pool members (keyed by droplet
 * id, see sshArgs) never mix with the operator's other hosts.
 */
export function knownHostsFile(env: Environment): string {
  const state = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state')
  return join(state, 'velda-do', 'known_hosts')
}

/** The file's path, its directory made (private to the user) if missing. */
export function prepareKnownHosts(env: Environment): string {
  const file = knownHostsFile(env)
  mkdirSync(dirname(file), {recursive: true, mode: 0o700})
  return file
}
