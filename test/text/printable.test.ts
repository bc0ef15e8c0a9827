import {describe, expect, it} from 'vitest'

import {printable, printableCell} from '../../src/lib/text/printable.js'

describe('printable: a message from outside, safe to print', () => {
  it.each([
    ['plain text unchanged', 'droplet velda-930b7ad6-k3x9q not found', 'droplet velda-930b7ad6-k3x9q not found'],
    ['newlines and tabs kept', 'line 1\n\tline 2', 'line 1\n\tline 2'],
    ['non-ASCII text kept', 'Größe “München” 東京 🚀', 'Größe “München” 東京 🚀'],
    ['a backslash kept as it is', 'C:\\path', 'C:\\path'],
    ['clear screen: ESC shown, the rest inert', 'a\u001b[2Jb', 'a\\x1b[2Jb'],
    ['window title (OSC ... BEL)', '\u001b]0;owned\u0007', '\\x1b]0;owned\\x07'],
    ['carriage return', 'ok\rfake', 'ok\\rfake'],
    ['NUL, backspace, form feed, vertical tab', '\u0000\b\f\v', '\\x00\\x08\\x0c\\x0b'],
    ['DEL', 'a\u007fb', 'a\\x7fb'],
    ['C1 CSI, NEL and the last C1', '\u009b2J\u0085\u009f', '\\x9b2J\\x85\\x9f'],
    ['U+00A0 and above are not controls', '\u00a0é', '\u00a0é'],
    ['right-to-left override (Trojan Source)', 'velda-\u202e1-loop', 'velda-\\u202e1-loop'],
    ['every bidi embedding, override and isolate', '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069', '\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069'],
    ['the bidi marks LRM, RLM, ALM', '\u200e\u200f\u061c', '\\u200e\\u200f\\u061c'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
  ])('%s', (_what, input, expected) => {
    expect(printable(input)).toBe(expected)
  })
})

describe('printableCell: one table cell, on one line', () => {
  it.each([
    ['plain text unchanged', 'velda-930b7ad6-k3x9q', 'velda-930b7ad6-k3x9q'],
    ['a newline cannot fake a row', 'a\nPOOL  b', 'a\\nPOOL  b'],
    ['a tab cannot fake a column', 'a\tb', 'a\\tb'],
    ['CR LF', 'a\r\nb', 'a\\r\\nb'],
    ['escape sequences as in printable', '\u001b[31mred\u009b0m', '\\x1b[31mred\\x9b0m'],
    ['a bidi override cannot reorder the row', 'abc\u202e  fed\u2066x\u2069', 'abc\\u202e  fed\\u2066x\\u2069'],
  ])('%s', (_what, input, expected) => {
    expect(printableCell(input)).toBe(expected)
  })

  it('leaves no control character, bidi control or line separator in any input', () => {
    const every = Array.from({length: 0x2070}, (_v, i) => String.fromCharCode(i)).join('')
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    expect(printableCell(every)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/)
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    expect(printable(every)).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/)
  })
})
