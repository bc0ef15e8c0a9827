import {execFileSync, spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, watch, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {inject} from 'vitest'

import {cleanEnv, PROJECT_ROOT} from '../support/cli.js'

export interface CliRun {
  status: number | null
  stdout: string
  stderr: string
}

/**
 * Packs the built velda-do with `npm pack` (npm test builds first) and installs the tarball into a fresh prefix, as a user would: the tests then run
 * the installed binary, with only the files the package ships and the dependencies npm resolves for it.
 */
export interface InstalledCli {
  /** The installed `velda-do` command. */
  bin: string
  /** The prefix it was installed into (`npm ls` runs there). */
  prefix: string
  /** The package's own directory: prefix/node_modules/velda-do. */
  root: string
  /** The files of the tarball, as `npm pack` lists them. */
  files: string[]
  tarball: string
}

/**
 * The package as installed for this test run: the first test file to ask packs and installs it, the others wait
 * for it (a file appearing, watched, not polled). npm pack and install take 4 s of CPU; four files need them.
 */
export async function installedCli(): Promise<InstalledCli> {
  const shared = inject('installDir')
  try {
    mkdirSync(join(shared, 'claimed'))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    // Another file installs it: its outcome, a success or the error that stopped it, is this one's too.
    const outcome = JSON.parse(await fileOnceWritten(shared, OUTCOME)) as {installed: InstalledCli} | {error: string}
    if ('error' in outcome) throw new Error(`installing the packed CLI failed in another test file: ${outcome.error}`)
    return outcome.installed
  }
  let outcome: {installed: InstalledCli} | {error: string}
  try {
    outcome = {installed: installPackedCli()}
  } catch (error) {
    outcome = {error: String(error)}
  }
  const path = join(shared, OUTCOME)
  writeFileSync(`${path}.new`, JSON.stringify(outcome))
  renameSync(`${path}.new`, path)
  if ('error' in outcome) throw new Error(outcome.error)
  return outcome.installed
}

const OUTCOME = 'outcome.json'

/** The content of dir/name once it exists: watched, so no waiting loop. */
function fileOnceWritten(dir: string, name: string): Promise<string> {
  return new Promise((resolve) => {
    const path = join(dir, name)
    const watcher = watch(dir, () => check())
    const check = () => {
      if (!existsSync(path)) return
      watcher.close()
      resolve(readFileSync(path, 'utf8'))
    }
    check()
  })
}

/** Packs and installs the package into a directory of its own. */
function installPackedCli(): InstalledCli {
  const work = mkdtempSync(join(tmpdir(), 'velda-e2e-'))
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']})) as {filename: string; files: {path: string}[]}[]
  const tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz')) ?? packed[0]?.filename ?? '')
  const prefix = join(work, 'prefix')
  mkdirSync(prefix)
  execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], {stdio: 'ignore'})
  return {
    bin: join(prefix, 'node_modules', '.bin', 'velda-do'),
    prefix,
    root: join(prefix, 'node_modules', 'velda-do'),
    files: (packed[0]?.files ?? []).map((f) => f.path),
    tarball,
  }
}

export function runInstalled(bin: string, args: string[], env: Record<string, string>, cwd?: string): CliRun {
  // From a directory of its own, like a user's: not this repository, whose files oclif would take for a dev setup.
  const result = spawnSync(bin, args, {cwd: cwd ?? mkdtempSync(join(tmpdir(), 'velda-user-')), env: cleanEnv(env), encoding: 'utf8', input: '', timeout: 60_000})
  return {status: result.status, stdout: result.stdout, stderr: result.stderr}
}

/** runInstalled without blocking the test process: cells of a matrix run side by side. */
export function runInstalledAsync(bin: string, args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {cwd: mkdtempSync(join(tmpdir(), 'velda-user-')), env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.once('error', reject)
    child.once('close', (status) => {
      clearTimeout(timer)
      resolve({status, stdout, stderr})
    })
  })
}
