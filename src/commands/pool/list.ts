import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {ApiCommand} from '../../lib/cli/api-command.js'
import {apiEndpointFlag, configFlag, tableFlags} from '../../lib/cli/flags.js'
import {findPool} from '../../lib/config/load.js'
import {dropletColumns, formatSharedNotes} from '../../lib/output/droplet-table.js'
import {formatCountsLine} from '../../lib/output/pool-counts.js'
import {renderTable, type TableView, tableView} from '../../lib/output/table.js'
import {groupByAccount} from '../../lib/pool/accounts.js'
import {listPools, type PoolDroplet} from '../../lib/pool/membership.js'
import {type PoolCounts, type PoolCountsJson, countPool, countsJson} from '../../lib/pool/counts.js'

export interface PoolListResult {
  droplets: PoolDroplet[]
  pools: PoolCountsJson[]
}

export default class PoolList extends ApiCommand<PoolListResult> {
  static override summary = 'List the droplets of a pool, or of every configured pool.'
  // The names doctl and gh users type.
  static override hiddenAliases = ['pool:ls']
  static override description = [
    'GPU droplets included. --all adds droplets tagged velda that belong to no configured pool (pool "?" in the table, null in JSON).',
    'A droplet the Velda broker made with a prefix that several pools share is listed once, as "a|b?" in the table (pool null and candidate_pools ["a", "b"] in JSON): pool down --count/--all leaves it, --name or --id deletes it.',
    'Follows every page; a page that fails fails the command. --format picks columns (POOL, NAME, ID, STATUS, REGION, SIZE, PUBLIC IPV4, PRIVATE IPV4, AGE, $/HOUR, EXPIRES) and, like --no-header, prints the rows only. The line of each pool ends with what its droplets cost an hour together (DigitalOcean bills powered-off droplets too); EXPIRES is the lease of a droplet made with --ttl.',
  ].join('\n\n')

  static override examples = [
    {description: 'Every configured pool', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'One pool', command: '<%= config.bin %> <%= command.id %> amd-mi300x'},
    {description: 'Names and addresses only, for a script', command: '<%= config.bin %> <%= command.id %> amd-mi300x --format Name,PublicIPv4 --no-header'},
    {description: 'Public addresses of the active droplets', command: "<%= config.bin %> <%= command.id %> amd-mi300x --json | jq -r '.droplets[] | select(.status == \"active\") | .public_ipv4'"},
  ]

  static override args = {
    pool: Args.string({description: 'pool name (default: every configured pool)'}),
  }

  static override flags = {
    all: Flags.boolean({description: 'also list velda droplets of pools that are not configured'}),
    ...tableFlags,
    config: configFlag,
    'api-endpoint': apiEndpointFlag,
  }

  /** The per-pool lines under the table: counts by status, and droplets another pool may own. */
  private summaries: PoolCounts[] = []
  private table: TableView<PoolDroplet> = {columns: dropletColumns(this.now), header: true, rowsOnly: false}

  protected async execute(): Promise<PoolListResult> {
    const {args, flags} = await this.parse(PoolList)
    this.table = tableView(dropletColumns(this.now), flags)
    const config = this.readConfig(flags.config)
    const pools = args.pool ? [findPool(config, args.pool)] : config.pools
    const droplets: PoolDroplet[] = []
    const listed = new Set<number>()
    for (const group of groupByAccount(pools, flags['api-endpoint'], this.env)) {
      const api = await this.connect({pool: group[0] ?? null, endpointFlag: flags['api-endpoint']})
      // Every configured pool, so that a droplet whose prefix several pools share is seen to be shared.
      const listing = await listPools(api, group, config.pools, {foreign: flags.all})
      // Two groups may reach one account (one token under two names): each droplet is listed once.
      for (const droplet of [...listing.members, ...listing.foreign]) {
        if (listed.has(droplet.id)) continue
        listed.add(droplet.id)
        droplets.push(droplet)
      }
    }
    this.summaries = pools.map((pool) => countPool(pool, droplets))
    return {droplets, pools: this.summaries.map(countsJson)}
  }

  protected override render({droplets}: PoolListResult): string {
    if (this.table.rowsOnly) return renderTable(this.table, droplets, this.stdoutFit)
    const table = droplets.length > 0 ? renderTable(this.table, droplets, this.stdoutFit) : 'no droplets\n'
    const notes = formatSharedNotes(droplets)
    return `${table}\n${this.summaries.map(formatCountsLine).join('\n')}\n${notes ? `\n${notes}` : ''}`
  }
}
