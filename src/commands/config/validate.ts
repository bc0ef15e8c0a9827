import {BaseCommand} from '../../lib/cli/base-command.js'
import {configFlag} from '../../lib/cli/flags.js'
import {diagnosticToJson} from '../../lib/config/diagnostics.js'
import {type PoolSummary, summarizePools} from '../../lib/config/summary.js'
import {formatConfigSummary} from '../../lib/output/config-summary.js'

export interface ConfigValidateResult {
  file: string
  valid: true
  pools: PoolSummary[]
  warnings: Record<string, unknown>[]
}

export default class ConfigValidate extends BaseCommand<ConfigValidateResult> {
  static override summary = 'Check the Velda config file and show each pool with its resolved settings.'
  static override description = `Reports every problem at once, each with file:line:col, the key path and the fix, and exits 2;
exits 0 when the file is valid. Calls no API and needs no token. Secrets are shown as <redacted>.`

  static override examples = [
    {description: 'Check the config found in the current directory', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Check a given file', command: '<%= config.bin %> <%= command.id %> -c examples/velda.yaml'},
    {description: 'In CI: the prefix of every pool', command: "<%= config.bin %> <%= command.id %> --json | jq -r '.pools[] | .name + \" \" + .prefix'"},
  ]

  static override flags = {
    config: configFlag,
  }

  async run(): Promise<ConfigValidateResult> {
    const {flags} = await this.parse(ConfigValidate)
    const config = this.readConfig(flags.config)
    const pools = summarizePools(config, this.env)
    if (!this.jsonEnabled()) process.stdout.write(formatConfigSummary(config.file, pools))
    return {file: config.file, valid: true, pools, warnings: config.warnings.map((w) => diagnosticToJson(w))}
  }
}
