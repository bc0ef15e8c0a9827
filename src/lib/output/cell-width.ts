// Characters a terminal draws two columns wide: CJK, Hangul, fullwidth forms and emoji.
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|\p{Extended_Pictographic}/u
// Characters drawn on top of the one before: combining marks, variation selectors, zero-width joiners.
const ZERO_WIDTH = /^(?:\p{Mn}|\p{Me}|[\u200b-\u200f]|[\ufe00-\ufe0f])$/u
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/

/** Columns the text takes on a terminal; plain ASCII (nearly every cell) is its length. */
export function displayWidth(text: string): number {
  // The fast path: printable ASCII only.
  if (PRINTABLE_ASCII.test(text)) return text.length
  let width = 0
  for (const char of text) width += charWidth(char)
  return width
}

function charWidth(char: string): number {
  return ZERO_WIDTH.test(char) ? 0 : WIDE.test(char) ? 2 : 1
}

/** What ends a cell that was cut: one column wide on every terminal. */
const ELLIPSIS = '…'

/*
 * The pieces a cell is cut between. A printable cell shows each control character it held as an escape
 * (`\x1b`, `\u202e`, `\n`: text/printable.ts): cut inside one, `\x1` would read as another character. A
 * character with the marks drawn on it, and an emoji joined to the next by a zero-width joiner, go whole too.
 */
const ESCAPE = /\\(?:x[0-9a-f]{2}|u[0-9a-f]{4}|[ntr])/y
const ZWJ = '\u200d'

/**
 * The text cut to at most `width` columns, ending in … when anything was cut; the text itself when it fits. Never
 * inside a shown escape, a wide character or a character and its marks: such a piece that does not fit goes
 * whole, and the cut text may then be a column narrower than `width`.
 */
export function cutToWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text
  const room = width - displayWidth(ELLIPSIS)
  if (room < 0) return ''
  let kept = 0
  let used = 0
  let index = 0
  while (index < text.length) {
    const end = pieceEnd(text, index)
    const pieceWidth = displayWidth(text.slice(index, end))
    if (used + pieceWidth > room) break
    used += pieceWidth
    kept = end
    index = end
  }
  return `${text.slice(0, kept)}${ELLIPSIS}`
}

/** Where the piece that starts at `start` ends: an escape, or a character with its marks and joined characters. */
function pieceEnd(text: string, start: number): number {
  ESCAPE.lastIndex = start
  if (ESCAPE.test(text)) return ESCAPE.lastIndex
  let end = start + (text.codePointAt(start)! > 0xffff ? 2 : 1)
  while (end < text.length) {
    const next = String.fromCodePoint(text.codePointAt(end)!)
    const joined = text[end - 1] === ZWJ
    if (!joined && !ZERO_WIDTH.test(next)) break
    end += next.length
  }
  return end
}
