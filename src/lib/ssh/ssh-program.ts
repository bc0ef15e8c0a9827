import {accessSync, constants, statSync} from 'node:fs'
import {delimiter, isAbsolute, join, resolve} from 'node:path'

import {UsageError} from '../base/errors.js'

/** What velda-do says when there is no ssh to run: the commands that reach members need the system's client. */
export const SSH_NOT_FOUND = 'ssh (the OpenSSH client) was not found on PATH: install openssh-client'

/** Whether `file` is a regular file this process may execute. */
export function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK)
    return statSync(file).isFile()
  } catch {
    return false
  }
}

/** The folders a shell searches when PATH is not set at all (`env -i`, some cron set-ups): dash's own default. */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

/**
 * Where `program` would be found as exec does: a name with a slash as it is; otherwise in each folder of `path` in
 * turn (an empty entry being the current folder; no PATH at all, the shell's default folders). null when none is there.
 */
export function findOnPath(program: string, path: string | undefined, executable: (file: string) => boolean = isExecutableFile): string | null {
  if (program.includes('/')) return executable(program) ? program : null
  for (const folder of (path ?? DEFAULT_PATH).split(delimiter)) {
    const file = isAbsolute(folder) ? join(folder, program) : resolve(folder, program)
    if (executable(file)) return file
  }
  return null
}

/**
 * Checked before anything is sent by pool status, pool logs, pool ssh and --wait-for agent: without an ssh on PATH
 * each member's run would end as the shell's `exec: ssh: not found` (127), shown as the remote command's result.
 */
export function requireSsh(env: Readonly<Record<string, string | undefined>>, executable?: (file: string) => boolean): void {
  if (findOnPath('ssh', env.PATH, executable) !== null) return
  throw new UsageError(SSH_NOT_FOUND, {suggestions: ['apt-get install openssh-client (or your system\'s package of it), or add the folder holding ssh to PATH']})
}

/**
 * The program and arguments that start ssh with SIGINT and SIGHUP ignored (see follow.ts for why). An ssh that is
 * not there ends it with 255 (ssh's own failure code) and says so, instead of the shell's 127, which would read as
 * the remote command's exit code; requireSsh has said it before anything was sent, this is the second line.
 */
export function sshSpawnArgs(ssh: string, args: readonly string[]): [string, string[]] {
  const notFound = `velda-do: $1${SSH_NOT_FOUND.slice('ssh'.length)}`
  const script = `trap "" INT HUP; command -v "$1" >/dev/null 2>&1 || { printf '%s\\n' "${notFound}" >&2; exit 255; }; exec "$@"`
  return ['/bin/sh', ['-c', script, 'sh', ssh, ...args]]
}
