import {spawnSync} from 'node:child_process'
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
export async function runCliAsync(args: string[], options: {env?: Record<string, string | undefined>} = {}): Promise<CliResult> {
  const {spawn} = await import('node:child_process')
  const child = spawn(process.execPath, [BIN, ...args], {cwd: PROJECT_ROOT, env: cleanEnv(options.env ?? {}), stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const status = await new Promise<number | null>((resolve) => child.once('close', resolve))
  return {status, stdout, stderr}
}
