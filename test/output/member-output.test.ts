import {describe, expect, it} from 'vitest'

import {COMMAND_OUTPUT_TOTAL_BYTES, commandOutputLimit} from '../../src/lib/ssh/bounded-output.js'
import {MEMBER_OUTPUT_CHUNK_CHARS, type MemberOutput, memberOutputChunks} from '../../src/lib/output/member-output.js'

const member = (name: string, stdout: string, more: Partial<MemberOutput> = {}): MemberOutput => ({
  name,
  exit_code: 0,
  state: 'ran',
  stdout,
  stderr: '',
  stdout_cut_bytes: 0,
  stderr_cut_bytes: 0,
  ...more,
})

describe('pool ssh --all output: member by member, in chunks of whole lines', () => {
  it('many members printing short lines (yes) are rendered in bounded chunks, never one string for all of them', () => {
    // 256 KiB of `y` lines from each of 100 members: with the name before every line, ~800 million characters in
    // all, past V8's longest string (about 536 million) if built as one.
    const yes = 'y\n'.repeat(128 * 1024)
    const results = Array.from({length: 100}, (_, i) => member(`velda-930b7ad6-${'k'.repeat(40)}-${String(i).padStart(4, '0')}`, yes))
    const chunks = memberOutputChunks(results, 256 * 1024)
    expect(typeof chunks).not.toBe('string')
    let total = 0
    let count = 0
    let longest = 0
    for (const chunk of chunks) {
      total += chunk.length
      count++
      longest = Math.max(longest, chunk.length)
      expect(chunk.endsWith('\n')).toBe(true)
    }
    expect(total).toBe(100 * 128 * 1024 * `velda-930b7ad6-${'k'.repeat(40)}-0000: y\n`.length)
    expect(total).toBeGreaterThan(2 ** 29)
    expect(count).toBeGreaterThan(1000)
    expect(longest).toBeLessThan(MEMBER_OUTPUT_CHUNK_CHARS + 100)
  })

  it('shows the same lines as before: names as cells, lines filtered, cut notes, stderr marked, the failure', () => {
    const text = [
      ...memberOutputChunks([
        member('one', 'a\nb'),
        member('two\nforged', 'x\u001b]0;t\u0007\n', {stderr: 'oops\n', exit_code: 3, stdout_cut_bytes: 10}),
        member('three', '', {exit_code: null, state: 'stopped'}),
      ], 256 * 1024),
    ].join('')
    expect(text).toBe(
      [
        'one: a',
        'one: b',
        'two\\nforged: [stdout: the first 10 bytes were cut; the last 256 KiB follow]',
        'two\\nforged: x\\x1b]0;t\\x07',
        'two\\nforged (stderr): oops',
        'two\\nforged: exit 3',
        'three: stopped',
        '',
      ].join('\n'),
    )
  })

  it('keeps 256 KiB of each member up to 256 members, and an equal share of 128 MiB beyond: what is held is bounded in all', () => {
    expect(commandOutputLimit(1).bytes).toBe(256 * 1024)
    expect(commandOutputLimit(256).bytes).toBe(256 * 1024)
    for (const members of [257, 1000, 5000]) expect(2 * members * commandOutputLimit(members).bytes).toBeLessThanOrEqual(COMMAND_OUTPUT_TOTAL_BYTES)
    expect(commandOutputLimit(1000).bytes).toBe(Math.floor(COMMAND_OUTPUT_TOTAL_BYTES / 2000))
  })
})
