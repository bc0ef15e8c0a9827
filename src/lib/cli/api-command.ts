import type {Interfaces} from '@oclif/core'

import type {PoolConfig} from '../config/types.js'
import {redactSecrets} from '../base/secret.js'
import {TOKEN_ENV_VARS} from '../config/resolve-settings.js'
import {TRACE_ENV_VAR} from '../output/trace-file.js'
import type {TraceMode} from '../output/trace-format.js'
import {CancelledError, GuardError, InterruptedError} from '../base/errors.js'
import {formatDroplets} from '../output/droplet-table.js'
import type {TableFit} from '../output/table.js'
import type {PoolDroplet} from '../pool/membership.js'
import type {DigitalOceanApi} from '../do/client.js'
import {MissingTokenError} from '../do/errors.js'
import {printable} from '../text/printable.js'
import {defaultLockDir, isHolderAlive, lockPool, type PoolLock, processIdentity} from '../pool/lock.js'
import {probeMembers} from '../pool/pool-status.js'
import type {AgentProbe} from '../pool/pool-up.js'
import {probeSettings, type SshFlagValues} from '../ssh/settings.js'
import {API_WORLD} from './api-world.js'
import {BaseCommand} from './base-command.js'
import {type Factory, type SshRunners, systemFactory} from './factory.js'
import {createTracer, tracedSsh, type Tracer, traceFlag, withTraceValue} from './trace.js'
import {confirm} from './confirm.js'
import {isInteractive} from './io.js'

/** The base of commands that call DigitalOcean; the others do not carry (or load) the API layer at all. */
// oclif's own constraint on parsed flags and args (not exported by @oclif/core).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ParsedOutput = {[name: string]: any}

export abstract class ApiCommand<Result> extends BaseCommand<Result> {
  static override baseFlags = {...BaseCommand.baseFlags, trace: traceFlag}

  /** The real world with the API client and ssh (a test gives another, as to any command). */
  override factory: Factory = systemFactory(API_WORLD)

  /** `--trace` and `$VELDA_DO_TRACE`'s sinks, once the command line is parsed; null when neither was asked for. */
  private tracer: Tracer | null = null
  private traceOnStderr = false

  /**
   * Parses with a bare `--trace` read as `--trace=headers` (trace.ts), then opens the trace: a trace file that
   * cannot be written safely is refused here, before anything is sent.
   */
  protected override async parse<F extends ParsedOutput, B extends ParsedOutput, A extends ParsedOutput>(
    options?: Interfaces.Input<F, B, A>,
    argv?: string[],
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    const parsed = await super.parse(options, withTraceValue(argv ?? this.argv))
    this.openTrace((parsed.flags as {trace?: TraceMode}).trace ?? null)
    return parsed
  }

  private openTrace(mode: TraceMode | null): void {
    this.tracer?.close()
    const env = this.env
    const tokens = TOKEN_ENV_VARS.map((name) => env[name]).filter((value): value is string => Boolean(value))
    const path = env[TRACE_ENV_VAR]
    const file = path ? this.factory.openTraceFile(path, (message) => this.say(this.paint.warning(`Warning: ${message}`))) : null
    // The same filter as all output (base-command.ts): every secret used so far, and the token variables.
    this.tracer = createTracer({mode, file, writeLine: (text) => this.factory.io.err.write(text), redact: (text) => redactSecrets(text, tokens)})
    this.traceOnStderr = mode !== null
    const tracer = this.tracer
    if (tracer) this.onCleanup(() => tracer.close())
  }

  protected override linesOnStderr(): boolean {
    return this.traceOnStderr
  }

  /** The ssh runners, each run traced under `--trace` or `$VELDA_DO_TRACE`. */
  protected get ssh(): SshRunners {
    return this.tracer ? tracedSsh(this.factory.ssh, this.tracer, this.now) : this.factory.ssh
  }

  /** Opens the API; the DigitalOcean client itself loads only now. Retries and waits are told on stderr. */
  protected async connect(options: {pool: PoolConfig | null; endpointFlag: string | undefined}): Promise<DigitalOceanApi> {
    const stop = this.activeStopWatch()
    // When the command is done, so are its requests: none goes on retrying behind it.
    const closed = new AbortController()
    this.onCleanup(() => closed.abort())
    const api = await this.factory.connectApi({
      ...options,
      // A command that stops on signals must not sit out a minute-long retry wait after one.
      transport: {signal: closed.signal, ...(stop ? {sleep: stop.sleep, isStopped: stop.isStopped} : {}), ...(this.tracer ? {trace: this.tracer.http} : {})},
      env: this.env,
      userAgent: `velda-do/${this.config.version}`,
      // Progress, silent under --quiet; a warning always shows.
      onWait: (message) => this.info(this.paint.dim(`waiting: ${printable(message)}`)),
      onProgress: (message) => this.info(this.paint.dim(printable(message))),
      onWarning: (message) => this.say(this.paint.warning(`Warning: ${printable(message)}`)),
    })
    this.connectedEndpoint = api.endpoint
    return api
  }

  /**
   * A dry run's API: opened when a token is at hand; without one, null and the reason (a dry run then judges by
   * what the config alone decides, and says so). Any other failure to connect is thrown, as the run would.
   */
  protected async connectForDryRun(options: {pool: PoolConfig | null; endpointFlag: string | undefined}): Promise<{api: DigitalOceanApi} | {api: null; noToken: MissingTokenError}> {
    try {
      return {api: await this.connect(options)}
    } catch (error) {
      if (error instanceof MissingTokenError) return {api: null, noToken: error}
      throw error
    }
  }

  /** The API connect() opened; the members it lists are that API's (a simulator's keep their host keys apart). */
  private connectedEndpoint: string | null = null

  private endpoint(): string {
    if (this.connectedEndpoint === null) throw new Error('the agents are probed only after connect(): their endpoint decides where their host keys are kept')
    return this.connectedEndpoint
  }

  /**
   * Waits until no other velda-do on this machine works on the pool of this account, then holds it until
   * released (or the command ends). Stop signals end the wait. The account is read from the API (its uuid),
   * once: pool up's droplet-limit guard uses the same answer.
   */
  protected async lockPool(api: DigitalOceanApi, pool: string): Promise<PoolLock> {
    const stop = this.stopSignals()
    const lock = await lockPool(await api.accountKey(), pool, {
      dir: defaultLockDir(this.env),
      pid: process.pid,
      process: processIdentity(process.pid),
      command: `velda-do ${(this.id ?? '').replaceAll(':', ' ')} ${pool}`,
      now: this.now,
      sleep: stop.sleep,
      isStopped: stop.isStopped,
      isAlive: isHolderAlive,
      onWait: (message) => this.say(this.paint.warning(`${message}; Ctrl-C to give up`)),
    })
    this.onCleanup(() => lock.release())
    return lock
  }

  /**
   * lockPool for each pool of a `--fallback` chain, taken in name order whatever the chain's order: two runs with
   * the chains a,b and b,a would otherwise each hold one and wait for the other forever.
   */
  protected async lockPools(api: DigitalOceanApi, pools: readonly string[]): Promise<PoolLock> {
    const locks: PoolLock[] = []
    for (const pool of [...new Set(pools)].sort()) locks.push(await this.lockPool(api, pool))
    return {release: () => locks.forEach((lock) => lock.release())}
  }

  /**
   * Nothing is deleted without a yes: with `--yes` it goes ahead; on a terminal it shows the droplets and asks;
   * without one it refuses (exit 2, `refusal` says why). A "no" or Ctrl-C at the prompt ends the command with
   * `nothingDone` as its result: a cancel, exit 130. `table` replaces the plain droplet table (e.g. with reasons);
   * either is fitted to the terminal the prompt is on.
   */
  protected async confirmDeletion(droplets: readonly PoolDroplet[], question: string, options: {yes: boolean; refusal: string; nothingDone: Record<string, unknown>; table?: (fit: TableFit) => string}): Promise<void> {
    if (options.yes) return
    if (!isInteractive(this.factory.io)) throw new GuardError(options.refusal, {suggestions: ['add --yes (or --dry-run to see what would go)']})
    const fit = this.fitFor(this.factory.io.err)
    this.factory.io.err.write(options.table?.(fit) ?? formatDroplets(droplets, this.now(), fit))
    this.noteFit(fit)
    const answer = await confirm(question, this.stopSignals(), this.factory.io)
    if (answer === 'stopped') throw new InterruptedError('cancelled at the prompt: nothing was deleted', {partialResult: options.nothingDone})
    if (answer === 'no') throw new CancelledError('cancelled: nothing was deleted', {partialResult: options.nothingDone})
  }

  /** `--wait-for agent`: the members probed over SSH as pool status does, 16 at a time, 30 s each at most. */
  protected agentProbe(pool: string, flags: SshFlagValues): AgentProbe {
    const settings = probeSettings(flags, {env: this.env, endpoint: this.endpoint(), parallel: 16, timeoutMs: 30_000})
    const stop = this.stopSignals()
    // A stop ends the probes in flight (a member that trickles its answer would hold the report of what was
    // created for 30 s): as pool status does.
    return {probe: (members) => probeMembers(pool, members, settings, {runSsh: (args, options) => this.ssh.run(args, {...options, signal: stop.aborted}), isInterrupted: stop.isStopped})}
  }
}
