import {printable, printableCell} from '../text/printable.js'
import {inflect, plural} from '../text/plural.js'

/** What `pool ssh --all` shows of one member (MemberRun's fields that are shown). */
export interface MemberOutput {
  name: string
  /** The command's exit code on the member; 255 when ssh could not run it, null when it did not run to the end. */
  exit_code: number | null
  /** `ran`: exit_code says how it ended; `no-address`, `bad-address` (not an IP address: never dialled): not run; `stopped`: a stop signal came before it ran or cut it off. */
  state: 'ran' | 'no-address' | 'bad-address' | 'stopped'
  /** The last 256 KiB of what it printed, less past 256 members (stdout_cut_bytes / stderr_cut_bytes say how much came before). */
  stdout: string
  stderr: string
  stdout_cut_bytes: number
  stderr_cut_bytes: number
}

/** Text written at once: whole lines, about this many characters (a longer line goes whole). */
export const MEMBER_OUTPUT_CHUNK_CHARS = 64 * 1024

/**
 * Each member's output, each line prefixed with its name (stderr's lines too, marked): grep-able, like pssh -i.
 * The name is a cell (its newlines escaped, so it cannot forge another member's line); each line is filtered.
 *
 * Given out in chunks of whole lines, member by member, to be written as they come: never one string for every
 * member. With the name before each line, short lines multiply the text (`yes` on a member: `y` becomes
 * `velda-...-k3x9q: y`, ~12 times as long), and the last 256 KiB of 256 members would pass V8's longest string.
 * What is held is then the members' kept output (128 MiB at most: commandOutputLimit) and one chunk.
 */
export function* memberOutputChunks(results: readonly MemberOutput[], keptBytes: number): Generator<string> {
  // The lines of a chunk, joined once it is full: one flat string. Built with +=, a chunk of short lines was a rope
  // of thousands of pieces, which a stream holding it (a slow pipe) keeps in memory many times its length.
  let pending: string[] = []
  let pendingChars = 0
  const add = function* (line: string): Generator<string> {
    pending.push(line, '\n')
    pendingChars += line.length + 1
    if (pendingChars < MEMBER_OUTPUT_CHUNK_CHARS) return
    yield pending.join('')
    pending = []
    pendingChars = 0
  }
  for (const r of results) {
    const name = printableCell(r.name)
    if (r.stdout_cut_bytes > 0) yield* add(cutNote(name, 'stdout', r.stdout_cut_bytes, keptBytes))
    for (const line of lines(r.stdout)) yield* add(`${name}: ${printable(line)}`)
    if (r.stderr_cut_bytes > 0) yield* add(cutNote(name, 'stderr', r.stderr_cut_bytes, keptBytes))
    for (const line of lines(r.stderr)) yield* add(`${name} (stderr): ${printable(line)}`)
    if (r.exit_code !== 0) yield* add(`${name}: ${r.state === 'ran' ? `exit ${r.exit_code ?? 'none (ssh was killed)'}` : r.state === 'stopped' ? 'stopped' : 'not run'}`)
  }
  if (pendingChars > 0) yield pending.join('')
}

/** A command's output as lines, without the empty one after its last newline; one at a time (no array of them). */
function* lines(text: string): Generator<string> {
  let start = 0
  while (start < text.length) {
    const end = text.indexOf('\n', start)
    if (end < 0) {
      yield text.slice(start)
      return
    }
    yield text.slice(start, end)
    start = end + 1
  }
}

/** What a member printed past the limit is not kept: said where its output begins. */
function cutNote(name: string, stream: 'stdout' | 'stderr', cutBytes: number, keptBytes: number): string {
  return `${name}: [${stream}: the first ${plural(cutBytes, 'byte')} ${inflect(cutBytes, 'was', 'were')} cut; the last ${keptBytes / 1024} KiB follow]`
}
