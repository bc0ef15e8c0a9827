/**
 * What a member prints over SSH, kept within a fixed number of bytes whatever it prints: a hostile or broken
 * member can print gigabytes, and a string grown without limit ends the process with a RangeError (or the
 * machine's memory). Bytes are kept as they come (Buffers) and decoded once at the end, so a character split
 * between two chunks is never mangled.
 */
export interface OutputLimit {
  /** Bytes kept of each stream (stdout, stderr). */
  bytes: number
  /**
   * Past it: `stop` ends the ssh (the probe: an answer of a few KB that grows past this is not an answer), `tail`
   * keeps the last `bytes` and counts what was dropped before them (a command's or a log's output: the end matters).
   */
  overflow: 'stop' | 'tail'
}

/** The probe's answer is a few KB: 1 MiB is far more than any real one. */
export const PROBE_OUTPUT_LIMIT: OutputLimit = {bytes: 1024 * 1024, overflow: 'stop'}
/** `pool ssh --all`: the last 256 KiB of each member's stdout and stderr (up to 256 members at once: 128 MiB at most). */
export const COMMAND_OUTPUT_LIMIT: OutputLimit = {bytes: 256 * 1024, overflow: 'tail'}
/** `pool logs`: one member; the last 4 MiB hold 25,000 lines of 160 bytes (more is cut, and said). */
export const LOG_OUTPUT_LIMIT: OutputLimit = {bytes: 4 * 1024 * 1024, overflow: 'tail'}

/** One stream's output: at most `max` bytes kept (the first ones, or with `tail` the last ones). */
export class BoundedOutput {
  private chunks: Buffer[] = []
  private kept = 0
  /** Bytes dropped before what is kept (`tail`), or not kept after it (`stop`). */
  private dropped = 0
  /** Whether what is kept begins a line (the last byte dropped before it was a newline). */
  private atLineStart = true

  constructor(
    private readonly max: number,
    private readonly keep: 'head' | 'tail',
  ) {}

  /** Adds a chunk; false once more came than is kept (for `head`, the chunk's excess is dropped). */
  push(chunk: Buffer): boolean {
    if (this.keep === 'head') {
      const room = Math.max(0, this.max - this.kept)
      if (room > 0) this.append(chunk.length > room ? Buffer.from(chunk.subarray(0, room)) : chunk)
      this.dropped += Math.max(0, chunk.length - room)
      return this.dropped === 0
    }
    this.append(chunk)
    while (this.kept > this.max) {
      const first = this.chunks[0] as Buffer
      const excess = this.kept - this.max
      if (first.length <= excess) {
        this.chunks.shift()
        this.kept -= first.length
        this.dropped += first.length
        this.atLineStart = first[first.length - 1] === 0x0a
      } else {
        this.atLineStart = first[excess - 1] === 0x0a
        // A copy, not a view: the dropped part of the chunk is freed, not kept alive by the slice.
        this.chunks[0] = Buffer.from(first.subarray(excess))
        this.kept -= excess
        this.dropped += excess
      }
    }
    return this.dropped === 0
  }

  /** Bytes not kept. */
  get cutBytes(): number {
    return this.dropped
  }

  /**
   * The text kept. With the front cut (`tail`), it starts at the first whole line: a line cut in the middle (a
   * character, an escape sequence or a secret in it cut in two) is never shown, and counts as cut. A newline byte
   * is always a character boundary in UTF-8, so the text decodes whole.
   */
  text(): {text: string; cutBytes: number} {
    let bytes = Buffer.concat(this.chunks)
    let cut = this.dropped
    if (this.keep === 'tail' && cut > 0 && !this.atLineStart) {
      const start = bytes.indexOf(0x0a) + 1 || bytes.length
      bytes = bytes.subarray(start)
      cut += start
    }
    return {text: bytes.toString('utf8'), cutBytes: cut}
  }

  private append(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.kept += chunk.length
  }
}
