// Runs a CommonJS bundle with V8's code cache, which Node 20 offers no switch for (module.enableCompileCache came in
// Node 22.1, and only for what Node's own loaders compile). Compiling dist/oclif-core.cjs, and compiling again each
// function it calls while a command starts, was a third of a cold start; from the cache both take a fraction.
//
// The cache lives in a directory of the user's own under the temp directory, like Node's compile cache, one file
// per bundle, Node version and bundle file (size, mtime and inode: npm gives every file of a package the same
// mtime). V8 refuses data made by another V8 or under other flags and then compiles as without a cache. Reading or
// writing the cache never fails a command: without a usable directory it is simply not used.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off, as it does Node's.
import {closeSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'
import {Script} from 'node:vm'

/** What the bundle's wrapper passes in: its require, and import() of the ES module that loads it. */
export interface BundleScope {
  require: NodeJS.Require
  importModule: (specifier: string) => Promise<unknown>
}

function cacheDirectory(): string | undefined {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined
  const uid = process.getuid?.()
  const dir = join(tmpdir(), `velda-do-compile-cache${uid === undefined ? '' : `-${uid}`}`)
  try {
    mkdirSync(dir, {recursive: true, mode: 0o700})
    const stat = lstatSync(dir)
    // Another user's directory, or one others may write to, could hand us code: leave it alone.
    if (!stat.isDirectory() || (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o022) !== 0))) return undefined
    return dir
  } catch {
    return undefined
  }
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
  const cachePath = dir && join(dir, `${basename(path)}-${process.version}-${process.arch}-${stat.size}-${Math.trunc(stat.mtimeMs)}-${stat.ino}.v8`)
  const cachedData = cachePath ? readOrUndefined(cachePath) : undefined
  // The bundle was built as an ES module's body: strict, with no __filename or __dirname of its own.
  const script = new Script(`(function (exports, require, module, __veldaImport) {'use strict';${source}\n})`, {filename: path, cachedData})
  if (cachePath && (!cachedData || script.cachedDataRejected)) {
    // At exit the cache holds the functions this run compiled as well, not just the bundle's top level.
    process.once('exit', () => {
      try {
        const temporary = `${cachePath}.${process.pid}.tmp`
        writeFileSync(temporary, script.createCachedData(), {mode: 0o600})
        renameSync(temporary, cachePath)
      } catch {
        // A full disk or a read-only temp directory: the next run compiles again.
      }
    })
  }
  const module = {exports: {}}
  script.runInThisContext()(module.exports, scope.require, module, scope.importModule)
  return module.exports
}
