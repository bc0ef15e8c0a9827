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
/** `pool ssh --all`: the last 256 KiB of each member's stdout and stderr (256 members: 128 MiB). */
export const COMMAND_OUTPUT_LIMIT: OutputLimit = {bytes: 256 * 1024, overflow: 'tail'}
/** What `pool ssh --all` keeps of all members' output together: every member's is held until the end. */
export const COMMAND_OUTPUT_TOTAL_BYTES = 128 * 1024 * 1024

/**
 * `pool ssh --all` over `members`: 256 KiB of each stream, less when there are more than 256 members (an equal share
 * of 128 MiB, at least 1 KiB): what is held of all of them stays within 128 MiB however many there are.
 */
export function commandOutputLimit(members: number): OutputLimit {
  const share = Math.floor(COMMAND_OUTPUT_TOTAL_BYTES / (2 * Math.max(1, members)))
  return {bytes: Math.max(1024, Math.min(COMMAND_OUTPUT_LIMIT.bytes, share)), overflow: 'tail'}
}
/** `pool logs`: one member; the last 4 MiB hold 25,000 lines of 160 bytes (more is cut, and said). */
export const LOG_OUTPUT_LIMIT: OutputLimit = {bytes: 4 * 1024 * 1024, overflow: 'tail'}

/**
 * One stream's output: at most `max` bytes kept (the first ones, or with `tail` the last ones), in one buffer of its
 * own, never larger than `max`: a pipe's chunks are copied in, not kept (a member trickling its output a byte at a
 * time would otherwise hold one Buffer, and its overhead, per byte). The buffer grows by doubling as output comes
 * (a quiet member costs little); once it holds `max`, `tail` uses it as a ring, the oldest bytes overwritten.
 */
export class BoundedOutput {
  private buffer: Buffer = Buffer.alloc(0)
  /** Where the oldest kept byte is in `buffer` (only a full `tail` ring moves it from 0). */
  private start = 0
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
      const taken = Math.min(room, chunk.length)
      if (taken > 0) this.append(chunk.subarray(0, taken))
      this.dropped += chunk.length - taken
      return this.dropped === 0
    }
    const excess = this.kept + chunk.length - this.max
    if (excess > 0) {
      // The last byte dropped: of what is kept, or of this chunk when it alone is more than `max`.
      this.atLineStart = (excess <= this.kept ? this.at(excess - 1) : chunk[excess - this.kept - 1]) === 0x0a
      this.dropped += excess
    }
    if (chunk.length >= this.max) {
      this.ensureCapacity(this.max)
      chunk.copy(this.buffer, 0, chunk.length - this.max)
      this.start = 0
      this.kept = this.max
      return this.dropped === 0
    }
    if (excess > 0) {
      // Full: the oldest `excess` bytes make room (the buffer is `max` long by now, or is made so).
      this.ensureCapacity(this.max)
      this.start = (this.start + excess) % this.buffer.length
      this.kept -= excess
    }
    this.append(chunk)
    return this.dropped === 0
  }

  /** Bytes not kept. */
  get cutBytes(): number {
    return this.dropped
  }

  /** What this holds in memory: one buffer of `bytes` (never more than the limit), whatever came and how. */
  get storage(): {buffers: number; bytes: number} {
    return {buffers: this.buffer.length > 0 ? 1 : 0, bytes: this.buffer.length}
  }

  /**
   * The text kept. With the front cut (`tail`), it starts at the first whole line: a line cut in the middle (a
   * character, an escape sequence or a secret in it cut in two) is never shown, and counts as cut. A newline byte
   * is always a character boundary in UTF-8, so the text decodes whole.
   */
  text(): {text: string; cutBytes: number} {
    const end = this.start + this.kept
    let bytes = end <= this.buffer.length ? this.buffer.subarray(this.start, end) : Buffer.concat([this.buffer.subarray(this.start), this.buffer.subarray(0, end - this.buffer.length)])
    let cut = this.dropped
    if (this.keep === 'tail' && cut > 0 && !this.atLineStart) {
      const start = bytes.indexOf(0x0a) + 1 || bytes.length
      bytes = bytes.subarray(start)
      cut += start
    }
    return {text: bytes.toString('utf8'), cutBytes: cut}
  }

  /** The kept byte at `index` (0: the oldest). */
  private at(index: number): number | undefined {
    return this.buffer[(this.start + index) % this.buffer.length]
  }

  /** Copies `chunk` after what is kept; there is room for it within `max`. */
  private append(chunk: Buffer): void {
    this.ensureCapacity(this.kept + chunk.length)
    const at = (this.start + this.kept) % this.buffer.length
    const first = chunk.copy(this.buffer, at)
    if (first < chunk.length) chunk.copy(this.buffer, 0, first)
    this.kept += chunk.length
  }

  /** Makes the buffer hold at least `bytes` (at most `max`), doubling, with what is kept moved to its front. */
  private ensureCapacity(bytes: number): void {
    if (this.buffer.length >= bytes) return
    const grown = Buffer.allocUnsafe(Math.min(this.max, Math.max(bytes, this.buffer.length * 2, 256)))
    const end = this.start + this.kept
    if (end <= this.buffer.length) this.buffer.copy(grown, 0, this.start, end)
    else {
      const first = this.buffer.copy(grown, 0, this.start)
      this.buffer.copy(grown, first, 0, end - this.buffer.length)
    }
    this.buffer = grown
    this.start = 0
  }
}
