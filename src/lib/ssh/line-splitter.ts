/**
 * A stream of bytes from outside (a member's `tail -F`) as whole lines, each decoded once it is complete, so a
 * character or an escape sequence split between two chunks is seen whole by the output filter. A line is held
 * until its newline, up to `maxLineBytes`: past that it is dropped, never shown in part (a secret in it would be
 * cut in two and escape redaction), and the caller is told how long it was. Memory stays within one line.
 */
export type SplitLine = {text: string} | {droppedBytes: number}

export class LineSplitter {
  private parts: Buffer[] = []
  private size = 0
  private dropped = 0

  constructor(
    private readonly maxLineBytes: number,
    private readonly emit: (line: SplitLine) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0
    for (;;) {
      const newline = chunk.indexOf(0x0a, start)
      this.add(chunk.subarray(start, newline < 0 ? chunk.length : newline))
      if (newline < 0) return
      this.finishLine()
      start = newline + 1
    }
  }

  /** The last line, when the stream ends without a newline. */
  end(): void {
    if (this.size > 0 || this.dropped > 0) this.finishLine()
  }

  private add(piece: Buffer): void {
    if (piece.length === 0) return
    if (this.dropped > 0 || this.size + piece.length > this.maxLineBytes) {
      this.dropped += this.size + piece.length
      this.parts = []
      this.size = 0
      return
    }
    // A copy: the rest of the chunk is not kept alive by the view.
    this.parts.push(Buffer.from(piece))
    this.size += piece.length
  }

  private finishLine(): void {
    this.emit(this.dropped > 0 ? {droppedBytes: this.dropped} : {text: Buffer.concat(this.parts).toString('utf8')})
    this.parts = []
    this.size = 0
    this.dropped = 0
  }
}
