import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export const PROJECT_ROOT = new URL('../../', import.meta.url).pathname
export const BIN = join(PROJECT_ROOT, 'bin', 'run.js')
export const EXAMPLE_CONFIG = join(PROJECT_ROOT, 'examples', 'velda.yaml')

export interface CliResult {
  status: number | null
  stdout: string
  stderr: string
}

export interface CliOptions {
  env?: Record<string, string | undefined>
  cwd?: string
  /** Record every module the process loads; the list is returned in `modules`. */
  recordModules?: boolean
}

/** Settings the developer's shell may hold, which must not reach a run of the CLI (a child process or in-process). */
export const LEAKY_ENV = /^(DIGITALOCEAN_|VELDA_|TAILSCALE_|FORCE_COLOR|NODE_OPTIONS)/

/** The environment of a fresh shell: no DigitalOcean or velda-do settings leak in from the developer's. */
export function cleanEnv(extra: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || LEAKY_ENV.test(key)) continue
    env[key] = value
  }
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value
  return env
}

/** Runs the built binary the way a user does: a child process, stdin closed, no TTY. */
export function runCli(args: string[], options: CliOptions = {}): CliResult & {modules: string[]} {
  const env = cleanEnv(options.env ?? {})
  const nodeArgs: string[] = []
  let recordFile: string | undefined
  if (options.recordModules) {
    recordFile = join(mkdtempSync(join(tmpdir(), 'velda-modules-')), 'modules.txt')
    env.RECORD_MODULES = recordFile
    nodeArgs.push('--import', new URL('../fixtures/module-recorder/register.mjs', import.meta.url).href)
  }
  const result = spawnSync(process.execPath, [...nodeArgs, BIN, ...args], {
    cwd: options.cwd ?? PROJECT_ROOT,
    env,
    encoding: 'utf8',
    input: '',
    timeout: 30_000,
  })
  const modules = recordFile ? readFileSync(recordFile, 'utf8').split('\n').filter(Boolean) : []
  return {status: result.status, stdout: result.stdout, stderr: result.stderr, modules}
}

/** Like runCli, without blocking: for tests whose own process serves the CLI (a proxy in front of the simulator). */
export function runCliAsync(args: string[], options: {env?: Record<string, string | undefined>} = {}): Promise<CliResult> {
  return startCli(args, options.env ?? {}).exited
}

export interface CliChild {
  /** Resolves once the run's stderr has shown `pattern` (a progress line, a wait it announces). */
  stderrShows(pattern: RegExp): Promise<void>
  /** Resolves once the run's stdout has shown `pattern` (lines a follow prints as they come). */
  stdoutShows(pattern: RegExp): Promise<void>
  /** What it printed on stdout so far (the export lines a simulator prints as it starts). */
  stdoutSoFar(): string
  /** Sends it a signal, as a user's kill or a CI runner's stop does. */
  kill(signal: NodeJS.Signals): void
  exited: Promise<CliResult>
}

/** The built binary as a child process, as runCli runs it, watched while it runs. */
export function startCli(args: string[], env: Record<string, string | undefined>): CliChild {
  const child = spawn(process.execPath, [BIN, ...args], {cwd: PROJECT_ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe']})
  const seen = {stdout: '', stderr: ''}
  const watchers = new Set<() => void>()
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream].on('data', (chunk: Buffer) => {
      seen[stream] += chunk.toString()
      for (const watcher of watchers) watcher()
    })
  }
  const shows = (stream: 'stdout' | 'stderr', pattern: RegExp) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!pattern.test(seen[stream])) return
        watchers.delete(check)
        resolve()
      }
      watchers.add(check)
      check()
    })
  return {
    stderrShows: (pattern) => shows('stderr', pattern),
    stdoutShows: (pattern) => shows('stdout', pattern),
    stdoutSoFar: () => seen.stdout,
    kill: (signal) => child.kill(signal),
    exited: new Promise((resolve) => child.once('close', (status) => resolve({status, stdout: seen.stdout, stderr: seen.stderr}))),
  }
}
