import * as Flags from '@oclif/core/flags'

import {filterSizes} from '../lib/catalog.js'
import {ApiCommand} from '../lib/cli/api-command.js'
import {apiEndpointFlag} from '../lib/cli/flags.js'
import type {Size} from '../lib/do/types.js'
import {formatSizes} from '../lib/output/catalog.js'

export interface SizesResult {
  sizes: Size[]
}

export default class Sizes extends ApiCommand<SizesResult> {
  static override summary = 'List droplet sizes: CPUs, memory, GPUs, prices and the regions that offer them.'
  static override examples = [
    {description: 'GPU sizes you can create now', command: '<%= config.bin %> <%= command.id %> --gpu --available'},
    {description: 'What atl1 offers', command: '<%= config.bin %> <%= command.id %> --region atl1'},
    {description: 'Hourly price of the MI300X size', command: "<%= config.bin %> <%= command.id %> --json | jq '.sizes[] | select(.slug == \"gpu-mi300x1-192gb-devcloud\") | .price_hourly'"},
  ]

  static override flags = {
    region: Flags.string({description: 'only sizes offered in this region', helpValue: 'SLUG'}),
    gpu: Flags.boolean({description: 'only GPU sizes'}),
    available: Flags.boolean({description: 'only sizes that can be created now (available, in at least one region)'}),
    'api-endpoint': apiEndpointFlag,
  }

  async run(): Promise<SizesResult> {
    const {flags} = await this.parse(Sizes)
    const api = await this.connect({pool: null, endpointFlag: flags['api-endpoint']})
    const sizes = filterSizes(await api.listSizes(), flags)
    if (!this.jsonEnabled()) process.stdout.write(formatSizes(sizes))
    return {sizes}
  }
}
