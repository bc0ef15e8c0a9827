import {PassThrough, Writable} from 'node:stream'

import type {InputStream, IO, OutputStream} from '../../src/lib/cli/io.js'

/** A stream that keeps what is written to it, as a terminal or a pipe would show it. */
export class CapturedStream extends Writable implements OutputStream {
  private readonly chunks: string[] = []

  constructor(
    readonly isTTY = false,
    readonly columns = isTTY ? 80 : 0,
  ) {
    super({decodeStrings: false})
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.chunks.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'))
    this.emit('written')
    done()
  }

  /** Resolves with the match once what was written matches `pattern`: how a test waits for a line, with no polling. */
  until(pattern: RegExp): Promise<RegExpExecArray> {
    return new Promise((resolve) => {
      const check = () => {
        const match = pattern.exec(this.text())
        if (!match) return
        this.off('written', check)
        resolve(match)
      }
      this.on('written', check)
      check()
    })
  }

  // A terminal's cursor calls (ora's spinner redraws with them): nothing is drawn, only the lines written stay.
  cursorTo(_x: number, _y?: number | (() => void), callback?: () => void): boolean {
    ;(typeof _y === 'function' ? _y : callback)?.()
    return true
  }

  moveCursor(_dx: number, _dy: number, callback?: () => void): boolean {
    callback?.()
    return true
  }

  clearLine(_direction: number, callback?: () => void): boolean {
    callback?.()
    return true
  }

  getWindowSize(): [number, number] {
    return [this.columns, 24]
  }

  text(): string {
    return this.chunks.join('')
  }
}

export interface FakeIO extends IO {
  readonly out: CapturedStream
  readonly err: CapturedStream
  readonly in: PassThrough & InputStream
  /** What the command printed on stdout, and on stderr. */
  stdout(): string
  stderr(): string
}

export interface FakeIOOptions {
  /** What is typed (or piped) on stdin; ended after it. Left open when `typed` is absent and `tty` is set. */
  stdin?: string
  /** stdin, stdout and stderr are terminals (a person at the keyboard). */
  tty?: boolean
  /** The width of the terminal stdout and stderr are on (80 when absent); only with `tty`. */
  columns?: number
  colour?: boolean
}

/** gh's iostreams.Test(): buffers for the command's output and a stdin the test writes. */
export function fakeIO(options: FakeIOOptions = {}): FakeIO {
  const tty = options.tty ?? false
  const input = Object.assign(new PassThrough({encoding: 'utf8'}), {isTTY: tty, isRaw: false})
  // A terminal's stdin can go raw (the spinner reads Ctrl-C as a key then); a pipe's cannot.
  if (tty) Object.assign(input, {setRawMode: (mode: boolean) => Object.assign(input, {isRaw: mode})})
  if (options.stdin !== undefined) input.end(options.stdin)
  else if (!tty) input.end()
  const out = new CapturedStream(tty, tty ? options.columns : 0)
  const err = new CapturedStream(tty, tty ? options.columns : 0)
  return {out, err, in: input, colour: options.colour ?? false, stdout: () => out.text(), stderr: () => err.text()}
}
