import chalk from 'chalk'

import {UsageError} from '../base/errors.js'
import {printableCell} from '../text/printable.js'

/** One column of a table command: its header, and the cell of a row. */
export interface Column<Row> {
  readonly header: string
  readonly cell: (row: Row) => string | number
  /** Other names --format accepts: the JSON key where it differs from the header (`price_hourly` for `$/HOUR`). */
  readonly aliases?: readonly string[]
}

/** What `--format` and `--no-header` chose: the columns in the user's order, and whether the header line shows. */
export interface TableView<Row> {
  readonly columns: readonly Column<Row>[]
  readonly header: boolean
  /** True when the user picked columns or dropped the header: print rows only, no notes or summary lines after. */
  readonly rowsOnly: boolean
}

export interface TableFlags {
  readonly format?: string | undefined
  readonly 'no-header'?: boolean | undefined
}

/**
 * `--format Name,ID,PublicIPv4` as doctl spells it: a column is named by its header in any case, with or without
 * the spaces, dashes and underscores (`PUBLIC IPV4`, `PublicIPv4`, `public_ipv4`). Checked before anything is sent,
 * and an unknown name lists the names there are.
 */
export function tableView<Row>(columns: readonly Column<Row>[], flags: TableFlags): TableView<Row> {
  const header = !flags['no-header']
  if (flags.format === undefined) return {columns, header, rowsOnly: !header}
  const byKey = new Map(columns.flatMap((column) => [column.header, ...(column.aliases ?? [])].map((name) => [columnKey(name), column] as const)))
  const names = flags.format.split(',').map((name) => name.trim())
  const chosen = names.map((name) => {
    const column = byKey.get(columnKey(name))
    if (!column) {
      throw new UsageError(`--format: no column "${name}"`, {
        suggestions: [`pick from: ${columns.map(displayName).join(',')}`],
      })
    }
    return column
  })
  return {columns: chosen, header, rowsOnly: true}
}

const ACRONYMS = new Set(['ID', 'GPU'])

/**
 * The name a column goes by in --format, as doctl writes them: `PUBLIC IPV4` → `PublicIPv4`; a header that is
 * not a name (`$/HOUR`) goes by its JSON key (`price_hourly` → `PriceHourly`).
 */
export function displayName<Row>(column: Column<Row>): string {
  const name = /^[A-Z0-9 ]+$/.test(column.header) ? column.header : (column.aliases?.[0] ?? column.header)
  return name
    .split(/[\s_-]+/)
    .map((word) => word.toUpperCase())
    .map((word) => (/^IPV\d$/.test(word) ? `IPv${word[3]}` : ACRONYMS.has(word) ? word : `${word[0]}${word.slice(1).toLowerCase()}`))
    .join('')
}

function columnKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9$/]/g, '')
}

/**
 * A borderless, column-aligned table like kubectl's and doctl's: easy to read, easy to cut with awk. The header
 * is bold only on a TTY (chalk decides). Cells hold text from the API: each is made printable here, so no
 * table can carry an escape sequence, or a newline or tab that fakes a row or a column. Linear in the number of
 * cells: a listing of 10,000 droplets prints in a few tens of milliseconds.
 */
export function renderTable<Row>(view: TableView<Row>, rows: readonly Row[]): string {
  const lines: string[][] = rows.map((row) => view.columns.map((column) => printableCell(String(column.cell(row)))))
  const headers = view.columns.map((column) => column.header)
  if (view.header) lines.unshift(headers)
  const widths = headers.map(() => 0)
  for (const line of lines) line.forEach((cell, index) => (widths[index] = Math.max(widths[index]!, displayWidth(cell))))
  const last = headers.length - 1
  const out = lines.map((line, lineIndex) => {
    const text = line.map((cell, index) => (index === last ? cell : cell + ' '.repeat(widths[index]! - displayWidth(cell) + 2))).join('').trimEnd()
    return view.header && lineIndex === 0 ? boldHeader(text) : text
  })
  return out.length > 0 ? `${out.join('\n')}\n` : ''
}

function boldHeader(line: string): string {
  return chalk.level > 0 ? chalk.bold(line) : line
}

// Characters a terminal draws two columns wide: CJK, Hangul, fullwidth forms and emoji.
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|\p{Extended_Pictographic}/u
// Characters drawn on top of the one before: combining marks, variation selectors, zero-width joiners.
const ZERO_WIDTH = /^(?:\p{Mn}|\p{Me}|[\u200b-\u200f]|[\ufe00-\ufe0f])$/u

/** Columns the text takes on a terminal; plain ASCII (nearly every cell) is its length. */
export function displayWidth(text: string): number {
  // The fast path: printable ASCII only.
  if (/^[\x20-\x7e]*$/.test(text)) return text.length
  let width = 0
  for (const char of text) width += ZERO_WIDTH.test(char) ? 0 : WIDE.test(char) ? 2 : 1
  return width
}
