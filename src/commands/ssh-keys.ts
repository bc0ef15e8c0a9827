import {type MissingKey, missingSshKeysByPool} from '../lib/catalog/filters.js'
import {ApiCommand} from '../lib/cli/api-command.js'
import {apiEndpointFlag, configFlag, tableFlags} from '../lib/cli/flags.js'
import type {SshKey} from '../lib/do/types.js'
import {formatSshKeys, SSH_KEY_COLUMNS} from '../lib/output/catalog-tables.js'
import {type TableView, tableView} from '../lib/output/table.js'

export interface SshKeysResult {
  ssh_keys: SshKey[]
  /** ssh_key_ids of the config that the account does not have (empty without a config). */
  missing_configured_ids: number[]
  /** The same, each with the pools whose ssh_key_ids name it. */
  missing_configured_keys: MissingKey[]
}

export default class SshKeys extends ApiCommand<SshKeysResult> {
  static override summary = "List the account's SSH keys, and which configured ssh_key_ids it lacks."
  static override description = [
    "Reads the config when there is one (-c, $VELDA_DO_CONFIG, ./velda-do.yaml, ./velda.yaml) to check every pool's ssh_key_ids, and names the pools that use a key the account does not have: pool up refuses to create their droplets.",
    'Columns: ID, NAME, FINGERPRINT. --format picks some (ID,Name) and, like --no-header, prints the rows only (without the missing keys).',
  ].join('\n\n')

  static override examples = [
    {description: 'Check the keys of the config in the current directory', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Fail a CI step when a configured key is missing', command: "<%= config.bin %> <%= command.id %> -c velda.yaml --json | jq -e '.missing_configured_ids == []'"},
  ]

  static override flags = {
    config: configFlag,
    ...tableFlags,
    'api-endpoint': apiEndpointFlag,
  }

  private table: TableView<SshKey> = {columns: SSH_KEY_COLUMNS, header: true, rowsOnly: false}

  protected async execute(): Promise<SshKeysResult> {
    const {flags} = await this.parse(SshKeys)
    this.table = tableView(SSH_KEY_COLUMNS, flags)
    const config = this.readOptionalConfig(flags.config)
    const api = await this.connect({pool: null, endpointFlag: flags['api-endpoint']})
    const keys = await api.listSshKeys()
    const missing = missingSshKeysByPool(keys, config?.pools ?? [])
    return {ssh_keys: keys, missing_configured_ids: missing.map((key) => key.id), missing_configured_keys: missing}
  }

  protected override render(result: SshKeysResult): string {
    return formatSshKeys(result.ssh_keys, result.missing_configured_keys, this.table, this.stdoutFit)
  }
}
