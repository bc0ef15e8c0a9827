import chalk from 'chalk'
import Table from 'cli-table3'

import {printableCell} from './printable.js'

/**
 * A borderless, column-aligned table like kubectl's and doctl's: easy to read, easy to cut with awk. The header
 * is bold only on a TTY (chalk decides). Cells hold text from the API: each is made printable here, so no
 * table can carry an escape sequence, or a newline or tab that fakes a row or a column.
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const table = new Table({
    head: headers.map((h) => chalk.bold(h)),
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
    },
    style: {head: [], border: [], 'padding-left': 0, 'padding-right': 0},
  })
  for (const row of rows) table.push(row.map((cell) => printableCell(String(cell))))
  return `${table.toString().split('\n').map((line) => line.trimEnd()).join('\n')}\n`
}
