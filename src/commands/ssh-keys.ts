import {missingSshKeys} from '../lib/catalog.js'
import {ApiCommand} from '../lib/cli/api-command.js'
import {apiEndpointFlag, configFlag} from '../lib/cli/flags.js'
import type {SshKey} from '../lib/do/types.js'
import {formatSshKeys} from '../lib/output/catalog.js'

export interface SshKeysResult {
  ssh_keys: SshKey[]
  /** ssh_key_ids of the config that the account does not have (empty without a config). */
  missing_configured_ids: number[]
}

export default class SshKeys extends ApiCommand<SshKeysResult> {
  static override summary = "List the account's SSH keys, and the configured ssh_key_ids that are missing from it."
  static override description = `Reads the config when there is one (-c, $VELDA_DO_CONFIG, ./velda-do.yaml, ./velda.yaml) to check every
pool's ssh_key_ids; pool up refuses to create droplets with a key the account does not have.`

  static override examples = [
    {description: 'Check the keys of the config in the current directory', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Fail a CI step when a configured key is missing', command: "<%= config.bin %> <%= command.id %> -c velda.yaml --json | jq -e '.missing_configured_ids == []'"},
  ]

  static override flags = {
    config: configFlag,
    'api-endpoint': apiEndpointFlag,
  }

  async run(): Promise<SshKeysResult> {
    const {flags} = await this.parse(SshKeys)
    const config = this.readOptionalConfig(flags.config)
    const api = await this.connect({pool: null, endpointFlag: flags['api-endpoint']})
    const keys = await api.listSshKeys()
    const missing = missingSshKeys(keys, config?.pools.flatMap((p) => p.sshKeyIds) ?? [])
    if (!this.jsonEnabled()) process.stdout.write(formatSshKeys(keys, missing))
    return {ssh_keys: keys, missing_configured_ids: missing}
  }
}
