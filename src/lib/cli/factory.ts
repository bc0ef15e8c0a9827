import {existsSync} from 'node:fs'

import type {Config} from '@oclif/core'
import type {Command} from '@oclif/core/command'

import type {ConnectOptions} from './connection.js'
import type {Environment} from '../config/interpolate.js'
import type {DigitalOceanApi} from '../do/client.js'
import type {followSsh} from '../ssh/follow.js'
import type {runSshInteractive} from '../ssh/interactive.js'
import type {runSsh} from '../ssh/run.js'
import type {openTraceFile} from '../output/trace-file.js'
import type {HeadRequest} from '../net/head-request.js'
import {type IO, systemIO} from './io.js'
import type {SignalSource} from '../base/stop-signals.js'
import {type Sleep, sleepUnlessAborted} from './stop-signals.js'

/** The ssh runs a command may start: captured, on the user's terminal, or followed line by line. */
export interface SshRunners {
  run: typeof runSsh
  interactive: typeof runSshInteractive
  follow: typeof followSsh
}

/**
 * The outside world of a command, as gh's cmdutil.Factory: its IO, environment, clock, stop signals, the
 * DigitalOcean API and the ssh it runs. The binary builds the real one (systemFactory); a test hands a command fakes
 * (test/support/command.ts) and runs its whole logic (parse, the library, output, exit code) in its own process.
 */
export interface Factory {
  readonly io: IO
  readonly env: Environment
  /** The clock every command reads (ages in tables, leases, waits). */
  now(): number
  /** The clock's wait, ended early (without an error) by its AbortSignal: retry waits, polls. */
  readonly sleep: Sleep
  /** Jitter for the waits a command chooses (--retry-until-up's), in [0, 1): a test fixes it. */
  random(): number
  /** Where stop signals come from: the process, or an emitter a test fires. */
  readonly signals: SignalSource
  /** Opens the API (connection.ts): the DigitalOcean client loads only when this is called. */
  connectApi(options: ConnectOptions): Promise<DigitalOceanApi>
  readonly ssh: SshRunners
  /** Opens `$VELDA_DO_TRACE`'s file (output/trace-file.ts); a test keeps the lines in memory instead. */
  openTraceFile: typeof openTraceFile
  /** A HEAD request off DigitalOcean's API (doctor's check that the agent's release exists); a test answers it. */
  headRequest: HeadRequest
  /** The exit code of a command that ends without an error but not with 0 (pool ssh passes on the remote's). */
  setExitCode(code: number): void
  /** Whether a file exists (a config file in the working directory). */
  fileExists(path: string): boolean
}

/** What a command that calls DigitalOcean and reaches members adds to the world (api-world.ts is the real one). */
export type ApiWorld = Pick<Factory, 'connectApi' | 'ssh' | 'openTraceFile' | 'headRequest'>

/**
 * A world without the API and ssh, for the commands that use neither: their bundles then hold none of the API layer
 * (each command is one bundle, parsed at every start). Reaching for them is a bug in velda-do.
 */
const NO_API_WORLD: ApiWorld = {
  connectApi: () => Promise.reject(new Error('this command does not call the DigitalOcean API (it is not an ApiCommand)')),
  ssh: {
    run: () => Promise.reject(new Error('this command runs no ssh (it is not an ApiCommand)')),
    interactive: () => Promise.reject(new Error('this command runs no ssh (it is not an ApiCommand)')),
    follow: () => Promise.reject(new Error('this command runs no ssh (it is not an ApiCommand)')),
  },
  openTraceFile: () => {
    throw new Error('this command writes no trace (it is not an ApiCommand)')
  },
  headRequest: () => Promise.reject(new Error('this command asks no release server (it is not an ApiCommand)')),
}

/** The real world: the process's streams, environment, signals and clock; with `api`, the API client and ssh. */
export function systemFactory(api: ApiWorld = NO_API_WORLD): Factory {
  return {
    io: systemIO(),
    env: process.env,
    now: Date.now,
    sleep: sleepUnlessAborted,
    random: Math.random,
    signals: process,
    ...api,
    setExitCode: (code) => {
      process.exitCode = code
    },
    fileExists: (path) => existsSync(path),
  }
}

/** An oclif command that takes its outside world from a Factory (every velda-do command). */
export interface FactoryCommand {
  factory: Factory
}

/**
 * Runs a command with `factory` as its outside world in place of the process's: how a test runs a command's whole
 * logic (parse, the library, output, exit code) from its source, as gh's tests do with a fake Factory. Resolves with
 * the command's result; an exit code other than 0 arrives as oclif's exit error, as in the binary.
 */
export async function runWithFactory(CommandClass: new (argv: string[], config: Config) => Command & FactoryCommand, argv: string[], config: Config, factory: Factory): Promise<unknown> {
  const command = new CommandClass(argv, config)
  command.factory = factory
  // _run is oclif's own entry (init, run, catch, finally), protected only by its type.
  return (command as unknown as {_run(): Promise<unknown>})._run()
}
