import chalk from 'chalk'

import type {PoolSummary} from '../config/summary.js'
import {printableCell} from './printable.js'

/**
 * The human form of `config validate`: one block per pool, settings with where they came from. Values are the
 * file's text (a YAML "\e" is an ESC): each is made printable, and chalk's own colour codes are added after.
 */
export function formatConfigSummary(file: string, pools: readonly PoolSummary[]): string {
  const header = `${chalk.green('✓')} ${printableCell(file)} is valid: ${pools.length} DigitalOcean pool${pools.length === 1 ? '' : 's'}`
  return [header, ...pools.map(formatPool)].join('\n\n') + '\n'
}

function formatPool(pool: PoolSummary): string {
  const rows: [string, string][] = [
    ['prefix', pool.prefix],
    ['droplets', `${pool.size} in ${pool.region}, image ${pool.image}`],
    ['ssh keys', pool.ssh_key_ids.length > 0 ? pool.ssh_key_ids.join(', ') : 'none'],
    ['options', `backups ${onOff(pool.backups)}, ipv6 ${onOff(pool.ipv6)}, monitoring ${onOff(pool.monitoring)}, vpc ${pool.vpc_uuid ?? 'default'}`],
    ['tags', pool.tags.join(', ')],
    ['limits', `min ${pool.min_agents}, max ${pool.max_agents ?? 'unlimited'}`],
    ['endpoint', `${pool.api_endpoint.value} (${pool.api_endpoint.source})`],
    ['token', pool.api_token ? `${pool.api_token.value} from ${pool.api_token.source}${pool.api_token.set ? '' : ' (not set)'}` : 'none'],
    ['broker', pool.broker ? `${pool.broker.value} (${pool.broker.source})` : 'none'],
    ['agent', pool.agent_version ? `${pool.agent_version.value} (${pool.agent_version.source})` : 'none'],
    ['tailscale', pool.tailscale
      ? `${pool.tailscale.server ?? 'Tailscale\'s own server'}, key ${pool.tailscale.pre_auth_key}${pool.tailscale.set ? '' : ' (not set)'}`
      : 'off'],
  ]
  const title = `${chalk.bold(printableCell(pool.name))}  ${chalk.dim(printableCell(pool.defined_at))}${pool.description ? `  ${printableCell(pool.description)}` : ''}`
  const body = rows.map(([key, value]) => `  ${key.padEnd(10)} ${printableCell(value)}`)
  const notes = pool.notes.map((note) => `  ${chalk.yellow('note')}       ${printableCell(note)}`)
  return [title, ...body, ...notes].join('\n')
}

function onOff(value: boolean): string {
  return value ? 'on' : 'off'
}
