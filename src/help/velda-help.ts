import {Help} from '@oclif/core'

/**
 * oclif's help (package.json oclif.helpClass), but for a command that does not exist: `velda-do pool craete --help`
 * is answered as `velda-do pool craete` is, by the command_not_found hook (did you mean, exit 2), not with oclif's
 * `Command pool:craete not found.` A small module: every --help loads it, and the hook only on that path.
 */
export default class VeldaHelp extends Help {
  override async showHelp(argv: string[]): Promise<void> {
    try {
      await super.showHelp(argv)
    } catch (error) {
      // oclif's words for a subject that is neither a command nor a topic (@oclif/core help/index.js, showHelp).
      const id = /^Command (\S+) not found\.$/.exec(error instanceof Error ? error.message : '')?.[1]
      if (!id) throw error
      // The hook prints the error and exits 2; what it throws ends the run.
      await this.config.runHook('command_not_found', {id, argv: withoutCommandWords(argv, id.split(':').length)})
      throw error
    }
  }
}

/** The line without the words oclif took for the command's id: its flags (--help) and what follows them. */
function withoutCommandWords(argv: readonly string[], count: number): string[] {
  let skipped = 0
  return argv.filter((arg) => {
    if (skipped >= count || arg.startsWith('-')) return true
    skipped++
    return false
  })
}
