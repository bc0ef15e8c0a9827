import type {Command} from '@oclif/core/command'
import type {Config} from '@oclif/core/config'

import type {CommandTable, CompletableCommand, CompletableFlag} from './candidates.js'

/**
 * The commands as oclif's manifest describes them: reading it loads no command module, so completing costs one
 * process start and never loads the DigitalOcean client.
 */
export function commandTable(config: Config): CommandTable {
  return {
    commands: config.commands.map(toCommand),
    topics: config.topics.map((topic) => ({name: topic.name, description: topic.description})),
  }
}

function toCommand(command: Command.Loadable): CompletableCommand {
  return {
    id: command.id,
    hidden: command.hidden,
    summary: command.summary ?? command.description,
    flags: Object.entries(command.flags).map(([name, flag]) => toFlag(name, flag)),
    args: Object.entries(command.args).map(([name, arg]) => ({name, options: arg.options})),
  }
}

function toFlag(name: string, flag: Command.Flag.Cached): CompletableFlag {
  const common = {name, char: flag.char, hidden: Boolean(flag.hidden), description: flag.summary ?? flag.description}
  if (flag.type === 'boolean') return {...common, takesValue: false, multiple: false}
  const helpValue = Array.isArray(flag.helpValue) ? flag.helpValue.join(' ') : flag.helpValue
  return {...common, takesValue: true, multiple: Boolean(flag.multiple), options: flag.options, helpValue}
}
