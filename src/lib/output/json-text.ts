/**
 * JSON for a stream a terminal may show (`--json` on a terminal, piped to `less`, the dry run's bodies).
 * JSON.stringify escapes only U+0000–U+001F; DEL and the C1 controls (U+009B is a one-byte CSI: it clears the
 * screen or moves the cursor as ESC [ does) go out raw, and so do the bidi controls that reorder what a line
 * shows (Trojan Source) and the line and paragraph separators. Each is written as its \uXXXX escape instead:
 * the document is the same JSON, JSON.parse gives back exactly the same data, and the terminal gets only text.
 */

/** DEL and C1, the bidi marks, embeddings, overrides and isolates, and U+2028/U+2029. */
const UNESCAPED_BY_STRINGIFY = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g

/** `value` as pretty-printed JSON (two spaces) in which no character a terminal would obey is left raw. */
export function jsonText(value: unknown): string {
  return escapeJsonControls(JSON.stringify(value, null, 2))
}

/**
 * The same escapes in JSON text already made. Outside strings JSON has only ASCII, so every match is inside a
 * string, where `\uXXXX` means the same character.
 */
export function escapeJsonControls(json: string): string {
  return json.replace(UNESCAPED_BY_STRINGIFY, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * jsonText(value) in pieces, `value[key]` (an array) one element at a time: the same text when joined, never one
 * string for all of it. For a large result (pool ssh --all: 128 MiB of output, each control byte 6 characters once
 * escaped), one string would pass V8's longest.
 */
export function* jsonTextChunks(value: Readonly<Record<string, unknown>>, key: string): Generator<string> {
  const items = value[key]
  if (!Array.isArray(items) || items.length === 0) {
    yield jsonText(value)
    return
  }
  // The document with the array empty, at its place among the keys; the elements go where `[]` is. At the top
  // level, `\n  "key": []` can only be that key: a string holding it would show its quotes escaped.
  const outline = jsonText({...value, [key]: []})
  const slot = `\n  ${JSON.stringify(key)}: []`
  const at = outline.indexOf(slot)
  yield `${outline.slice(0, at + slot.length - 1)}\n`
  for (const [index, item] of items.entries()) {
    yield `${jsonText(item).replaceAll(/^/gm, '    ')}${index < items.length - 1 ? ',' : ''}\n`
  }
  yield `  ${outline.slice(at + slot.length - 1)}`
}
