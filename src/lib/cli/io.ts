import chalk, {chalkStderr} from 'chalk'

/** A stream a command writes to: the process's stdout or stderr, or a stand-in a test reads back. */
export interface OutputStream extends NodeJS.WritableStream {
  readonly isTTY?: boolean
  /** The terminal's width; 0 or absent when unknown (a pipe, a bare pty). */
  readonly columns?: number
  readonly destroyed?: boolean
}

/** The stream a command reads answers from: the process's stdin, or a stand-in a test types into. */
export interface InputStream extends NodeJS.ReadableStream {
  readonly isTTY?: boolean
  readonly isRaw?: boolean
  setRawMode?(mode: boolean): unknown
}

/**
 * Everything a command reads and writes, as gh's IOStreams: the real process in the binary, buffers in a test.
 * No command touches process.stdout, process.stderr or process.stdin itself.
 */
export interface IO {
  readonly out: OutputStream
  readonly err: OutputStream
  readonly in: InputStream
  /** Whether stderr's messages are coloured (chalk's rule, a terminal and FORCE_COLOR, with NO_COLOR: honourNoColor). */
  readonly colour: boolean
}

/** The process's own streams. */
export function systemIO(): IO {
  honourNoColor(process.env)
  return {
    out: process.stdout,
    err: process.stderr,
    in: process.stdin,
    // chalk's own decision for stderr (FORCE_COLOR, whether stderr is a terminal), after NO_COLOR's.
    colour: chalkStderr.level > 0,
  }
}

/** A prompt and a spinner need a person at a terminal: stdin to answer from and stderr to ask on. */
export function isInteractive(io: IO): boolean {
  return Boolean(io.in.isTTY && io.err.isTTY)
}

/**
 * NO_COLOR (no-color.org: set and not empty) means no colour and no bold either, on stdout's tables and stderr's
 * messages alike. chalk 5 reads only FORCE_COLOR, so a terminal got bold headers and a red `Error:` whatever
 * NO_COLOR said: both of chalk's instances are turned off here, once, before anything is written. FORCE_COLOR, the
 * more specific word, still wins when both are set.
 */
export function honourNoColor(env: Readonly<Record<string, string | undefined>>): void {
  if (!env.NO_COLOR || env.FORCE_COLOR !== undefined) return
  chalk.level = 0
  chalkStderr.level = 0
}
