/**
 * Text that comes from outside (the API's droplet names, tags, size descriptions, region and key names, error
 * messages) is printed only through these. A terminal obeys control characters: ESC and the C1 CSI/OSC start
 * sequences that clear the screen, move the cursor or retitle the window; a carriage return overwrites the line;
 * a newline or a tab in a table cell fakes rows and columns. Each such character is replaced by a visible escape
 * as JavaScript writes it (`\x1b`, `\r`, `\x9b`), so the operator sees that it was there and the sequence after an
 * ESC is left as inert text (`\x1b[2J`). The escape is for reading: a backslash already in the text is left as
 * it is, so the result is not meant to be decoded back. JSON output never goes through these (JSON escapes).
 */

/** C0 controls but newline and tab, DEL, and the C1 controls U+0080–U+009F (CSI, OSC and NEL among them). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const MESSAGE_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g

/** The same, and newline and tab too: a cell stays on its line and in its column. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CELL_CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g

const NAMED_ESCAPES: Readonly<Record<string, string>> = {'\n': '\\n', '\t': '\\t', '\r': '\\r'}

/** A message (several lines allowed) safe to print: control characters but `\n` and `\t` made visible. */
export function printable(text: string): string {
  return text.replace(MESSAGE_CONTROLS, visibleEscape)
}

/** One table cell safe to print: every control character made visible, newlines and tabs included. */
export function printableCell(text: string): string {
  return text.replace(CELL_CONTROLS, visibleEscape)
}

function visibleEscape(control: string): string {
  return NAMED_ESCAPES[control] ?? `\\x${control.charCodeAt(0).toString(16).padStart(2, '0')}`
}
