import {statSync} from 'node:fs'
import {userInfo} from 'node:os'
import {resolve} from 'node:path'

import {shellWord} from '../../text/shell.js'

/**
 * How velda-do reaches the hosts, as the variables the pool commands read (docs/cli.md, "Where settings come from"):
 * their port; the user, who is whoever runs the simulator (each host's sshd runs as them; `$USER` may be unset);
 * and the private key beside `--authorized-keys KEY.pub` when there is one (without, ssh tries ~/.ssh/id_* itself).
 */
export function hostsExports(port: number, authorizedKeys: string | undefined): string[] {
  const user = loginName()
  const key = authorizedKeys?.endsWith('.pub') ? resolve(authorizedKeys.slice(0, -'.pub'.length)) : null
  return [
    `# droplets answer ssh on port ${port} of their 127.1.x.y address; with these, the pool commands reach them:`,
    `export VELDA_DO_SSH_PORT=${port}`,
    ...(user === null ? [] : [`export VELDA_DO_SSH_USER=${shellWord(user)}`]),
    ...(key !== null && isRegularFile(key) ? [`export VELDA_DO_IDENTITY_FILE=${shellWord(key)}`] : []),
  ]
}

/** The name of the user this process runs as, null when the system has none for it (a uid with no passwd entry). */
function loginName(): string | null {
  try {
    return userInfo().username || null
  } catch {
    return null
  }
}

function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}
