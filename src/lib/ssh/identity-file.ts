import {statSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

import {UsageError} from '../base/errors.js'
import {fileKind} from '../system/file-kind.js'

/**
 * `-i PATH` is refused unless it is a regular file (as config files are): ssh opens the key, and its `.pub` and
 * `-cert.pub` beside it, with a blocking open, so a FIFO there hangs velda-do with no timeout, and a directory or
 * device only fails later with a less clear message. A path that does not exist is left to ssh (it says so and
 * tries the operator's other keys). `~/` is ssh's own expansion of a quoted path: the same file is checked.
 *
 * ssh expands more in an IdentityFile than `~/`: `~user/`, `%` tokens (`%d`, `%u`, `%h`, `%%`, ...) and `${VAR}`.
 * Those name a file velda-do cannot check without redoing ssh's expansion (a FIFO named that way would get
 * through), so they are refused: the path is to be given as it is. `given` names where the path came from.
 */
export function checkIdentityFile(path: string, env: Readonly<Record<string, string | undefined>>, given = `-i/--identity-file ${path}`): void {
  const expanded = sshExpansion(path)
  if (expanded !== null) {
    throw new UsageError(`${given}: ssh would expand ${expanded} in it, which velda-do does not check`, {
      suggestions: ['give the path of the key file as it is, without ~user/, % tokens or ${VAR} (ssh -i ~/.ssh/id_ed25519, or the full path)'],
    })
  }
  const file = path.startsWith('~/') ? join(env.HOME || homedir(), path.slice(2)) : path
  for (const candidate of [file, `${file}.pub`, `${file}-cert.pub`]) {
    let stats
    try {
      stats = statSync(candidate)
    } catch {
      continue
    }
    if (stats.isFile()) continue
    throw new UsageError(`${given}: ${candidate} is ${fileKind(stats)}, not a regular file (ssh would wait on it, or fail)`, {
      suggestions: ['give the path of the private key file itself (ssh -i takes a file; an ssh agent needs no -i)'],
    })
  }
}

/** What ssh would expand in an IdentityFile besides `~/`, named; null when nothing. */
function sshExpansion(path: string): string | null {
  if (path.startsWith('~') && !path.startsWith('~/')) return `"${path.split('/')[0]}" (another user's home, or ~ alone)`
  if (path.includes('%')) return 'its % tokens'
  if (path.includes('${')) return 'its ${VAR}'
  return null
}
