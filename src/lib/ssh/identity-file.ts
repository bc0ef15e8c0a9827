import {statSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

import {UsageError} from '../errors.js'
import {fileKind} from '../file-kind.js'

/**
 * `-i PATH` is refused unless it is a regular file (as config files are): ssh opens the key, and its `.pub` and
 * `-cert.pub` beside it, with a blocking open, so a FIFO there hangs velda-do with no timeout, and a directory or
 * device only fails later with a less clear message. A path that does not exist is left to ssh (it says so and
 * tries the operator's other keys). `~/` is ssh's own expansion of a quoted path: the same file is checked.
 */
export function checkIdentityFile(path: string, env: Readonly<Record<string, string | undefined>>): void {
  const file = path.startsWith('~/') ? join(env.HOME || homedir(), path.slice(2)) : path
  for (const candidate of [file, `${file}.pub`, `${file}-cert.pub`]) {
    let stats
    try {
      stats = statSync(candidate)
    } catch {
      continue
    }
    if (stats.isFile()) continue
    throw new UsageError(`-i/--identity-file ${path}: ${candidate} is ${fileKind(stats)}, not a regular file (ssh would wait on it, or fail)`, {
      suggestions: ['give the path of the private key file itself (ssh -i takes a file; an ssh agent needs no -i)'],
    })
  }
}
