import * as Flags from '@oclif/core/flags'

import {filterSizes} from '../lib/catalog/filters.js'
import {ApiCommand} from '../lib/cli/api-command.js'
import {apiEndpointFlag, tableFlags} from '../lib/cli/flags.js'
import type {Size} from '../lib/do/types.js'
import {formatSizes, SIZE_COLUMNS} from '../lib/output/catalog-tables.js'
import {type TableView, tableView} from '../lib/output/table.js'

export interface SizesResult {
  sizes: Size[]
}

export default class Sizes extends ApiCommand<SizesResult> {
  static override summary = 'List droplet sizes: CPUs, memory, GPUs, prices and the regions that offer them.'
  static override description = [
    "The sizes of the endpoint's catalog (GET /v2/sizes, every page): on the AMD endpoint (api-amd.digitalocean.com) that is where the MI300X sizes are. A pool's size must be offered in its region; pool up checks that before creating.",
    'Columns: SLUG, DESCRIPTION, VCPUS, MEMORY, DISK, GPU, $/HOUR, $/MONTH, REGIONS. --format picks some (Slug,PriceHourly,Regions; a column goes by its header or its --json key) and, like --no-header, prints the rows only.',
  ].join('\n\n')
  static override examples = [
    {description: 'GPU sizes you can create now', command: '<%= config.bin %> <%= command.id %> --gpu --available'},
    {description: 'What atl1 offers', command: '<%= config.bin %> <%= command.id %> --region atl1'},
    {description: 'Slugs and hourly prices, for a script', command: '<%= config.bin %> <%= command.id %> --gpu --format slug,price_hourly --no-header'},
    {description: 'Hourly price of the MI300X size', command: "<%= config.bin %> <%= command.id %> --json | jq '.sizes[] | select(.slug == \"gpu-mi300x1-192gb-devcloud\") | .price_hourly'"},
  ]

  static override flags = {
    region: Flags.string({description: 'only sizes offered in this region', helpValue: 'SLUG'}),
    gpu: Flags.boolean({description: 'only GPU sizes'}),
    available: Flags.boolean({description: 'only sizes that can be created now (available, in at least one region)'}),
    ...tableFlags,
    'api-endpoint': apiEndpointFlag,
  }

  private table: TableView<Size> = {columns: SIZE_COLUMNS, header: true, rowsOnly: false}

  protected async execute(): Promise<SizesResult> {
    const {flags} = await this.parse(Sizes)
    this.table = tableView(SIZE_COLUMNS, flags)
    const api = await this.connect({pool: null, endpointFlag: flags['api-endpoint']})
    const sizes = filterSizes(await api.listSizes(), flags)
    return {sizes}
  }

  protected override render(result: SizesResult): string {
    return formatSizes(result.sizes, this.table, this.stdoutFit)
  }
}
