import * as Args from '@oclif/core/args'

import {BaseCommand} from '../lib/cli/base-command.js'
import {completionScript, SHELLS} from '../lib/completion/scripts.js'

export interface CompletionResult {
  shell: string
  script: string
}

export default class Completion extends BaseCommand<CompletionResult> {
  static override summary = 'Print the shell completion script: commands, flags and pool names on TAB.'
  static override description = `Load it from your shell's startup file, as the examples show. Pool names come from the config file the command on the line would read: -c/--config PATH if already typed, else $VELDA_DO_CONFIG, ./velda-do.yaml, ./velda.yaml; a missing or invalid config offers no names and prints nothing.

After -c and --output-file, TAB completes file names. Works in bash, zsh and fish. In zsh, compinit must have run before the script is loaded (frameworks such as oh-my-zsh run it). Each TAB starts velda-do once (about a quarter of a second) and never calls the DigitalOcean API.`

  static override examples = [
    {description: 'bash: load it in every new shell', command: "echo 'source <(<%= config.bin %> <%= command.id %> bash)' >> ~/.bashrc"},
    {description: 'zsh: load it in every new shell (after compinit)', command: "echo 'source <(<%= config.bin %> <%= command.id %> zsh)' >> ~/.zshrc"},
    {description: 'zsh, another way: install it in the first directory of $fpath (then start a new shell)', command: '<%= config.bin %> <%= command.id %> zsh > "${fpath[1]}/_<%= config.bin %>"'},
    {description: 'fish: install it where fish looks for completions', command: '<%= config.bin %> <%= command.id %> fish > ~/.config/fish/completions/<%= config.bin %>.fish'},
  ]

  static override args = {
    shell: Args.string({description: 'the shell to print the script for', options: [...SHELLS], required: true}),
  }

  protected async execute(): Promise<CompletionResult> {
    const {args} = await this.parse(Completion)
    const shell = SHELLS.find((s) => s === args.shell) ?? 'bash'
    const script = completionScript(shell, this.config.bin)
    return {shell, script}
  }

  protected override render(result: CompletionResult): string {
    return result.script
  }
}
