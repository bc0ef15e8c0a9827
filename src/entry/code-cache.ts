// Runs a CommonJS bundle with V8's code cache, which Node 20 offers no switch for (module.enableCompileCache came in
// Node 22.1, and only for what Node's own loaders compile). Compiling dist/oclif-core.cjs, and compiling again each
// function it calls while a command starts, was a third of a cold start; from the cache both take a fraction.
//
// The cache lives in a directory of the user's own under the temp directory, like Node's compile cache, one file
// per bundle file (its path, size, mtime and inode: npm gives every file of a package the same mtime) and Node
// version; writing one removes the bundle's older ones. V8 refuses data made by another V8 or under other flags and then compiles as without a cache. Reading or
// writing the cache never fails a command: without a usable directory it is simply not used.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off, as it does Node's.
import {closeSync, fstatSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'
import {Script} from 'node:vm'

import {preparePrivateDirectory} from '../lib/system/private-dir.js'

/** The names the bundle's wrapper function declares, and their values (require, exports and module come on top). */
export type BundleScope = {require: NodeJS.Require} & Record<string, unknown>

// One exit listener for every bundle whose cache is to be written (the tests load every command in one process).
const pending: (() => void)[] = []

function cacheDirectory(): string | undefined {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined
  const uid = process.getuid?.()
  const dir = join(tmpdir(), `velda-do-compile-cache${uid === undefined ? '' : `-${uid}`}`)
  try {
    // Another user's directory, or one others may write to, could hand us code: leave it alone, silently.
    return preparePrivateDirectory(dir) === null ? dir : undefined
  } catch {
    return undefined
  }
}

/** A short name for a path, so that bundles of the same file name (and their caches) stay apart. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193)
  return (hash >>> 0).toString(16)
}

function readOrUndefined(path: string): Buffer | undefined {
  try {
    return readFileSync(path)
  } catch {
    return undefined
  }
}

/** Runs the CommonJS file at `path` (an absolute path) and returns its module.exports. */
export function runWithCodeCache(path: string, scope: BundleScope): unknown {
  const fd = openSync(path, 'r')
  let source: string
  let stat
  try {
    stat = fstatSync(fd)
    source = readFileSync(fd, 'utf8')
  } finally {
    closeSync(fd)
  }
  const dir = cacheDirectory()
  const bundle = `${basename(path)}-${fnv1a(path)}-`
  const cachePath = dir && join(dir, `${bundle}${process.version}-${process.arch}-${stat.size}-${Math.trunc(stat.mtimeMs)}-${stat.ino}.v8`)
  const cachedData = cachePath ? readOrUndefined(cachePath) : undefined
  const {require, ...rest} = scope
  const names = Object.keys(rest)
  // The bundle was built as an ES module's body: strict, with no __filename or __dirname of its own.
  const script = new Script(`(function (exports, require, module, ${names.join(', ')}) {'use strict';${source}\n})`, {filename: path, cachedData})
  if (cachePath && (!cachedData || script.cachedDataRejected)) {
    // At exit the cache holds the functions this run compiled as well, not just the bundle's top level.
    if (pending.length === 0) process.once('exit', () => pending.forEach((write) => write()))
    pending.push(() => {
      try {
        const temporary = `${cachePath}.${process.pid}.tmp`
        writeFileSync(temporary, script.createCachedData(), {mode: 0o600})
        renameSync(temporary, cachePath)
        // The caches of this bundle's earlier builds, or of another Node, would only take up space.
        for (const name of readdirSync(dir)) if (name.startsWith(bundle) && join(dir, name) !== cachePath) rmSync(join(dir, name), {force: true})
      } catch {
        // A full disk or a read-only temp directory: the next run compiles again.
      }
    })
  }
  const module = {exports: {}}
  script.runInThisContext()(module.exports, require, module, ...names.map((name) => rest[name]))
  return module.exports
}
