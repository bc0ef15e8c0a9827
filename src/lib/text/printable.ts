/**
 * Text that comes from outside (the API's droplet names, tags, size descriptions, region and key names, error
 * messages) is printed only through these. A terminal obeys control characters: ESC and the C1 CSI/OSC start
 * sequences that clear the screen, move the cursor or retitle the window; a carriage return overwrites the line;
 * a newline or a tab in a table cell fakes rows and columns. Each such character is replaced by a visible escape
 * as JavaScript writes it (`\x1b`, `\r`, `\x9b`, `\u202e`), so the operator sees that it was there and the
 * sequence after an ESC is left as inert text (`\x1b[2J`). The escape is for reading: a backslash already in the
 * text is left as it is, so the result is not meant to be decoded back. JSON output never goes through these
 * (output/json-text.ts escapes the same characters the JSON way). A pure filter below every layer that prints: the
 * domain's own error messages quote outside names through it as much as the tables do.
 */

/*
 * Besides C0, DEL and C1, the bidi controls: embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069 and
 * the marks U+061C, U+200E, U+200F. A terminal that does bidi reorders what follows them, so text can show in
 * another order than it holds (Trojan Source: a name with U+202E reads as another name). And the line and
 * paragraph separators U+2028/U+2029, which some terminals and viewers break lines on.
 */

/** C0 controls but newline and tab, DEL, the C1 controls U+0080–U+009F (CSI, OSC and NEL among them), bidi. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const MESSAGE_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g

/** The same, and newline and tab too: a cell stays on its line and in its column. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CELL_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g

const NAMED_ESCAPES: Readonly<Record<string, string>> = {'\n': '\\n', '\t': '\\t', '\r': '\\r'}

/** A message (several lines allowed) safe to print: control characters but `\n` and `\t` made visible. */
export function printable(text: string): string {
  return text.replace(MESSAGE_CONTROLS, visibleEscape)
}

/** One table cell safe to print: every control character made visible, newlines and tabs included. */
export function printableCell(text: string): string {
  return text.replace(CELL_CONTROLS, visibleEscape)
}

/** `\x1b` below U+0100, `\u202e` above, as JavaScript writes them. */
function visibleEscape(control: string): string {
  const code = control.charCodeAt(0)
  return NAMED_ESCAPES[control] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`)
}
