import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, renameSync, rmSync} from 'node:fs'
import {join} from 'node:path'

import semver from 'semver'

import {PROJECT_ROOT} from './cli.js'
import {precondition} from './preconditions.js'

/** Kept between runs: a release of npm is 2.5 MB to download. */
const CACHE = join(PROJECT_ROOT, 'node_modules', '.cache', 'velda-do-test-npm')

/** The npm on PATH: its version, read once. */
let pathVersion: string | undefined

/**
 * The command line that runs an npm of the release range asked (`10.x`): the npm on PATH when it is one, else
 * `release` (an exact version) from the npm registry, the one registry this project may reach, unpacked once under
 * node_modules/.cache (npm's package holds every dependency it needs). Null when it cannot be fetched: the tests are
 * then skipped with the reason printed, or fail in CI (./preconditions.ts).
 */
export function npmRelease(range: string, release: string): string[] | null {
  pathVersion ??= execFileSync('npm', ['--version'], {encoding: 'utf8'}).trim()
  if (semver.satisfies(pathVersion, range)) return ['npm']
  const dir = join(CACHE, release)
  const cli = [process.execPath, join(dir, 'bin', 'npm-cli.js')]
  if (existsSync(cli[1] ?? '')) return cli
  try {
    mkdirSync(CACHE, {recursive: true})
    const work = mkdtempSync(join(CACHE, `.${release}-`))
    // Bounded: an offline machine must not hold the test worker for as long as npm keeps retrying.
    const tarball = execFileSync('npm', ['pack', `npm@${release}`, '--silent', '--fetch-retries', '1', '--pack-destination', work], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000}).trim().split('\n').at(-1) ?? ''
    execFileSync('tar', ['xzf', join(work, tarball), '-C', work, '--strip-components', '1'], {timeout: 60_000})
    rmSync(join(work, tarball))
    // Another test run may have unpacked the same release meanwhile: either copy will do.
    if (!existsSync(dir)) renameSync(work, dir)
    else rmSync(work, {recursive: true, force: true})
    return cli
  } catch (error) {
    precondition(`installing the package with npm ${range}`, `npm@${release} could not be fetched from the npm registry (${String(error).split('\n')[0]})`)
    return null
  }
}
