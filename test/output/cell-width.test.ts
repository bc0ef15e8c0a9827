import {describe, expect, it} from 'vitest'

import {cutToWidth, displayWidth} from '../../src/lib/output/cell-width.js'
import {printableCell} from '../../src/lib/text/printable.js'

describe('cutting a cell to a width', () => {
  it.each([
    // [what, text, width, cut]
    ['text that fits is left whole', 'atl1,nyc1', 9, 'atl1,nyc1'],
    ['longer text ends in … within the width', 'atl1,nyc1,sfo3', 9, 'atl1,nyc…'],
    ['a width of one is the … alone', 'abc', 1, '…'],
    ['no room at all is nothing', 'abc', 0, ''],
    ['a wide character is kept whole or not at all', '日本語', 4, '日…'],
    ['a wide character that fits with the … is kept', '日本語', 5, '日本…'],
    ['a character keeps its combining mark', 'cafe\u0301st', 5, 'cafe\u0301…'],
    ['an emoji sequence joined by ZWJ goes whole or not at all', 'a\u{1F468}\u200d\u{1F469}\u200d\u{1F467}b', 4, 'a…'],
    ['a shown escape (\\x1b) is never cut inside', 'ab\\x1b[2J', 5, 'ab…'],
    ['nor a shown \\u202e', 'a\\u202eb', 6, 'a…'],
    ['nor a shown \\n', 'ab\\ncd', 3, 'ab…'],
    ['an escape that fits is kept whole', 'ab\\x1b[2J', 7, 'ab\\x1b…'],
  ])('%s', (_what, text, width, expected) => {
    const cut = cutToWidth(text, width)
    expect(cut).toBe(expected)
    expect(displayWidth(cut)).toBeLessThanOrEqual(Math.max(width, 0))
  })

  it('cuts what printableCell made of a hostile name without leaving half an escape', () => {
    const cell = printableCell('evil\x1b]0;owned\x07name')
    expect(cell).toBe('evil\\x1b]0;owned\\x07name')
    // Widths that end inside `\x1b` or `\x07`: the escape goes whole or not at all.
    for (let width = 1; width <= cell.length; width++) {
      const cut = cutToWidth(cell, width).replace(/…$/, '')
      expect(cut, `cut to ${width}`).not.toMatch(/\\(?:x[0-9a-f]?)?$/)
      expect(cell.startsWith(cut)).toBe(true)
    }
  })
})
