/** What a column of a table needs, to fit it into a terminal's width. */
export interface ColumnNeed {
  /** Its widest cell, the header included. */
  readonly width: number
  readonly headerWidth: number
  /** 0: always shown; above 0: may be left out, the largest first (kubectl's priority: what `-o wide` adds). */
  readonly priority: number
  /** Free text that may be cut with … (never below its header, nor below MIN_CUT_WIDTH). */
  readonly cut: boolean
}

/** How a column is laid out: left out, or shown this many columns wide (less than its need: its cells are cut). */
export type ColumnFit = {readonly shown: false} | {readonly shown: true; readonly width: number}

/** The spaces between two columns. */
export const COLUMN_GAP = 2

/** A column that may be cut keeps at least this much of its text (or all of it, if shorter): less says nothing. */
export const MIN_CUT_WIDTH = 12

/**
 * The columns laid out in `terminalWidth` (0: no limit, every column whole). First the least essential columns are
 * left out, the largest priority first (the rightmost of a tie), until what remains fits with its free text cut
 * to the least it may keep; then the free-text columns are cut, the widest first, to what room there is. A narrow
 * column is not kept in place of a more needed wide one: what shows is always the most needed, so a reader knows
 * what to expect at any width. Columns that must show whole and are wider than the terminal together stay whole:
 * the terminal wraps them, as it wraps any long line.
 */
export function fitColumns(needs: readonly ColumnNeed[], terminalWidth: number): ColumnFit[] {
  const whole = needs.map((need): ColumnFit => ({shown: true, width: need.width}))
  if (terminalWidth <= 0 || tableWidth(needs.map((need) => need.width)) <= terminalWidth) return whole
  const least = needs.map(leastWidth)
  const shown = needs.map(() => true)
  const widthShown = () => tableWidth(least.filter((_, index) => shown[index]))
  const byPriority = needs.map((need, index) => ({need, index})).filter(({need}) => need.priority > 0)
  const leaveOutOrder = [...byPriority].sort((a, b) => b.need.priority - a.need.priority || b.index - a.index)
  for (const {index} of leaveOutOrder) {
    if (widthShown() <= terminalWidth) break
    shown[index] = false
  }
  const cap = cutCap(needs, least, shown, terminalWidth)
  return needs.map((need, index): ColumnFit => {
    if (!shown[index]) return {shown: false}
    return {shown: true, width: need.cut ? Math.max(least[index]!, Math.min(need.width, cap)) : need.width}
  })
}

/** The widths of the columns laid out side by side, with the gaps between them. */
function tableWidth(widths: readonly number[]): number {
  return widths.reduce((sum, width) => sum + width, 0) + COLUMN_GAP * Math.max(0, widths.length - 1)
}

function leastWidth(need: ColumnNeed): number {
  return need.cut ? Math.min(need.width, Math.max(need.headerWidth, MIN_CUT_WIDTH)) : need.width
}

/**
 * The widest the free-text columns may be so that the shown columns fit (each cut to at most this, and to no less
 * than its least): the largest that fits, found by halving; their least when nothing fits.
 */
function cutCap(needs: readonly ColumnNeed[], least: readonly number[], shown: readonly boolean[], terminalWidth: number): number {
  const widthWith = (cap: number) => tableWidth(needs.flatMap((need, index) => (shown[index] ? [need.cut ? Math.max(least[index]!, Math.min(need.width, cap)) : need.width] : [])))
  let low = 0
  let high = Math.max(0, ...needs.map((need) => need.width))
  if (widthWith(high) <= terminalWidth) return high
  while (low < high) {
    const middle = Math.ceil((low + high) / 2)
    if (widthWith(middle) <= terminalWidth) low = middle
    else high = middle - 1
  }
  return low
}
