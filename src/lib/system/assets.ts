import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

/**
 * A file of the installed package's assets/ folder. Found by walking up from this module, because this code runs
 * both from src/ (tests) and bundled into dist/commands/ (the CLI), at different depths.
 */
export function assetPath(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(dir, 'assets', name)
    if (existsSync(candidate)) return candidate
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`velda-do's asset ${name} is missing: reinstall velda-do`)
    dir = parent
  }
}
