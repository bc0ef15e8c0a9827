import {describe, expect, it} from 'vitest'

import {type ColumnNeed, fitColumns, MIN_CUT_WIDTH} from '../../src/lib/output/fit-columns.js'

/** A column that always shows whole (a name, an id), one that may be left out, one of free text. */
const whole = (width: number): ColumnNeed => ({width, headerWidth: 2, priority: 0, cut: false})
const optional = (width: number, priority: number): ColumnNeed => ({width, headerWidth: 2, priority, cut: false})
const text = (width: number, priority = 0, headerWidth = 4): ColumnNeed => ({width, headerWidth, priority, cut: true})

/** The layout as a line a reader checks at a glance: each shown column's width, `-` for one left out. */
function layout(needs: readonly ColumnNeed[], terminalWidth: number): string {
  return fitColumns(needs, terminalWidth).map((column) => (column.shown ? String(column.width) : '-')).join(' ')
}

describe('fitting a table into a terminal', () => {
  it.each([
    // [what, needs, terminal width, layout]
    ['no width (a pipe, a file, -o wide): every column whole', [whole(50), optional(50, 1), text(50)], 0, '50 50 50'],
    ['a table that fits is left as it is', [whole(10), optional(10, 1), text(10)], 34, '10 10 10'],
    ['exactly the width fits (gaps of 2 between columns)', [whole(10), whole(10)], 22, '10 10'],
    ['the largest priority is left out first', [whole(10), optional(10, 1), optional(10, 2)], 30, '10 10 -'],
    ['then the next, until the rest fits', [whole(10), optional(10, 1), optional(10, 2)], 15, '10 - -'],
    ['of two of one priority, the rightmost goes first', [whole(10), optional(10, 1), optional(10, 1)], 30, '10 10 -'],
    ['a narrow column is not kept in place of a more needed wide one', [whole(10), optional(3, 1), optional(30, 2), optional(4, 3)], 25, '10 3 - -'],
    ['free text is cut, not left out, while it can keep its least', [whole(10), optional(5, 1), text(40)], 40, '10 5 21'],
    ['a column is left out rather than text cut below its least', [whole(10), optional(20, 1), text(40)], 30, `10 - ${30 - 10 - 2}`],
    ['the widest text is cut first, to one cap', [whole(10), text(30), text(20), text(8)], 50, '10 13 13 8'],
    ['text is never cut below its header', [whole(10), text(40, 0, 16)], 20, '10 16'],
    ['short text is never cut below what it holds', [whole(10), text(5)], 12, '10 5'],
    ['columns that must show whole stay whole when they alone are too wide: the terminal wraps them', [whole(50), whole(50), optional(5, 1)], 80, '50 50 -'],
  ])('%s', (_what, needs, terminalWidth, expected) => {
    expect(layout(needs, terminalWidth)).toBe(expected)
  })

  it('cuts free text to no less than MIN_CUT_WIDTH when there is no room at all', () => {
    expect(layout([whole(70), text(40)], 80)).toBe(`70 ${MIN_CUT_WIDTH}`)
  })
})
