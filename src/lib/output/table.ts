import chalk from 'chalk'

import {UsageError} from '../base/errors.js'
import {printableCell} from '../text/printable.js'
import {cutToWidth, displayWidth} from './cell-width.js'
import {COLUMN_GAP, type ColumnFit, fitColumns} from './fit-columns.js'
import {plural} from '../text/plural.js'

export {displayWidth} from './cell-width.js'

/** One column of a table command: its header, and the cell of a row. */
export interface Column<Row> {
  readonly header: string
  readonly cell: (row: Row) => string | number
  /** Other names --format accepts: the JSON key where it differs from the header (`price_hourly` for `$/HOUR`). */
  readonly aliases?: readonly string[]
  /**
   * On a terminal narrower than the table: absent or 0, the column always shows; above 0, it may be left out, the
   * largest first (what an operator needs least). Declared once, where the table's columns are.
   */
  readonly priority?: number
  /** Free text (a description, a list, a detail) that may be cut with … to fit; names, ids and addresses never are. */
  readonly cut?: boolean
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
 * How wide the tables of one command's output may be, and what fitting them left out or cut: the one note about
 * it names them (fitNote). One per output (stdout, or the prompt's stderr), shared by its tables.
 */
export interface TableFit {
  /** The terminal's columns; 0 for the whole table (a pipe, a file, `-o wide`). */
  readonly width: number
  /** Headers of the columns left out, in the order met. */
  readonly leftOut: Set<string>
  /** Headers of the columns whose cells were cut with …. */
  readonly cut: Set<string>
}

/** A fit for output `width` columns wide (0: no limit). */
export function tableFit(width: number): TableFit {
  return {width, leftOut: new Set(), cut: new Set()}
}

/**
 * The note that says what fitting the tables did, and how to see it all, wrapped to the fit's width (it is read
 * on that terminal); null when every table was whole. Not data: it goes to stderr.
 */
export function fitNote(fit: TableFit): string | null {
  const done = [
    ...(fit.leftOut.size > 0 ? [`left out ${[...fit.leftOut].join(', ')}`] : []),
    ...(fit.cut.size > 0 ? [`cut ${[...fit.cut].join(', ')} with …`] : []),
  ]
  if (done.length === 0) return null
  return wrapWords(`to fit ${plural(fit.width, 'column')}: ${done.join('; ')}. -o wide prints the whole table; --format picks columns`, fit.width)
}

/** Lines of at most `width` columns, broken between words (a longer word has a line of its own). */
function wrapWords(text: string, width: number): string {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    if (line !== '' && displayWidth(line) + 1 + displayWidth(word) > width) {
      lines.push(line)
      line = word
    } else {
      line = line === '' ? word : `${line} ${word}`
    }
  }
  return [...lines, line].join('\n')
}

/**
 * A borderless, column-aligned table like kubectl's and doctl's: easy to read, easy to cut with awk. The header
 * is bold only on a TTY (chalk decides). Cells hold text from the API: each is made printable here, so no
 * table can carry an escape sequence, or a newline or tab that fakes a row or a column. Linear in the number of
 * cells: a listing of 10,000 droplets prints in a few tens of milliseconds.
 *
 * Given a `fit` with a width (a terminal's), a wider table leaves out its least essential columns and cuts its
 * free text (fitColumns), and says so in `fit`. Rows only (`--format`, `--no-header`) are for scripts: never fitted.
 */
export function renderTable<Row>(view: TableView<Row>, rows: readonly Row[], fit?: TableFit): string {
  const lines: string[][] = rows.map((row) => view.columns.map((column) => printableCell(String(column.cell(row)))))
  const headers = view.columns.map((column) => column.header)
  if (view.header) lines.unshift(headers)
  const widths = headers.map(() => 0)
  for (const line of lines) line.forEach((cell, index) => (widths[index] = Math.max(widths[index]!, displayWidth(cell))))
  const layout = fit && !view.rowsOnly ? fitted(view.columns, widths, fit) : widths.map((width): ColumnFit => ({shown: true, width}))
  const shown = layout.flatMap((column, index) => (column.shown ? [{index, width: column.width, cut: column.width < widths[index]!}] : []))
  const last = shown.length - 1
  const out = lines.map((line, lineIndex) => {
    const text = shown
      .map(({index, width, cut}, position) => {
        const cell = cut ? cutToWidth(line[index]!, width) : line[index]!
        return position === last ? cell : cell + ' '.repeat(width - displayWidth(cell) + COLUMN_GAP)
      })
      .join('')
      .trimEnd()
    return view.header && lineIndex === 0 ? boldHeader(text) : text
  })
  return out.length > 0 ? `${out.join('\n')}\n` : ''
}

/** The columns laid out in the fit's width, and what was left out or cut added to it. */
function fitted<Row>(columns: readonly Column<Row>[], widths: readonly number[], fit: TableFit): ColumnFit[] {
  const layout = fitColumns(
    columns.map((column, index) => ({width: widths[index]!, headerWidth: displayWidth(column.header), priority: column.priority ?? 0, cut: column.cut ?? false})),
    fit.width,
  )
  layout.forEach((column, index) => {
    const header = columns[index]!.header
    if (!column.shown) fit.leftOut.add(header)
    else if (column.width < widths[index]!) fit.cut.add(header)
  })
  return layout
}

function boldHeader(line: string): string {
  return chalk.level > 0 ? chalk.bold(line) : line
}
