import chalk from 'chalk'

import {showOptions, showSetting} from '../config/droplet-settings.js'
import {showPoolSettings} from '../config/pool-settings.js'
import {describeBrokerDuration, type PoolReport} from '../validation/pool-report.js'
import {printableCell} from '../text/printable.js'
import {plural} from '../text/plural.js'

/**
 * The human form of `config validate`: one block per pool, settings with where they came from. Values are the
 * file's text (a YAML "\e" is an ESC): each is made printable, and chalk's own colour codes are added after.
 */
export function formatValidationReport(file: string, pools: readonly PoolReport[], unchecked: readonly string[] = []): string {
  const header = `${chalk.green('✓')} ${printableCell(file)} is valid: ${plural(pools.length, 'DigitalOcean pool')}`
  // One line, not an error: velda-do does not know these sections' schema, the broker checks them when it starts.
  const skipped = unchecked.length > 0
    ? [`${chalk.dim('not checked')} ${printableCell(unchecked.join(', '))}: velda-do does not know their schema (the broker refuses unknown keys there too)`]
    : []
  return [header, ...pools.map(formatPool), ...skipped].join('\n\n') + '\n'
}

function formatPool(pool: PoolReport): string {
  const rows: [string, string][] = [
    ['prefix', pool.prefix],
    ['droplets', `${pool.size} in ${pool.region}, image ${pool.image}`],
    ['ssh keys', showSetting('ssh_key_ids', pool)],
    ['options', showOptions(pool)],
    ['tags', pool.tags.join(', ')],
    ['limits', `min ${pool.min_agents}, max ${pool.max_agents ?? 'unlimited'}`],
    ...showPoolSettings(pool),
    ...parityRows(pool),
    ...autoscalerRows(pool),
  ]
  const title = `${chalk.bold(printableCell(pool.name))}  ${chalk.dim(printableCell(pool.defined_at))}${pool.description ? `  ${printableCell(pool.description)}` : ''}`
  const body = rows.map(([key, value]) => `  ${key.padEnd(10)} ${printableCell(value)}`)
  const notes = pool.notes.map((note) => `  ${chalk.yellow('note')}       ${printableCell(note)}`)
  return [title, ...body, ...notes].join('\n')
}

/** Whether the broker, reading the same file, sees the same prefix, tags and agent config. */
function parityRows(pool: PoolReport): [string, string][] {
  const {prefix, tags, agent_config: agentConfig} = pool.broker_parity
  return [
    ['parity', `prefix ${prefix.same ? 'the same for the broker' : `DIFFERS: the broker's is ${prefix.broker}`}`],
    ['', `tags ${tags.same ? 'the same' : `differ: ${tags.note}`}`],
    ['', `agent.yaml ${agentConfig.same ? agentConfig.note : `differs: ${agentConfig.note}`}`],
  ]
}

/** The autoscaler a broker running this pool applies: it deletes idle droplets, velda-do's included. */
function autoscalerRows(pool: PoolReport): [string, string][] {
  const scaler = pool.broker_autoscaler
  const kill = scaler.kill_unknown_after === null ? 'never' : describeBrokerDuration(scaler.kill_unknown_after)
  const idle = scaler.max_idle_agents === 0
    ? `, so a running broker deletes idle droplets${scaler.idle_decay === '0s' ? ' at once' : ''} down to min ${scaler.min_agents}, velda-do's too`
    : ''
  return [
    ['autoscale', `as a broker applies it (${scaler.source}): min ${scaler.min_agents}, max ${scaler.max_agents}${scaler.max_agents === 0 ? ' (the broker creates none)' : ''}`],
    ['', `max_idle_agents ${scaler.max_idle_agents}, idle_decay ${describeBrokerDuration(scaler.idle_decay)}${idle}`],
    ['', `kill_unknown_after ${kill}, checked every ${describeBrokerDuration(scaler.sync_loop_interval)}`],
  ]
}
