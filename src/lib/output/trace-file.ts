import {closeSync, constants, fchmodSync, fstatSync, openSync, writeSync} from 'node:fs'

import {UsageError} from '../base/errors.js'
import {fileKind} from '../system/file-kind.js'
import {lstatOrNull} from '../system/private-dir.js'

/** `$VELDA_DO_TRACE=FILE`: the trace as JSON lines, for a bug report (docs/do-api.md "Traces"). */
export const TRACE_ENV_VAR = 'VELDA_DO_TRACE'

const PRIVATE_MODE = 0o600

/** An open trace file: lines are appended as they come, each whole (one write), in the order told. */
export interface TraceFile {
  /** Appends one line (a newline is added); a write that fails stops the file and is told once to `onError`. */
  append(line: string): void
  close(): void
}

/**
 * Opens `path` for the trace: a new file is created with mode 0600 (O_EXCL: never one that appeared meanwhile); an
 * existing one is appended to only if it is a regular file of this user's with no access for group or others (a
 * trace of an earlier run, say). A symlink at the path is never followed (O_NOFOLLOW), a FIFO or a device never
 * opened for writing (O_NONBLOCK, then checked): the trace holds what DigitalOcean answered about the account, so it
 * goes only where the user alone reads it. Refused (exit 2) with what to do otherwise.
 */
export function openTraceFile(path: string, onError: (message: string) => void): TraceFile {
  const fd = openPrivately(path)
  let broken = false
  let closed = false
  return {
    append(line) {
      if (broken || closed) return
      try {
        const bytes = Buffer.from(`${line}\n`, 'utf8')
        for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written)
      } catch (error) {
        broken = true
        onError(`$${TRACE_ENV_VAR}: cannot write ${path}: ${(error as Error).message}; the trace stops here`)
      }
    },
    close() {
      if (closed) return
      closed = true
      closeSync(fd)
    },
  }
}

function openPrivately(path: string): number {
  const refuse = (why: string, fix: string) => new UsageError(`$${TRACE_ENV_VAR} is ${JSON.stringify(path)}: ${why}`, {suggestions: [fix, `or unset ${TRACE_ENV_VAR}`]})
  const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW | constants.O_NONBLOCK
  let fd: number
  let created = true
  try {
    fd = openSync(path, flags | constants.O_CREAT | constants.O_EXCL, PRIVATE_MODE)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'EEXIST') throw refuse(`cannot create it (${(error as Error).message})`, 'give the path of a file in a directory you can write')
    created = false
    try {
      fd = openSync(path, flags)
    } catch (openError) {
      const stats = lstatOrNull(path)
      if (stats?.isSymbolicLink() || (openError as NodeJS.ErrnoException).code === 'ELOOP') throw refuse('it is a symbolic link, and a trace is never written through one', 'give the path of the file itself, or a new one')
      if (stats && !stats.isFile()) throw refuse(`it is ${fileKind(stats)}: a trace is written only to a regular file`, 'give the path of a new file')
      throw refuse(`cannot open it (${(openError as Error).message})`, 'give the path of a new file')
    }
  }
  try {
    const stats = fstatSync(fd)
    if (!stats.isFile()) throw refuse(`it is ${fileKind(stats)}: a trace is written only to a regular file`, 'give the path of a new file')
    if (created) fchmodSync(fd, PRIVATE_MODE)
    else if (typeof process.getuid === 'function' && stats.uid !== process.getuid()) throw refuse('it belongs to another user', 'give the path of a new file')
    else if ((stats.mode & 0o077) !== 0) throw refuse(`its mode is ${(stats.mode & 0o777).toString(8)}: others could read what is appended`, `chmod 600 ${path}, or give the path of a new file`)
    return fd
  } catch (error) {
    closeSync(fd)
    throw error
  }
}
