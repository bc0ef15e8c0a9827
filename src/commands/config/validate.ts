import {BaseCommand} from '../../lib/cli/base-command.js'
import {configFlag} from '../../lib/cli/flags.js'
import {diagnosticToJson} from '../../lib/config/diagnostics.js'
import {type PoolReport, reportPools} from '../../lib/validation/pool-report.js'
import {formatValidationReport} from '../../lib/output/validation-report.js'

export interface ConfigValidateResult {
  file: string
  valid: true
  pools: PoolReport[]
  /** Sections the broker reads whose schema velda-do does not know (other backends and provisioners): not checked. */
  unchecked: string[]
  warnings: Record<string, unknown>[]
}

export default class ConfigValidate extends BaseCommand<ConfigValidateResult> {
  static override summary = 'Check the Velda config file and show each pool with its resolved settings.'
  static override description = [
    'Reports every problem at once, each with file:line:col, the key path and the fix, and exits 2; exits 0 when the file is valid. A file is valid only if the Velda broker would also load it.',
    "For each pool it says whether a broker reading the same file sees the same prefix, tags and agent.yaml, and shows the autoscaler a broker applies to the pool (max_idle_agents, idle_decay, kill_unknown_after): a running broker deletes idle droplets, velda-do's too.",
    'Calls no API and needs no token. Secrets are shown as <redacted>.',
  ].join('\n\n')

  static override examples = [
    {description: 'Check the config found in the current directory', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Check a given file', command: '<%= config.bin %> <%= command.id %> -c examples/velda.yaml'},
    {description: 'In CI: the prefix of every pool', command: "<%= config.bin %> <%= command.id %> --json | jq -r '.pools[] | .name + \" \" + .prefix'"},
  ]

  static override flags = {
    config: configFlag,
  }

  protected async execute(): Promise<ConfigValidateResult> {
    const {flags} = await this.parse(ConfigValidate)
    const config = this.readConfig(flags.config)
    const pools = reportPools(config, this.env)
    return {file: config.file, valid: true, pools, unchecked: config.unchecked, warnings: config.warnings.map((w) => diagnosticToJson(w))}
  }

  protected override render(result: ConfigValidateResult): string {
    return formatValidationReport(result.file, result.pools, result.unchecked)
  }
}
