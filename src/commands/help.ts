import * as Args from '@oclif/core/args'
import {Help as OclifHelp} from '@oclif/core'

import {BaseCommand} from '../lib/cli/base-command.js'
import {UsageError} from '../lib/base/errors.js'
import {closestCommandOrTopic, visibleCommands} from '../lib/cli/unknown-command.js'

export interface HelpResult {
  /** The words asked about (`pool up`), empty for the whole CLI. */
  subject: string[]
  help: string
}

/** oclif's help, kept as text: the command prints it through its own IO, like any other result. */
class CapturedHelp extends OclifHelp {
  readonly lines: string[] = []

  protected override log(...args: string[]): void {
    this.lines.push(args.join(' '))
  }
}

export default class Help extends BaseCommand<HelpResult> {
  static override summary = 'Show help for velda-do, a topic or a command (as --help and -h do).'
  static override description = 'The same text as `velda-do COMMAND --help`: its usage, flags and examples. With --json, the text is the help key of the document. An unknown command or topic is exit 2.'
  static override examples = [
    {description: 'Every command', command: '<%= config.bin %> <%= command.id %>'},
    {description: "pool up's flags and examples", command: '<%= config.bin %> <%= command.id %> pool up'},
  ]

  // Any words: a topic (pool) or a command (pool up).
  static override strict = false
  static override args = {
    command: Args.string({description: 'the topic or command, e.g. pool up'}),
  }

  protected async execute(): Promise<HelpResult> {
    const {argv} = await this.parse(Help)
    const subject = argv.map(String)
    const help = new CapturedHelp(this.config, this.config.pjson.oclif.helpOptions)
    try {
      await help.showHelp(subject)
    } catch (error) {
      // oclif's own "Command x not found.": a usage error of ours, with the closest command's help and where to look.
      const guess = closestCommandOrTopic(subject, visibleCommands(this.config))
      const meant = guess ? `: did you mean "${guess.command.join(' ')}"?` : ''
      const suggestions = [...(guess ? [`${this.config.bin} help ${guess.command.join(' ')}`] : []), `${this.config.bin} help lists every command`]
      throw new UsageError(`no command or topic "${subject.join(' ')}"${meant}`, {cause: error, suggestions})
    }
    return {subject, help: `${help.lines.join('\n')}\n`}
  }

  protected override render(result: HelpResult): string {
    return result.help
  }
}
