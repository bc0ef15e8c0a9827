import {describe, expect, it} from 'vitest'

import {jsonText, jsonTextChunks} from '../../src/lib/output/json-text.js'

/** What a terminal obeys or reorders: C0, DEL, C1, the bidi controls, U+2028/U+2029. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const OBEYED = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/

describe('jsonText: --json that a terminal shows as text, and that parses to the same data', () => {
  it.each([
    ['C1 CSI (clears the screen as ESC [ does)', {message: 'bad\u009b2J'}, '"bad\\u009b2J"'],
    ['DEL', {name: 'del\u007f'}, '"del\\u007f"'],
    ['NEL and the last C1', ['\u0085\u009f'], '"\\u0085\\u009f"'],
    ['right-to-left override (Trojan Source)', {name: 'abc\u202edcba'}, '"abc\\u202edcba"'],
    ['bidi isolates and the pop', {name: '\u2066\u2067\u2068\u2069'}, '"\\u2066\\u2067\\u2068\\u2069"'],
    ['embeddings and overrides U+202A–U+202E', {name: '\u202a\u202b\u202c\u202d\u202e'}, '"\\u202a\\u202b\\u202c\\u202d\\u202e"'],
    ['line and paragraph separators', {name: 'a\u2028b\u2029c'}, '"a\\u2028b\\u2029c"'],
    ['keys are escaped too', {'k\u009b': 1}, '"k\\u009b": 1'],
  ])('%s', (_what, value, shown) => {
    const text = jsonText(value)
    expect(text).toContain(shown)
    expect(text).not.toMatch(OBEYED)
    expect(JSON.parse(text)).toEqual(value)
  })

  it('leaves ordinary text as JSON.stringify writes it: non-ASCII, backslashes, C0 escapes', () => {
    const value = {name: 'Größe 東京 🚀 \u00a0', path: 'C:\\x', c0: '\u001b[2J\n'}
    expect(jsonText(value)).toBe(JSON.stringify(value, null, 2))
  })

  it('every UTF-16 code unit: no raw control in the text, the same string when parsed', () => {
    const every = Array.from({length: 0xd800}, (_v, i) => String.fromCharCode(i)).join('')
    const text = jsonText({every})
    expect(text).not.toMatch(OBEYED)
    expect((JSON.parse(text) as {every: string}).every).toBe(every)
  })
})

describe('jsonTextChunks: a large document in pieces', () => {
  it('joined, is exactly jsonText of the document (keys in order, the array in its place, its elements escaped)', () => {
    const doc = {pool: 'gpu', command: 'echo "results": []', results: [{a: 1, s: 'x\u009b\ny'}, {b: [1, {c: null}]}, 'z'], after: true}
    expect([...jsonTextChunks(doc, 'results')].join('')).toBe(jsonText(doc))
    for (const empty of [{results: []}, {pool: 'p'}]) expect([...jsonTextChunks(empty, 'results')].join('')).toBe(jsonText(empty))
  })

  it('pool ssh --all --json of 256 members each printing 256 KiB of control bytes: pieces of one member, not one string past V8\'s longest', () => {
    const stdout = '\u0001'.repeat(256 * 1024)
    const results = Array.from({length: 360}, (_, i) => ({id: i, name: `velda-930b7ad6-${i}`, stdout, stderr: ''}))
    let total = 0
    let longest = 0
    for (const chunk of jsonTextChunks({pool: 'gpu', command: 'x', results}, 'results')) {
      total += chunk.length
      longest = Math.max(longest, chunk.length)
    }
    expect(total).toBeGreaterThan(2 ** 29)
    expect(longest).toBeLessThan(6 * 256 * 1024 + 1024)
  })
})
