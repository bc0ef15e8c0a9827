import {writeFileSync} from 'node:fs'

import {UsageError} from '../errors.js'

/** Writes a command's output file; `private` files (holding secrets) are readable by their owner only. */
export function writeOutputFile(path: string, content: string, options: {private: boolean}): void {
  try {
    writeFileSync(path, content, {encoding: 'utf8', mode: options.private ? 0o600 : 0o644})
  } catch (error) {
    throw new UsageError(`cannot write ${path}: ${(error as Error).message}`, {suggestions: ['check that the directory exists and is writable']})
  }
}
