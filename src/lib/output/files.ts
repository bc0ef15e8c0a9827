import {writeFileSync} from 'node:fs'

import {UsageError} from '../base/errors.js'
import {writePrivateFile} from './private-file.js'

/**
 * Writes a command's output file. A `private` file (holding secrets) is always a new regular file of mode 0600
 * that replaces the target (see writePrivateFile); any other is written in place, as `>` in a shell would:
 * created 0644 (less the umask), an existing file keeps its mode.
 */
export function writeOutputFile(path: string, content: string, options: {private: boolean}): void {
  if (options.private) {
    writePrivateFile(path, content)
    return
  }
  try {
    writeFileSync(path, content, {encoding: 'utf8', mode: 0o644})
  } catch (error) {
    throw new UsageError(`cannot write ${path}: ${(error as Error).message}`, {suggestions: ['check that the directory exists and is writable']})
  }
}
