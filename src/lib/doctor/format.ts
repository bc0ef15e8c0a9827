import chalk from 'chalk'

import {printable} from '../text/printable.js'
import {describeEndpoint} from './endpoints.js'
import type {DoctorReport} from './run.js'
import {plural} from '../text/plural.js'

/**
 * The checklist for people: one block per pool, a mark per check and the fix under each miss. Messages may quote
 * the API (an error text), so every line is made printable.
 */
export function formatDoctor(report: DoctorReport): string {
  const lines: string[] = []
  for (const account of report.accounts) {
    const where = describeEndpoint(account.endpoint)
    const token = account.token ? `, token from ${account.token}` : ', no token'
    lines.push(chalk.bold(printable(`account on ${where === account.endpoint ? where : `${account.endpoint} (${where.replace(/ \(.*\)$/, '')})`}${token}, for ${account.pools.join(', ')}`)))
    lines.push(`  GET /v2/account: ${printable(account.message)}`, '')
  }
  for (const pool of report.pools) {
    const where = describeEndpoint(pool.endpoint)
    lines.push(chalk.bold(printable(`${pool.name} (${where === pool.endpoint ? where : `${pool.endpoint}, ${where.replace(/ \(.*\)$/, '')}`})`)))
    for (const check of pool.checks) {
      lines.push(`  ${check.ok ? chalk.green('✓') : chalk.red('✗')} ${printable(check.message)}`)
      if (check.fix) lines.push(`      fix: ${printable(check.fix)}`)
    }
    lines.push('')
  }
  const misses = report.pools.reduce((n, p) => n + p.checks.filter((c) => !c.ok).length, 0)
  lines.push(misses === 0 ? 'all checks passed' : `${plural(misses, 'check')} failed`)
  return `${lines.join('\n')}\n`
}
