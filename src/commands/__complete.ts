import {Command} from '@oclif/core/command'

import {systemFactory} from '../lib/cli/factory.js'

import {complete} from '../lib/completion/candidates.js'
import {configuredPoolNames} from '../lib/completion/pools.js'
import {formatCompletion} from '../lib/completion/protocol.js'
import {commandTable} from '../lib/completion/table.js'

/**
 * Called by the completion scripts on every TAB. A plain oclif Command, not BaseCommand: it prints only
 * candidates, never a "Try this:" block or a non-zero exit, whatever happens.
 */
export default class Complete extends Command {
  static override hidden = true
  static override strict = false
  static override summary = 'Print the completions of a partly typed command line, one a line, then a directive line (used by the scripts of velda-do completion).'
  static override examples = [
    {description: 'What TAB offers after "velda-do pool up "', command: "<%= config.bin %> <%= command.id %> -- pool up ''"},
  ]

  /** The outside world (see Factory): only its output and environment are used. */
  factory = systemFactory()

  async run(): Promise<void> {
    // Parsed only to accept any words; oclif's argv reorders a second `--`, so the words are read as given.
    await this.parse(Complete)
    // The scripts put every word after `--`, so oclif takes none of them (not even --help) as its own.
    const words = this.argv[0] === '--' ? this.argv.slice(1) : this.argv
    const completion = complete(words, commandTable(this.config), (configFlag) => configuredPoolNames(configFlag, this.factory.env))
    this.factory.io.out.write(formatCompletion(completion))
  }

  protected override async catch(): Promise<void> {
    // A failure offers nothing rather than an error message in the middle of the prompt.
  }
}
