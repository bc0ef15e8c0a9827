import {Errors, type Interfaces, ux} from '@oclif/core'
import {Command} from '@oclif/core/command'

import {CONFIG_ENV_VAR, type ConfigLocation, DEFAULT_CONFIG_FILES, loadConfig, locateConfig} from '../config/load.js'
import {type Diagnostic, formatDiagnostic} from '../config/diagnostics.js'
import type {VeldaConfig} from '../config/types.js'
import {CancelledError, errorOf, InterruptedError, UsageError, VeldaError} from '../base/errors.js'
import {jsonText, jsonTextChunks} from '../output/json-text.js'
import {type LeftRunning, leftRunningLines} from '../output/create-report.js'
import {printable} from '../text/printable.js'
import {flushed, writeChunks} from '../output/stream-writer.js'
import {redactSecrets} from '../base/secret.js'
import {TOKEN_ENV_VARS} from '../config/resolve-settings.js'
import {toFailure} from './failure.js'
import {failureDocument, type ParsedLine} from './failure-documents.js'
import {outputFlag, quietFlag, RENAMED_FLAGS} from './flags.js'
import {type OutputFormat, outputFormat, outputInArgv} from './output-format.js'
import {fitNote, type TableFit, tableFit} from '../output/table.js'
import type {OutputStream} from './io.js'
import {type Factory, systemFactory} from './factory.js'
import {guardOutput, type OutputGuard} from './output-guard.js'
import {createProgress, type Progress} from './progress.js'
import {exitCodeFor} from '../base/stop-signals.js'
import {type StopWatch, watchStopSignals} from './stop-signals.js'
import {type Paint, paintFor} from './style.js'
import {type CommandShape, pasteable, type PasteContext, typedContextFlags} from './pasteable.js'
import {missingPoolError, missingPoolParse, type RawToken} from './missing-pool.js'

// oclif's own constraint on parsed flags and args (not exported by @oclif/core).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ParsedOutput = {[name: string]: any}

/** An outcome that ended with an error: what the command did, and why it stopped (see Outcome in errors.ts). */
export type Failed<Result> = Result & {error: VeldaError}

/** What a failure that did part of the work leaves on screen: the last progress line, and what was done. */
export interface FailureView {
  /** The line that ends the spinner: ⚠ when the user stopped the command, ✖ when it failed. */
  progress: string
  /** The part that was done, on stdout (the table of the droplets that exist); text, or chunks of it written as they come. */
  stdout: string | Iterable<string>
  /** Lines about what was not done, on stderr. */
  stderr: string[]
}

/**
 * Every command's base, like gh's Factory and doctl's displayers: a command's execute() parses, calls the library
 * and returns typed data; run() prints it, once, for every command: `--json` prints the data, otherwise render()
 * gives the text. The base owns the streams, settings lookup, the one filter every byte of output passes through
 * (secrets cut), stop signals, progress, and one failure path (fail()) that turns any failure into the exit code of
 * docs/cli.md with its "Try this:" suggestions: the error of an outcome execute() returned (an operation that did
 * part of the work, shown first by renderFailure()), or one thrown (a refusal before anything was sent, or a bug).
 */
export abstract class BaseCommand<Result> extends Command {
  static override enableJsonFlag = true
  static override baseFlags = {quiet: quietFlag, output: outputFlag}

  /** The outside world: the real one unless a test gave another (runWithFactory). */
  factory: Factory = systemFactory()

  private outputGuard: OutputGuard | null = null
  private stopWatch: StopWatch | null = null
  private progress: Progress | null = null
  private readonly cleanups: (() => void)[] = []
  private quiet = false
  /** `-o`'s format once the command line is parsed; null before (see jsonEnabled). */
  private outputFormat: OutputFormat | null = null

  /** Parses, calls the library, returns the data: no printing of results here (see render). */
  protected abstract execute(): Promise<Result>

  /**
   * The text a person reads for the result, on stdout; --json prints the result itself. Chunks (an iterable) are
   * written one by one as they come: a large output is never one string.
   */
  protected render(_result: Result): string | Iterable<string> {
    return ''
  }

  /** The line that ends the progress of a command that showed some ("created 3 droplets in pool gpu"). */
  protected finished(_result: Result): string {
    return 'done'
  }

  /** What an outcome that ended with an error shows of what was done; null to show the error alone. */
  protected renderFailure(_outcome: Failed<Result>): FailureView | null {
    return null
  }

  /** What a failed or stopped run leaves running and billing, said last (after the error); null when nothing. */
  protected leftRunning(_outcome: Failed<Result>): LeftRunning | null {
    return null
  }

  override async run(): Promise<Result> {
    const result = this.stoppedAtTheEnd(await this.execute())
    // An outcome with an error is printed as a failure: what was done, then the error, and its exit code.
    const error = errorOf(result)
    if (error) return this.fail(error, result as Failed<Result>)
    if (this.jsonEnabled()) {
      // oclif prints the document after run() (when there is a result), with no wait for a slow pipe: it is
      // printed here, and oclif's print is skipped (logJson).
      if (result) await this.writeJson(this.toSuccessJson(result))
    } else {
      this.progress?.succeed(this.finished(result))
      await this.write(this.render(result))
      this.noteFit(this.stdoutFit)
    }
    return result
  }

  /**
   * A stop signal that came while the last request was in flight: the command finished that request and had
   * nothing left to send, so it returned a whole result. It is still a stop (docs/cli.md, "Stopping"): the outcome
   * ends with the interruption, 128 + the signal's number and `error.signal`, and a cancelled CI job knows it was
   * interrupted. A result that is no outcome (null: printed already) is left as it is.
   */
  private stoppedAtTheEnd(result: Result): Result {
    const signal = this.stopWatch?.signal
    if (!signal || result === null || typeof result !== 'object' || errorOf(result)) return result
    const error = new InterruptedError(`stopped by ${signal} as the last request finished: that request completed and nothing more was to be sent, so the result is whole`)
    return {...result, error}
  }

  /**
   * `--json`, or `-o json`: what the command line asked for once parsed. Before it is (a parse that failed), read
   * from argv as oclif reads `--json`, so that the refusal is a JSON document too.
   */
  override jsonEnabled(): boolean {
    if (super.jsonEnabled()) return true
    if (!this.ctor.enableJsonFlag) return false
    return (this.outputFormat ?? outputInArgv(this.argv)) === 'json'
  }

  /**
   * How wide the tables on stdout may be: the terminal's width (`-o wide`, a pipe or a file: the whole table).
   * Each table of the output is given this one fit, and run() then says once what fitting them left out.
   */
  protected get stdoutFit(): TableFit {
    this.stdoutFitOfRun ??= this.fitFor(this.factory.io.out)
    return this.stdoutFitOfRun
  }

  private stdoutFitOfRun: TableFit | null = null

  /** A fit for tables written to `stream` (stderr's, for the table a prompt shows): its width on a terminal. */
  protected fitFor(stream: OutputStream): TableFit {
    const whole = this.outputFormat === 'wide' || !stream.isTTY
    return tableFit(whole ? 0 : (stream.columns ?? 0))
  }

  /** The note of what fitting the tables left out, on stderr, once: not data, and not progress (-q keeps it). */
  protected noteFit(fit: TableFit): void {
    const note = fitNote(fit)
    if (note === null) return
    this.say(this.paint.dim(note))
    fit.leftOut.clear()
    fit.cut.clear()
  }

  /** The clock every command reads (ages in tables, waits). */
  protected readonly now = (): number => this.factory.now()

  /** Colours for stderr, as the IO takes them; made once the factory is set (a test sets it after construction). */
  protected get paint(): Paint {
    this.paintOfIO ??= paintFor(this.factory.io.colour)
    return this.paintOfIO
  }

  private paintOfIO: Paint | null = null

  /**
   * Data for the user: stdout, through the secrets filter (each chunk on its own: chunks end at a line's end). A
   * chunk is written once the reader took enough of the last one: a pipe's slow reader holds the output back, it
   * does not pile up in memory.
   */
  protected async write(text: string | Iterable<string>): Promise<void> {
    await writeChunks(this.factory.io.out, text)
  }

  protected override async init(): Promise<void> {
    const env = this.env
    const tokens = TOKEN_ENV_VARS.map((name) => env[name]).filter((value): value is string => Boolean(value))
    const {io} = this.factory
    this.outputGuard = guardOutput((text) => redactSecrets(text, tokens), [io.out, io.err])
    await super.init()
  }

  protected override async _run<T>(): Promise<T> {
    try {
      return await super._run<T>()
    } finally {
      for (const cleanup of this.cleanups.splice(0).reverse()) cleanup()
      this.progress?.dispose()
      this.stopWatch?.dispose()
      this.outputGuard?.restore()
    }
  }

  /** Every command parses through here: --quiet is known from then on, and a renamed flag is refused. */
  protected override async parse<F extends ParsedOutput, B extends ParsedOutput, A extends ParsedOutput>(
    options?: Interfaces.Input<F, B, A>,
    argv?: string[],
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    const definitions = {...(options ?? this.ctor).baseFlags, ...(options ?? this.ctor).flags} as Record<string, {type: string}>
    let parsed: Interfaces.ParserOutput<F, B, A>
    try {
      parsed = await super.parse(options, argv)
    } catch (error) {
      throw this.parseFailure(error, definitions)
    }
    const flags = parsed.flags as Record<string, unknown>
    this.quiet = flags.quiet === true
    const declared = (options?.flags ?? this.ctor.flags ?? {}) as Record<string, {exclusive?: string[]}>
    this.outputFormat = outputFormat({
      output: flags.output as string | undefined,
      json: flags.json === true,
      excludedByJson: Object.keys(declared).filter((name) => declared[name]?.exclusive?.includes('json') && flags[name] !== undefined && flags[name] !== false),
      hasOutputFile: 'output-file' in declared,
    })
    this.setPasteContext(parsed, definitions)
    this.parsedLine = {args: parsed.args as Record<string, unknown>, flags}
    for (const [old, renamed] of Object.entries(RENAMED_FLAGS)) {
      if (flags[old] === undefined || flags[old] === false) continue
      throw new UsageError(`--${old} was renamed ${renamed.now}: ${renamed.why}`, {suggestions: [`use ${renamed.now}`]})
    }
    return parsed
  }

  private setPasteContext(parsed: {args: Record<string, unknown>; raw: RawToken[]}, definitions: Record<string, {type: string}>): void {
    for (const value of Object.values(parsed.args)) if (typeof value === 'string') this.argumentValues.add(value)
    this.pasteContext = {typed: typedContextFlags(parsed.raw, definitions), argumentValues: this.argumentValues, commandShape: (id) => this.commandShape(id)}
  }

  /** What a failed parse is told as: our own refusal from a flag's parse as it was written, a missing POOL with the pools. */
  private parseFailure(error: unknown, definitions: Record<string, {type: string}>): unknown {
    // oclif wraps what a flag's parse throws ("Parsing --ssh-port \n\t...\nSee more help with --help"): ours says it all.
    if (error instanceof VeldaError) {
      error.message = error.message.replace(/^Parsing --[\w-]+ \n\t([\s\S]*)\nSee more help with --help$/, '$1')
      return error
    }
    const partial = missingPoolParse(error)
    if (!partial) return error
    // Its suggestions are pasteable too: the flags typed were parsed.
    this.setPasteContext(partial, definitions)
    const flagPath = typeof partial.flags.config === 'string' ? partial.flags.config : undefined
    return missingPoolError(() => this.loadConfigQuietly(flagPath))
  }

  /** The config as readConfig finds and loads it, its warnings unsaid (it is read only to name its pools). */
  private loadConfigQuietly(flagPath: string | undefined): VeldaConfig {
    return loadConfig(locateConfig(flagPath, this.env, (path) => this.factory.fileExists(path)), this.env)
  }

  /** The names of the config's pools, to offer where a POOL is missing; none when the config cannot be read. */
  protected configuredPools(flagPath: string | undefined): string[] {
    try {
      return this.loadConfigQuietly(flagPath).pools.map((pool) => pool.name)
    } catch (error) {
      if (error instanceof VeldaError) return []
      throw error
    }
  }

  /** Known once the command line is parsed: until then a line is printed as it is. */
  private pasteContext: PasteContext | null = null
  /** The command line as parsed, for the keys of a failure's --json document; null before (a bad flag). */
  private parsedLine: ParsedLine | null = null
  /** The arguments typed and the pools of the config read: what follows a suggested command as its arguments. */
  private readonly argumentValues = new Set<string>()

  /**
   * A line as the user can paste it: each `velda-do <command> ...` in it gets the context flags typed on this command
   * line that it accepts (pasteable.ts). Every line on stderr passes here, so a suggestion made anywhere (Try this,
   * a warning, what a failure left) carries them.
   */
  protected pasteable(line: string): string {
    return this.pasteContext ? pasteable(line, this.pasteContext) : line
  }

  /** The flags and argument count of the command of `id` (`pool:status`), as this CLI's oclif config has it. */
  private commandShape(id: string): CommandShape | undefined {
    const command = this.config.findCommand(id)
    if (!command) return undefined
    const flags = Object.fromEntries(Object.entries(command.flags).map(([name, flag]) => [name, {char: flag.char, takesValue: flag.type === 'option'}]))
    return {flags, args: Object.keys(command.args ?? {}).length}
  }

  /**
   * The one --json print path. DEL, C1 and bidi controls are written as \uXXXX escapes (jsonText): the same data
   * when parsed, nothing a terminal obeys when shown. oclif tokenises every document to colour it, a second of CPU
   * for 10,000 droplets, even when stdout is a pipe that gets no colour: only a terminal gets the coloured form,
   * coloured from the escaped text (oclif's own logJson would stringify again, raw).
   */
  override logJson(json: unknown): void {
    // The result's document was written by run(), as it should be: with waits for a slow reader.
    if (this.jsonWritten) return
    for (const text of this.jsonChunks(json)) this.factory.io.out.write(text)
  }

  private jsonWritten = false

  /** logJson, waiting for a slow reader between chunks (writeChunks): what run() and catch() print with. */
  private async writeJson(json: unknown): Promise<void> {
    this.jsonWritten = true
    await writeChunks(this.factory.io.out, this.jsonChunks(json))
  }

  private *jsonChunks(json: unknown): Generator<string> {
    const large = this.largeJsonArray
    const chunks = large !== null && json !== null && typeof json === 'object' ? jsonTextChunks(json as Record<string, unknown>, large) : [jsonText(json)]
    for (const text of chunks) yield this.factory.io.out.isTTY ? ux.colorizeJson(text, {pretty: false, theme: this.config.theme?.json}) : text
    yield '\n'
  }

  /**
   * The key of a --json document's array that may be too large for one string (pool ssh --all's `results`): the
   * document is then written an element at a time (jsonTextChunks), the same text.
   */
  protected readonly largeJsonArray: string | null = null

  /** Progress for people (a file written, a wait): silent under --quiet. Warnings and errors use say(). */
  protected info(message: string): void {
    if (!this.quiet) this.say(message)
  }

  /**
   * A line on stderr, with or without --json: progress, waits and warnings are for people, and --json only
   * promises a clean stdout (oclif's logToStderr is silent under --json).
   */
  protected say(message: string): void {
    this.factory.io.err.write(`${this.pasteable(message)}\n`)
  }

  /**
   * For output the user asked to hold secrets (`render-userdata --show-secrets`): stdout passes the filter
   * untouched from now on; stderr stays filtered.
   */
  protected allowSecretsOnStdout(): void {
    this.outputGuard?.passThrough(this.factory.io.out)
  }

  protected get env(): Readonly<Record<string, string | undefined>> {
    return this.factory.env
  }

  /**
   * From now on SIGINT, SIGTERM and SIGHUP (and Ctrl-C typed while a spinner holds the terminal) ask the command
   * to stop: it polls `isStopped()`, and catch() exits with 128 + the signal's number.
   */
  protected stopSignals(): StopWatch {
    this.stopWatch ??= watchStopSignals((message) => this.notify(message), this.factory.signals, this.factory.sleep)
    return this.stopWatch
  }

  /** Runs when the command ends, however it ends (a lock to release). */
  protected onCleanup(cleanup: () => void): void {
    this.cleanups.push(cleanup)
  }

  /** The stop watch, if this command watches for stop signals (commands that act); null for the others. */
  protected activeStopWatch(): StopWatch | null {
    return this.stopWatch
  }

  /** A spinner on a terminal (plain lines otherwise, none of either under --json's clean stdout rule). */
  protected async startProgress(): Promise<Progress> {
    const stop = this.stopSignals()
    const {io} = this.factory
    this.progress?.dispose()
    this.progress = await createProgress({
      // A terminal that reports no width (a bare pty) would make the spinner redraw without end.
      spinner: !this.quiet && Boolean(io.err.isTTY) && (io.err.columns ?? 0) > 0 && !this.jsonEnabled() && !this.linesOnStderr(),
      io,
      paint: this.paint,
      write: (line) => this.info(line),
      onCtrlC: () => stop.trigger('SIGINT'),
    })
    return this.progress
  }

  /** Whether the command prints lines of its own on stderr as it goes (`--trace`): a spinner would tear them. */
  protected linesOnStderr(): boolean {
    return false
  }

  /** Shown in the spinner while there is one, so the line does not tear it. */
  private notify(message: string): void {
    if (this.progress) this.progress.update(message)
    else this.say(this.paint.warning(message))
  }

  /** Finds and loads the config (docs/cli.md, "Where settings come from"), printing its warnings on stderr. */
  protected readConfig(flagPath: string | undefined): VeldaConfig {
    const location: ConfigLocation = locateConfig(flagPath, this.env, (path) => this.factory.fileExists(path))
    const config = loadConfig(location, this.env)
    for (const pool of config.pools) this.argumentValues.add(pool.name)
    this.printWarnings(config.warnings, config.file)
    return config
  }

  /** The config when there is one (flag, variable or a file in the current directory), else null. */
  protected readOptionalConfig(flagPath: string | undefined): VeldaConfig | null {
    const anyGiven = flagPath || this.env[CONFIG_ENV_VAR] || DEFAULT_CONFIG_FILES.some((name) => this.factory.fileExists(name))
    return anyGiven ? this.readConfig(flagPath) : null
  }

  protected printWarnings(diagnostics: readonly Diagnostic[], file: string): void {
    for (const warning of diagnostics.filter((d) => d.severity === 'warning')) {
      this.say(this.paint.warning(formatDiagnostic(warning, file)))
    }
  }

  protected override async catch(error: Interfaces.CommandError): Promise<never> {
    // The exit that fail() ends with, for an outcome's error: already printed.
    if (error instanceof Errors.ExitError) throw error
    return this.fail(error, null)
  }

  /**
   * Prints a failure and exits with its code (docs/cli.md, "Exit codes"): a thrown error, or the error an outcome
   * ended with. An outcome's own keys come first in --json (a thrown error's: the command's keys, empty), then any
   * the error adds (members_after), then `error`.
   */
  private async fail(error: Error, outcome: Failed<Result> | null): Promise<never> {
    if (!this.jsonEnabled() && outcome) await this.showFailure(outcome)
    this.progress?.dispose()
    const failure = toFailure(error)
    // --json's suggestions are the lines the text shows.
    failure.suggestions = failure.suggestions.map((line) => this.pasteable(line))
    const signal = this.stopWatch?.signal
    if (error instanceof InterruptedError && signal) {
      failure.exitCode = exitCodeFor(signal)
      failure.details = {...failure.details, signal}
    }
    if (this.jsonEnabled()) {
      await this.writeJson({
        // What was thrown before the operation returned anything still has the command's keys, empty (failure-documents.ts).
        ...(outcome ? withoutError(outcome) : failureDocument(this.id, this.parsedLine)),
        ...failure.partial,
        error: {code: failure.code, message: failure.message, suggestions: failure.suggestions, ...failure.details},
      })
    } else {
      // Messages may quote the API (a droplet name, a server's error text): no escape sequence reaches the terminal.
      const message = printable(failure.message)
      // A stop or a "no" the user chose is a report of what exists, not an error.
      const chosen = error instanceof InterruptedError || error instanceof CancelledError
      this.say(chosen ? this.paint.warning(message) : `${this.paint.error('Error:')} ${message}`)
      if (failure.suggestions.length > 0) {
        this.say(this.paint.dim('Try this:'))
        for (const suggestion of failure.suggestions) this.say(`  ${printable(suggestion)}`)
      }
    }
    // The last word, under --json too (on stderr, for the person watching a CI log): what keeps billing, and where.
    const running = outcome ? this.leftRunning(outcome) : null
    for (const line of running ? leftRunningLines(running) : []) this.say(this.paint.warning(printable(line)))
    if (failure.exitCode === 1 && this.env.DEBUG) this.say(String((error as Error).stack))
    // oclif ends with process.exit(), which drops what a pipe has not taken yet (`pool ssh --all | grep` after a
    // member failed): all of it is out first.
    await Promise.all([flushed(this.factory.io.out), flushed(this.factory.io.err)])
    return this.exit(failure.exitCode)
  }

  /** What a failed run did, before its error: printed here, for every command, so none can forget it. */
  private async showFailure(outcome: Failed<Result>): Promise<void> {
    const view = this.renderFailure(outcome)
    if (!view) return
    // A stop the user asked for is not a failed create or delete: ⚠, not ✖.
    if (outcome.error instanceof InterruptedError) this.progress?.warn(view.progress)
    else this.progress?.fail(view.progress)
    await this.write(view.stdout)
    this.noteFit(this.stdoutFit)
    for (const line of view.stderr) this.say(printable(line))
  }
}

/** An outcome's own keys, in their order, for --json: its error is printed apart, as `error`. */
function withoutError(outcome: object): Record<string, unknown> {
  const {error: _error, ...result} = outcome as Record<string, unknown>
  return result
}
