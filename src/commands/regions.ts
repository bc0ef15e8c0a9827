import * as Flags from '@oclif/core/flags'

import {filterRegions} from '../lib/catalog/filters.js'
import {ApiCommand} from '../lib/cli/api-command.js'
import {apiEndpointFlag, tableFlags} from '../lib/cli/flags.js'
import type {Region} from '../lib/do/types.js'
import {formatRegions, REGION_COLUMNS} from '../lib/output/catalog-tables.js'
import {type TableView, tableView} from '../lib/output/table.js'

export interface RegionsResult {
  regions: Region[]
}

export default class Regions extends ApiCommand<RegionsResult> {
  static override summary = 'List DigitalOcean regions and how many sizes each offers.'
  static override description = [
    "The regions of the endpoint's catalog (GET /v2/regions, every page). A region that is not available accepts no new droplets; velda-do sizes --region SLUG shows what one offers.",
    'Columns: SLUG, NAME, AVAILABLE, SIZES. --format picks some (Slug,Available) and, like --no-header, prints the rows only.',
  ].join('\n\n')
  static override examples = [
    {description: 'Regions you can create droplets in', command: '<%= config.bin %> <%= command.id %> --available'},
    {description: 'Slugs of the regions that accept droplets, one per line', command: '<%= config.bin %> <%= command.id %> --available --format Slug --no-header'},
    {description: 'Against the standard (non-AMD) endpoint', command: '<%= config.bin %> <%= command.id %> --api-endpoint https://api.digitalocean.com'},
  ]

  static override flags = {
    available: Flags.boolean({description: 'only regions that accept new droplets'}),
    ...tableFlags,
    'api-endpoint': apiEndpointFlag,
  }

  private table: TableView<Region> = {columns: REGION_COLUMNS, header: true, rowsOnly: false}

  protected async execute(): Promise<RegionsResult> {
    const {flags} = await this.parse(Regions)
    this.table = tableView(REGION_COLUMNS, flags)
    const api = await this.connect({pool: null, endpointFlag: flags['api-endpoint']})
    const regions = filterRegions(await api.listRegions(), flags)
    return {regions}
  }

  protected override render(result: RegionsResult): string {
    return formatRegions(result.regions, this.table, this.stdoutFit)
  }
}
