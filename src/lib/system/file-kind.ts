import type {Stats} from 'node:fs'

/** What a path that is not a regular file is, for messages that refuse it: "is a pipe (FIFO), not a regular file". */
export function fileKind(stats: Stats): string {
  if (stats.isFile()) return 'a regular file'
  if (stats.isDirectory()) return 'a directory'
  if (stats.isFIFO()) return 'a pipe (FIFO)'
  if (stats.isSocket()) return 'a socket'
  if (stats.isSymbolicLink()) return 'a symbolic link'
  return 'a device'
}
