import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../lib/cli/base-command.js'
import {agentVersionFlag, brokerFlag, configFlag} from '../lib/cli/flags.js'
import {writeOutputFile} from '../lib/output/files.js'
import {prepareUserData} from '../lib/userdata/prepare.js'
import {plural} from '../lib/text/plural.js'

export interface RenderUserdataResult {
  pool: string
  bytes: number
  broker: string
  agent_version: string
  secrets: 'redacted' | 'shown'
  output: string | null
  user_data: string
}

export default class RenderUserdata extends BaseCommand<RenderUserdataResult> {
  static override summary = 'Print the boot script that pool up sends to the droplets of a pool (a dry run).'
  static override description = [
    'The script writes /etc/velda/agent.yaml, checks the GPU, joins Tailscale when configured, installs the Velda agent and starts it under systemd.',
    'It is the exact user_data of pool up, byte for byte, except that secrets are shown as <redacted> unless --show-secrets. Needs no API token and sends nothing.',
  ].join('\n\n')

  static override examples = [
    {description: 'Show the boot script of the amd-mi300x pool', command: '<%= config.bin %> <%= command.id %> amd-mi300x -c examples/velda.yaml'},
    {description: 'Check it with shellcheck', command: '<%= config.bin %> <%= command.id %> amd-mi300x | shellcheck -'},
    {
      description: 'Write the real script, Tailscale key included, to a file only you can read',
      command: '<%= config.bin %> <%= command.id %> amd-mi300x --show-secrets --output-file ~/.velda/boot.sh',
    },
    {description: 'Point the agent at another broker and release', command: '<%= config.bin %> <%= command.id %> cpu-small --broker 10.0.0.5:50051 --agent-version 1.1.0'},
  ]

  static override args = {
    pool: Args.string({description: 'name of the pool in the config file', required: true}),
  }

  static override flags = {
    config: configFlag,
    broker: brokerFlag,
    'agent-version': agentVersionFlag,
    'output-file': Flags.string({
      description: 'write the script to FILE instead of stdout; with --show-secrets, FILE is replaced by a new file of mode 0600 (a symlink is replaced, not followed; a directory, pipe or device is refused)',
      helpValue: 'FILE',
    }),
    'show-secrets': Flags.boolean({description: 'print the Tailscale key instead of <redacted> (the file is then mode 0600)'}),
  }

  protected async execute(): Promise<RenderUserdataResult> {
    const {args, flags} = await this.parse(RenderUserdata)
    const config = this.readConfig(flags.config)
    const showSecrets = flags['show-secrets']
    if (showSecrets) this.allowSecretsOnStdout()
    const prepared = prepareUserData(config, {
      poolName: args.pool,
      broker: flags.broker,
      agentVersion: flags['agent-version'],
      secrets: showSecrets ? 'reveal' : 'redact',
    })
    for (const warning of prepared.warnings) this.say(this.paint.warning(warning))
    const outputFile = flags['output-file']
    if (outputFile) {
      writeOutputFile(outputFile, prepared.script, {private: showSecrets})
      this.info(`wrote the boot script of pool ${prepared.pool.name} (${plural(prepared.bytes, 'byte')}) to ${outputFile}`)
    }
    return {
      pool: prepared.pool.name,
      bytes: prepared.bytes,
      broker: prepared.broker.value,
      agent_version: prepared.agentVersion.value,
      secrets: showSecrets ? 'shown' : 'redacted',
      output: outputFile ?? null,
      user_data: prepared.script,
    }
  }

  /** The script itself, unless it went to --output-file. */
  protected override render(result: RenderUserdataResult): string {
    return result.output === null ? result.user_data : ''
  }
}
