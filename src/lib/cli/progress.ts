import {printable} from '../text/printable.js'
import type {IO} from './io.js'
import type {Paint} from './style.js'
import {captureCtrlC} from './terminal-keys.js'

/** Progress of a long command: an ora spinner on a TTY, otherwise one plain line per change (CI logs). */
export interface Progress {
  /**
   * The spinner shows every update; plain lines (CI logs) print one line per state, so a text that only counts
   * time (`3/8 active, 1m10s of 10m`) passes `state` (`3/8`) and is printed again only when that changes.
   */
  update(text: string, state?: string): void
  succeed(text: string): void
  /** Ended by the user's stop: not a failure (⚠, not ✖). */
  warn(text: string): void
  fail(text: string): void
  /** Stops the spinner (if it still runs) and gives the terminal back; safe to call more than once. */
  dispose(): void
}

export interface ProgressOptions {
  spinner: boolean
  /** The spinner draws on io.err and reads Ctrl-C from io.in. */
  io: IO
  paint: Paint
  write: (line: string) => void
  /** A Ctrl-C typed while the spinner holds the terminal in raw mode. */
  onCtrlC: () => void
}

/** Progress texts quote the API (error messages, names): made printable here, once, for both kinds of display. */
export async function createProgress(options: ProgressOptions): Promise<Progress> {
  const progress = await createDisplay(options)
  return {
    update: (text, state) => progress.update(printable(text), state),
    succeed: (text) => progress.succeed(printable(text)),
    warn: (text) => progress.warn(printable(text)),
    fail: (text) => progress.fail(printable(text)),
    dispose: () => progress.dispose(),
  }
}

async function createDisplay(options: ProgressOptions): Promise<Progress> {
  if (options.spinner) {
    const {default: ora} = await import('ora')
    // Whether to spin is decided above, from the command's IO. ora would decide again, from process.env.CI among
    // others, and a spinner it disabled is never "spinning": its last line (✔, ✖, ⚠) would be lost.
    const spinner = ora({stream: options.io.err as NodeJS.WriteStream, discardStdin: false, isEnabled: true}).start()
    const releaseKeys = captureCtrlC(options.onCtrlC, options.io.in)
    const end = (finish: () => void) => {
      if (spinner.isSpinning) finish()
      releaseKeys()
    }
    return {
      update: (text) => {
        spinner.text = text
      },
      succeed: (text) => end(() => spinner.succeed(text)),
      warn: (text) => end(() => spinner.warn(text)),
      fail: (text) => end(() => spinner.fail(text)),
      dispose: () => end(() => spinner.stop()),
    }
  }
  let last = ''
  const {paint} = options
  return {
    update: (text, state = text) => {
      if (state !== last) options.write(paint.dim(text))
      last = state
    },
    succeed: (text) => options.write(text),
    warn: (text) => options.write(paint.warning(text)),
    fail: (text) => options.write(paint.warning(text)),
    dispose: () => {},
  }
}
