import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {STARTER_DEFAULT_PATH, writeStarterConfig} from '../../lib/config/starter.js'
import {UsageError} from '../../lib/base/errors.js'

export interface ConfigInitResult {
  path: string
}

export default class ConfigInit extends BaseCommand<ConfigInitResult> {
  static override summary = 'Write a commented starter config: one AMD MI300X pool on the AMD endpoint.'
  static override description = `The file is valid as written, for velda-do and for the Velda broker: edit the broker address and the agent version (marked CHANGE) and delete the marks, then check it with config validate (the file) and doctor (the file and the account: it reports any CHANGE mark left). It never overwrites anything: an existing file, directory or symlink at the path is an error (exit 2). Secrets stay out of the file: the API token and the Tailscale key come from environment variables.`

  static override examples = [
    {description: 'Start a config in the current directory (./velda.yaml), then check it', command: '<%= config.bin %> <%= command.id %> && <%= config.bin %> config validate'},
    {description: 'Write it elsewhere', command: '<%= config.bin %> <%= command.id %> ~/velda/velda.yaml'},
    {description: 'In a script: the path written', command: "<%= config.bin %> <%= command.id %> --json | jq -r .path"},
  ]

  static override args = {
    path: Args.string({description: `file to write [default: ./${STARTER_DEFAULT_PATH}]`}),
  }

  static override flags = {
    config: Flags.string({char: 'c', description: 'file to write (the same as PATH)', helpValue: 'PATH'}),
  }

  protected async execute(): Promise<ConfigInitResult> {
    const {args, flags} = await this.parse(ConfigInit)
    if (args.path && flags.config && args.path !== flags.config) {
      throw new UsageError(`two paths given: ${args.path} and -c ${flags.config}`, {suggestions: [`give one: velda-do config init ${args.path}`]})
    }
    const path = args.path ?? flags.config ?? STARTER_DEFAULT_PATH
    writeStarterConfig(path)
    return {path}
  }

  protected override render({path}: ConfigInitResult): string {
    return [
      `wrote ${path}: one AMD MI300X pool (amd-mi300x) on https://api-amd.digitalocean.com`,
      `next: set default_broker_info.address and agent_version_override (marked CHANGE: delete each mark once set), then velda-do config validate -c ${path}, and velda-do doctor -c ${path} to check the account too`,
      '',
    ].join('\n')
  }
}
