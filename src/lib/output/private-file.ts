import {randomBytes} from 'node:crypto'
import {closeSync, fchmodSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'

import {UsageError} from '../base/errors.js'
import {fileKind} from '../system/file-kind.js'
import {lstatOrNull} from '../system/private-dir.js'

const PRIVATE_MODE = 0o600

/**
 * Writes a file that holds secrets so that only its owner can ever read it. The content goes to a new 0600 file
 * beside the target (created with O_EXCL, so nothing already there is reused), which then replaces the target:
 * an existing file does not keep its wider mode, and a symlink is replaced, not followed to wherever it points.
 */
export function writePrivateFile(path: string, content: string): void {
  refuseSpecialTarget(path)
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    writeNewFile(temporary, content)
    renameSync(temporary, path)
  } catch (error) {
    removeQuietly(temporary)
    throw new UsageError(`cannot write ${path}: ${(error as Error).message}`, {suggestions: ['check that the directory exists and is writable']})
  }
}

/** A FIFO or a device would pass the secret on to whoever reads it; a directory cannot be replaced by a file. */
function refuseSpecialTarget(path: string): void {
  const stats = lstatOrNull(path)
  if (!stats || stats.isFile() || stats.isSymbolicLink()) return
  throw new UsageError(`${path} is ${fileKind(stats)}: a file holding secrets is only written as a regular file`, {
    suggestions: ['give --output-file the path of a regular file (it is created, or replaced, with mode 0600)'],
  })
}

function writeNewFile(path: string, content: string): void {
  const fd = openSync(path, 'wx', PRIVATE_MODE)
  try {
    // The umask may only narrow the mode given to open; set it exactly.
    fchmodSync(fd, PRIVATE_MODE)
    const bytes = Buffer.from(content, 'utf8')
    for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path)
  } catch {
    // Not created, or already renamed: nothing to clean up.
  }
}
