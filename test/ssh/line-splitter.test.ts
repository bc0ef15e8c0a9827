import {describe, expect, it} from 'vitest'

import {LineSplitter, type SplitLine} from '../../src/lib/ssh/line-splitter.js'

function split(chunks: Buffer[], max = 16): SplitLine[] {
  const lines: SplitLine[] = []
  const splitter = new LineSplitter(max, (line) => lines.push(line))
  for (const chunk of chunks) splitter.push(chunk)
  splitter.end()
  return lines
}

describe('LineSplitter: a stream from outside as whole lines', () => {
  it('joins a line, and a character, split between chunks, and gives the last line without a newline at the end', () => {
    const bytes = Buffer.from('héllo\nwörld\nlast')
    const chunks = Array.from(bytes, (_b, i) => bytes.subarray(i, i + 1))
    expect(split(chunks)).toEqual([{text: 'héllo'}, {text: 'wörld'}, {text: 'last'}])
  })

  it('a line past the limit is dropped whole and its length told, however long it grows; the next line is whole', () => {
    const endless = Buffer.alloc(1000, 'x')
    const lines = split([Buffer.from('ok\n'), ...Array.from({length: 100}, () => endless), Buffer.from('\nnext\n')])
    expect(lines).toEqual([{text: 'ok'}, {droppedBytes: 100_000}, {text: 'next'}])
  })

  it('escape sequences split between chunks are in the one line handed on (for the filter to see whole)', () => {
    expect(split([Buffer.from('a\x1b'), Buffer.from(']0;title\x07b\n')], 64)).toEqual([{text: 'a\x1b]0;title\x07b'}])
  })
})
