import type {Hook} from '@oclif/core'

import {redactSecrets} from '../lib/base/secret.js'
import {TOKEN_ENV_VARS} from '../lib/config/resolve-settings.js'
import {systemFactory} from '../lib/cli/factory.js'
import {paintFor} from '../lib/cli/style.js'
import {unknownCommandError, visibleCommands} from '../lib/cli/unknown-command.js'
import {jsonText} from '../lib/output/json-text.js'
import {flushed} from '../lib/output/stream-writer.js'
import {printable} from '../lib/text/printable.js'

/**
 * oclif runs this when no command has the id typed (package.json oclif.hooks): the command as typed, the closest
 * one to paste, exit 2 (docs/cli.md, "Unknown commands"). It prints as a command's failure does (base-command.ts,
 * fail()), `--json` included, but loads no command: a typo costs a start of oclif and this small bundle, no more.
 */
const commandNotFound: Hook<'command_not_found'> = async function ({argv = [], config, id}) {
  const error = unknownCommandError({
    bin: config.bin,
    words: id.split(':'),
    rest: argv,
    ...visibleCommands(config),
  })
  const {io, env} = systemFactory()
  // The line typed comes back in the suggestion: a token pasted into it by mistake is cut, as from any output.
  const tokens = TOKEN_ENV_VARS.map((name) => env[name]).filter((value): value is string => Boolean(value))
  const json = beforeEndOfFlags([id, ...argv]).includes('--json')
  if (json) {
    io.out.write(`${redactSecrets(jsonText({error: {code: error.code, message: error.message, suggestions: error.suggestions}}), tokens)}\n`)
  } else {
    const paint = paintFor(io.colour)
    const lines = [`${paint.error('Error:')} ${printable(error.message)}`, paint.dim('Try this:'), ...error.suggestions.map((s) => `  ${printable(s)}`)]
    io.err.write(redactSecrets(`${lines.join('\n')}\n`, tokens))
  }
  await Promise.all([flushed(io.out), flushed(io.err)])
  this.exit(error.exitCode)
}

/** The words before `--`, after which `--json` is an argument, as oclif reads it. */
function beforeEndOfFlags(words: readonly string[]): readonly string[] {
  const end = words.indexOf('--')
  return end < 0 ? words : words.slice(0, end)
}

export default commandNotFound
