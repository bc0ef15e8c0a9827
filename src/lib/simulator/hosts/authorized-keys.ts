import {readdirSync, readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

import {UsageError} from '../../base/errors.js'

/** The keys the simulated hosts let in: the file given, else the user's own public keys (~/.ssh/id_*.pub). */
export function readAuthorizedKeys(path: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  if (path) {
    try {
      return readFileSync(path, 'utf8')
    } catch (error) {
      throw new UsageError(`--authorized-keys ${path}: ${(error as Error).message}`)
    }
  }
  const dir = join(env.HOME || homedir(), '.ssh')
  let keys: string[] = []
  try {
    keys = readdirSync(dir).filter((name) => /^id_.*\.pub$/.test(name)).map((name) => readFileSync(join(dir, name), 'utf8'))
  } catch {
    // No ~/.ssh: said below.
  }
  if (keys.length === 0) {
    throw new UsageError(`--ssh-hosts: no public key in ${dir} to let in`, {suggestions: ['make one: ssh-keygen -t ed25519', 'or give one: --authorized-keys PATH']})
  }
  return keys.join('')
}
