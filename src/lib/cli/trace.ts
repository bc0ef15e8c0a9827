import * as Flags from '@oclif/core/flags'

import type {HttpExchange} from '../do/trace.js'
import type {SshExchange} from '../ssh/trace.js'
import {sshHost} from '../ssh/trace.js'
import type {TraceFile} from '../output/trace-file.js'
import {httpTraceJson, httpTraceText, type Redact, sshTraceJson, sshTraceText, type TraceMode} from '../output/trace-format.js'
import type {SshRunners} from './factory.js'

/** The values `--trace` takes; a word after `--trace` that is none of them is the command's argument. */
const TRACE_VALUES: readonly string[] = ['headers', 'body']

/**
 * `--trace` (every command that calls DigitalOcean or reaches members): one line on stderr per HTTP attempt and per
 * ssh run; `--trace=body` (or `--trace body`) adds the bodies. oclif has no flag whose value may be left out, so a
 * `--trace` not followed by one of its values is read as `--trace=headers` before parsing (withTraceValue).
 */
export const traceFlag = Flags.string({
  description: 'print each HTTP request and ssh run on stderr, secrets redacted; body adds the bodies (--trace alone: headers); $VELDA_DO_TRACE=FILE writes them as JSON lines',
  options: [...TRACE_VALUES],
  helpValue: 'headers|body',
  helpGroup: 'GLOBAL',
})

/** argv with a `--trace` that has no value (before any `--`) written `--trace=headers`, the value oclif then parses. */
export function withTraceValue(argv: readonly string[]): string[] {
  const end = argv.indexOf('--')
  return argv.map((arg, index) => {
    const bare = arg === '--trace' && (end < 0 || index < end) && !TRACE_VALUES.includes(argv[index + 1] ?? '')
    return bare ? '--trace=headers' : arg
  })
}

/** Where a command's trace goes: stderr's lines and/or the file's JSON lines. */
export interface Tracer {
  http(exchange: HttpExchange): void
  ssh(exchange: SshExchange): void
  close(): void
}

export interface TracerOptions {
  /** `--trace`'s value; null without the flag. */
  mode: TraceMode | null
  /** `$VELDA_DO_TRACE`'s file, open; null without it. */
  file: TraceFile | null
  /** A line for stderr (it ends with a newline). */
  writeLine: (text: string) => void
  redact: Redact
}

/** A tracer writing to each sink asked for; null when none was (nothing is formatted then). */
export function createTracer(options: TracerOptions): Tracer | null {
  const {mode, file, writeLine, redact} = options
  if (mode === null && file === null) return null
  return {
    http(exchange) {
      if (mode !== null) writeLine(httpTraceText(exchange, mode, redact))
      file?.append(httpTraceJson(exchange, redact))
    },
    ssh(exchange) {
      if (mode !== null) writeLine(sshTraceText(exchange, redact))
      file?.append(sshTraceJson(exchange, redact))
    },
    close() {
      file?.close()
    },
  }
}

/** The ssh runners, each run told to `tracer` when it ends (its member, argv, exit code, bytes and duration). */
export function tracedSsh(runners: SshRunners, tracer: Tracer, now: () => number): SshRunners {
  const tell = (args: readonly string[], member: string | undefined, startedAt: number, ended: Pick<SshExchange, 'exitCode' | 'stdoutBytes' | 'stderrBytes'>) => {
    tracer.ssh({startedAt, member: member ?? null, address: sshHost(args), argv: ['ssh', ...args], durationMs: now() - startedAt, ...ended})
  }
  return {
    async run(args, options) {
      const startedAt = now()
      const run = await runners.run(args, options)
      const bytes = (text: string, cut: number) => Buffer.byteLength(text, 'utf8') + cut
      tell(args, options.member, startedAt, {exitCode: run.status, stdoutBytes: bytes(run.stdout, run.cutBytes.stdout), stderrBytes: bytes(run.stderr, run.cutBytes.stderr)})
      return run
    },
    async interactive(args, options) {
      const startedAt = now()
      const code = await runners.interactive(args, options)
      tell(args, options?.member, startedAt, {exitCode: code, stdoutBytes: null, stderrBytes: null})
      return code
    },
    async follow(args, options) {
      const startedAt = now()
      const ended = await runners.follow(args, options)
      tell(args, options.member, startedAt, {exitCode: ended.status, stdoutBytes: ended.bytes?.stdout ?? null, stderrBytes: ended.bytes?.stderr ?? null})
      return ended
    },
  }
}
