import {existsSync} from 'node:fs'
import {join, relative, sep} from 'node:path'
import {format} from 'node:util'

import type {Config} from '@oclif/core'
import type {Command} from '@oclif/core/command'

import {API_WORLD} from '../../src/lib/cli/api-world.js'
import {type FactoryCommand, systemFactory} from '../../src/lib/cli/factory.js'
import type {CliResult} from './cli.js'
import {LEAKY_ENV, PROJECT_ROOT} from './cli.js'
import {fakeFactory, runCommand} from './command.js'

/**
 * Runs a command inside the test's own process, from its TypeScript source (src/commands), with a Factory whose IO
 * is captured and whose API, ssh and clock are the real ones: the same parsing, output filter, JSON and exit codes
 * as the binary, without a node start of ~0.3 s CPU per run, and an edit is seen without a build. What oclif's own
 * main answers before any command runs (--help, --version, an unknown command) runs the build's bundles as the
 * binary does. Tests that need a process of their own (signals, a terminal, stdin, the installed package, what
 * modules load) keep spawning one.
 *
 * One run at a time per test process: process.env and the working directory are the process's own, so a run takes
 * them over while it lasts (the ssh and sshd it starts inherit them). Tests in a file run one after another unless
 * marked concurrent; never mark a file that uses this concurrent.
 */

interface OclifExitError {
  oclif?: {exit?: number}
}

type Oclif = typeof import('@oclif/core')
let oclif: Promise<Oclif> | undefined

function loadOclif(): Promise<Oclif> {
  oclif ??= (async () => {
    // chalk decides about colour once, when the bundle loads: no colour, as for a child process with a pipe. The
    // variables are put back afterwards: later test files in this worker share its environment.
    const saved = {NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR}
    process.env.NO_COLOR = '1'
    delete process.env.FORCE_COLOR
    try {
      const core = (await import(join(PROJECT_ROOT, 'dist', 'oclif-core.js'))) as Oclif
      // As bin/run.js: dist/ is what runs, never TypeScript sources (vitest sets NODE_ENV=test).
      core.settings.enableAutoTranspile = false
      return core
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key]
        else process.env[key] = value
      }
    }
  })()
  return oclif
}

let running = false

export interface InProcessOptions {
  env?: Record<string, string | undefined>
  /** The working directory of the run (vitest runs test files in child processes, which may change theirs). */
  cwd?: string
}

/**
 * One run of the CLI. Its exit code is what a process would exit with: oclif's exit error, or the
 * `process.exitCode` a command sets (pool ssh passes on the remote command's). A child process the command starts
 * with inherited output (pool ssh, pool logs --follow) writes to the test process's own stdout, not to the result.
 */
export async function runInProcess(args: string[], options: InProcessOptions = {}): Promise<CliResult> {
  if (running) throw new Error('runInProcess: one run at a time per test process (is the test concurrent?)')
  running = true
  const source = sourceCommand(args)
  if (source) {
    try {
      return await runSource(source, options)
    } finally {
      running = false
    }
  }
  const out: string[] = []
  const err: string[] = []
  const writes = {stdout: process.stdout.write, stderr: process.stderr.write, log: console.log, error: console.error}
  const giveBack = takeOver(options)
  let status = 0
  // Everything the run takes over is given back in finally, whatever happens: a later test file in this worker
  // must find the process as it was.
  try {
    const core = await loadOclif()
    // A fresh config for each run (2 ms), as each process has: oclif's help renames the commands it shows in the
    // config's own table (config:validate becomes "config validate"), so a second run would not find them.
    const config = await core.Config.load({root: PROJECT_ROOT})
    process.env.NO_COLOR = '1'
    process.stdout.write = capture(out)
    process.stderr.write = capture(err)
    // oclif prints its messages (errors, logToStderr) with console.log and console.error, which vitest takes over.
    console.log = (...parts: unknown[]) => process.stdout.write(`${format(...parts)}\n`)
    console.error = (...parts: unknown[]) => process.stderr.write(`${format(...parts)}\n`)
    try {
      await core.run(args, config as Parameters<Oclif['run']>[1])
      status = Number(process.exitCode ?? 0)
    } catch (error) {
      status = (error as OclifExitError).oclif?.exit ?? 1
      if (status === 1 && !(error as OclifExitError).oclif) err.push(`${String((error as Error).stack ?? error)}\n`)
    }
  } finally {
    process.stdout.write = writes.stdout
    process.stderr.write = writes.stderr
    console.log = writes.log
    console.error = writes.error
    giveBack()
    running = false
  }
  return {status, stdout: out.join(''), stderr: err.join('')}
}

/**
 * Makes the process the run's: its environment (the developer's DigitalOcean and velda-do settings out, the
 * run's in) and working directory. Returns what gives them back as they were.
 */
function takeOver(options: InProcessOptions): () => void {
  const savedEnv = {...process.env}
  const savedCwd = process.cwd()
  for (const key of Object.keys(process.env)) if (LEAKY_ENV.test(key)) delete process.env[key]
  for (const [key, value] of Object.entries(options.env ?? {})) if (value !== undefined) process.env[key] = value
  if (options.cwd) process.chdir(options.cwd)
  return () => {
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key]
    Object.assign(process.env, savedEnv)
    process.exitCode = undefined
    process.chdir(savedCwd)
  }
}

function capture(into: string[]): NodeJS.WriteStream['write'] {
  return ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined
    callback?.()
    return true
  }) as NodeJS.WriteStream['write']
}

/** The words that name a command (pool up) and the file of its source, unless oclif's main answers the line itself. */
function sourceCommand(args: string[]): {file: string; argv: string[]} | null {
  const end = args.indexOf('--')
  const own = end < 0 ? args : args.slice(0, end)
  if (own.some((arg) => arg === '--help' || arg === '--version')) return null
  for (let words = Math.min(2, own.length); words >= 1; words--) {
    if (own.slice(0, words).some((word) => !/^[a-z_-]+$/.test(word))) continue
    const file = join(PROJECT_ROOT, 'src', 'commands', ...own.slice(0, words)) + '.ts'
    if (existsSync(file)) return {file, argv: args.slice(words)}
  }
  return null
}

async function runSource(source: {file: string; argv: string[]}, options: InProcessOptions): Promise<CliResult> {
  const {default: CommandClass} = (await import(source.file)) as {default: (new (argv: string[], config: Config) => Command & FactoryCommand) & {id?: string}}
  // oclif gives a command class its id as it loads it (`pool:up`); a class imported from its source has none.
  CommandClass.id ??= relative(join(PROJECT_ROOT, 'src', 'commands'), source.file).replace(/\.ts$/, '').split(sep).join(':')
  const giveBack = takeOver(options)
  try {
    // The real world (API, ssh, clock, files) but for the streams and the signals: captured output, and the test
    // process's own signals never stop the command.
    const real = systemFactory(API_WORLD)
    const factory = Object.assign(fakeFactory(), {env: {...process.env}, now: real.now, sleep: real.sleep, connectApi: real.connectApi, ssh: real.ssh, openTraceFile: real.openTraceFile, fileExists: real.fileExists})
    const {status, stdout, stderr} = await runCommand(CommandClass, source.argv, factory)
    return {status, stdout, stderr}
  } finally {
    giveBack()
  }
}
