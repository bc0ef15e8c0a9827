import * as Flags from '@oclif/core/flags'

import {filterRegions} from '../lib/catalog.js'
import {ApiCommand} from '../lib/cli/api-command.js'
import {apiEndpointFlag} from '../lib/cli/flags.js'
import type {Region} from '../lib/do/types.js'
import {formatRegions} from '../lib/output/catalog.js'

export interface RegionsResult {
  regions: Region[]
}

export default class Regions extends ApiCommand<RegionsResult> {
  static override summary = 'List DigitalOcean regions and how many sizes each offers.'
  static override examples = [
    {description: 'Regions you can create droplets in', command: '<%= config.bin %> <%= command.id %> --available'},
    {description: 'Against the standard (non-AMD) endpoint', command: '<%= config.bin %> <%= command.id %> --api-endpoint https://api.digitalocean.com'},
  ]

  static override flags = {
    available: Flags.boolean({description: 'only regions that accept new droplets'}),
    'api-endpoint': apiEndpointFlag,
  }

  async run(): Promise<RegionsResult> {
    const {flags} = await this.parse(Regions)
    const api = await this.connect({pool: null, endpointFlag: flags['api-endpoint']})
    const regions = filterRegions(await api.listRegions(), flags)
    if (!this.jsonEnabled()) process.stdout.write(formatRegions(regions))
    return {regions}
  }
}
