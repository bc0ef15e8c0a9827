import {EventEmitter} from 'node:events'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Config} from '@oclif/core'
import type {Command} from '@oclif/core/command'

import type {ConnectOptions} from '../../src/lib/cli/connection.js'
import type {DigitalOceanApi} from '../../src/lib/do/client.js'
import {type Factory, type FactoryCommand, runWithFactory, type SshRunners} from '../../src/lib/cli/factory.js'
import type {HeadRequest} from '../../src/lib/net/head-request.js'
import type {SshRun} from '../../src/lib/ssh/run.js'
import {PROJECT_ROOT} from './cli.js'
import {type FakeIO, fakeIO, type FakeIOOptions} from './fake-io.js'

/**
 * Runs a command from its TypeScript source with a fake outside world (gh's `f := &cmdutil.Factory{IOStreams:
 * ios, HttpClient: ...}` in a command's test): what the command parses, decides, prints and exits with, with no
 * build, no process, no network. Tests about the wire pass `connectApi` of the in-process simulator instead.
 */

export interface FakeFactoryOptions extends FakeIOOptions {
  env?: Record<string, string | undefined>
  /** The API every connect() answers with; connect's options are kept in `connects`. */
  api?: DigitalOceanApi
  /** In place of `api`: how to connect (the real connectApi against a simulator, or one that refuses). */
  connectApi?: (options: ConnectOptions) => Promise<DigitalOceanApi>
  ssh?: Partial<SshRunners>
  now?: () => number
  /** Files that exist, for the config's default locations (velda.yaml in the working directory); none by default. */
  files?: readonly string[]
  /**
   * How release servers answer doctor's HEAD (the real headRequest for a test against a 127.0.0.1 server). By
   * default every release exists (200), and nothing leaves the process: no test asks releases.velda.io.
   */
  headRequest?: HeadRequest
}

export interface FakeFactory extends Factory {
  readonly io: FakeIO
  /** Fires stop signals at the command, as the process would get them. */
  readonly signals: EventEmitter
  /** The ssh the command runs: a test may swap one in after making the factory (one that fires a signal). */
  ssh: SshRunners
  readonly connects: ConnectOptions[]
  /** Every wait the command asked for, in ms. */
  readonly sleeps: number[]
  /** The lines each `$VELDA_DO_TRACE` file was given, by path: in memory, no file is written. */
  readonly traceFiles: Map<string, string[]>
  exitCode: number | null
}

export function fakeFactory(options: FakeFactoryOptions = {}): FakeFactory {
  const connects: ConnectOptions[] = []
  const sleeps: number[] = []
  const traceFiles = new Map<string, string[]>()
  const unexpectedSsh = (what: string) => () => Promise.reject(new Error(`the test gave no ssh.${what}, and the command ran one`))
  const factory: FakeFactory = {
    io: fakeIO(options),
    // A runtime directory of the run's own: the pool locks it takes are never another test's.
    env: {XDG_RUNTIME_DIR: mkdtempSync(join(tmpdir(), 'velda-run-')), ...options.env},
    now: options.now ?? (() => Date.parse('2026-12-04T12:00:00Z')),
    // No wait takes time: the test's clock decides what time it is.
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    signals: new EventEmitter(),
    // The middle of every jitter: the waits a command chooses are exactly the ones its docs give.
    random: () => 0.5,
    connects,
    sleeps,
    connectApi: async (connect) => {
      connects.push(connect)
      if (options.connectApi) return options.connectApi(connect)
      if (!options.api) throw new Error('the test gave no api, and the command connected')
      return options.api
    },
    ssh: {
      run: unexpectedSsh('run') as unknown as SshRunners['run'],
      interactive: unexpectedSsh('interactive') as unknown as SshRunners['interactive'],
      follow: unexpectedSsh('follow') as unknown as SshRunners['follow'],
      ...options.ssh,
    },
    traceFiles,
    openTraceFile: (path) => {
      const lines = traceFiles.get(path) ?? []
      traceFiles.set(path, lines)
      return {append: (line) => lines.push(line), close: () => {}}
    },
    exitCode: null,
    setExitCode: (code) => {
      factory.exitCode = code
    },
    fileExists: (path) => (options.files ?? []).includes(path),
    headRequest: options.headRequest ?? (async () => ({kind: 'answer', status: 200, location: null})),
  }
  return factory
}

export interface CommandRun {
  /** The exit code the process would end with. */
  status: number
  stdout: string
  stderr: string
  /** What run() returned (undefined when it failed). */
  result: unknown
  factory: FakeFactory
}

interface OclifExit {
  oclif?: {exit?: number}
}

/** Runs `CommandClass` with `argv` and a fake factory (fakeFactory's options, or one made by the test). */
export async function runCommand(CommandClass: new (argv: string[], config: Config) => Command & FactoryCommand, argv: string[], options: FakeFactoryOptions | FakeFactory = {}): Promise<CommandRun> {
  const factory = 'connects' in options ? options : fakeFactory(options)
  // A fresh oclif config (package.json, the manifest: a few ms) for each run, as each process has: oclif's help
  // renames the commands of the config it shows (pool:up becomes "pool up"), so a second run would not find them.
  let status = 0
  let result: unknown
  try {
    result = await runWithFactory(CommandClass, argv, await Config.load({root: PROJECT_ROOT}), factory)
    status = factory.exitCode ?? 0
  } catch (error) {
    // As a process ends: oclif's exit with its code; anything else, a crash: exit 1 with the stack on stderr.
    const exit = (error as OclifExit).oclif?.exit
    status = exit ?? 1
    if (exit === undefined) factory.io.err.write(`${String((error as Error).stack ?? error)}\n`)
  }
  return {status, stdout: factory.io.stdout(), stderr: factory.io.stderr(), result, factory}
}

/** An ssh run as the member would answer it: exit 0 and `stdout`, unless told otherwise. */
export function sshAnswer(answer: Partial<SshRun> = {}): SshRun {
  return {status: 0, stdout: '', stderr: '', timedOut: false, aborted: false, tooLarge: false, cutBytes: {stdout: 0, stderr: 0}, ...answer}
}
