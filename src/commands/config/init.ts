import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {choose} from '../../lib/cli/choose.js'
import {isInteractive} from '../../lib/cli/io.js'
import {CLOUD_IDS, CLOUDS, type CloudId, DEFAULT_CLOUD} from '../../lib/config/clouds.js'
import {STARTER_DEFAULT_PATH, writeStarterConfig} from '../../lib/config/starter.js'
import {CancelledError, InterruptedError, UsageError} from '../../lib/base/errors.js'

export interface ConfigInitResult {
  path: string
  cloud: CloudId
}

export default class ConfigInit extends BaseCommand<ConfigInitResult> {
  static override summary = 'Write a commented starter config: one AMD MI300X pool on the cloud you pick.'
  static override description = `The file is valid as written, for velda-do and for the Velda broker: edit the broker address and the agent version (marked CHANGE) and delete the marks, then check it with config validate (the file) and doctor (the file and the account: it reports any CHANGE mark left). It names the cloud's endpoint, an MI300X size and an AMD ROCm image, each with a comment saying where the name was seen; doctor checks them against your account. --cloud amd-devcloud is the AMD Developer Cloud (https://api.devcloud.amd.com, an AMD Developer Cloud token), --cloud digitalocean DigitalOcean's own MI300X droplets (https://api.digitalocean.com, a DigitalOcean token). Without --cloud it asks on a terminal, and writes amd-devcloud's otherwise. It never overwrites anything: an existing file, directory or symlink at the path is an error (exit 2). Secrets stay out of the file: the API token and the Tailscale key come from environment variables.`

  static override examples = [
    {description: 'Start a config in the current directory (./velda.yaml), then check it', command: '<%= config.bin %> <%= command.id %> && <%= config.bin %> config validate'},
    {description: "For DigitalOcean's own MI300X droplets (a DigitalOcean token), elsewhere", command: '<%= config.bin %> <%= command.id %> --cloud digitalocean ~/velda/velda.yaml'},
    {description: 'In a script: the path written', command: "<%= config.bin %> <%= command.id %> --cloud amd-devcloud --json | jq -r .path"},
  ]

  static override args = {
    path: Args.string({description: `file to write [default: ./${STARTER_DEFAULT_PATH}]`}),
  }

  static override flags = {
    config: Flags.string({char: 'c', description: 'file to write (the same as PATH)', helpValue: 'PATH'}),
    cloud: Flags.string({
      description: `the pool's cloud [default: asked on a terminal, else ${DEFAULT_CLOUD}]`,
      options: CLOUD_IDS,
      helpValue: CLOUD_IDS.join('|'),
    }),
  }

  protected async execute(): Promise<ConfigInitResult> {
    const {args, flags} = await this.parse(ConfigInit)
    if (args.path && flags.config && args.path !== flags.config) {
      throw new UsageError(`two paths given: ${args.path} and -c ${flags.config}`, {suggestions: [`give one: velda-do config init ${args.path}`]})
    }
    const path = args.path ?? flags.config ?? STARTER_DEFAULT_PATH
    const cloud = (flags.cloud as CloudId | undefined) ?? (await this.askCloud())
    writeStarterConfig(path, cloud)
    return {path, cloud}
  }

  /** On a terminal the user picks; elsewhere (a script, CI) the default, as before --cloud existed. */
  private async askCloud(): Promise<CloudId> {
    if (!isInteractive(this.factory.io)) return DEFAULT_CLOUD
    const choices = CLOUD_IDS.map((id) => ({id, label: `${CLOUDS[id].name}: ${CLOUDS[id].endpoint}, with ${CLOUDS[id].token}`}))
    const answer = await choose('Where will the pool\'s MI300X droplets run?', choices, this.stopSignals(), this.factory.io)
    const skip = 'nothing was written; pass --cloud amd-devcloud or --cloud digitalocean to skip the question'
    if (answer.kind === 'stopped') throw new InterruptedError(`cancelled at the prompt: ${skip}`)
    if (answer.kind === 'closed') throw new CancelledError(`no answer: ${skip}`)
    return answer.id
  }

  protected override render({path, cloud}: ConfigInitResult): string {
    const {name, endpoint, token} = CLOUDS[cloud]
    return [
      `wrote ${path}: one AMD MI300X pool (amd-mi300x) on ${name} (${endpoint}); its token is ${token}`,
      `next: set default_broker_info.address and agent_version_override (marked CHANGE: delete each mark once set), then velda-do config validate -c ${path}, and velda-do doctor -c ${path} to check the account too (the size and image are checked there)`,
      '',
    ].join('\n')
  }
}
