import {UsageError} from '../base/errors.js'

/** What `-o, --output` takes (docs/cli.md, "Everywhere"): json is --json, text the default, wide the whole table. */
const OUTPUT_FORMATS = ['json', 'text', 'wide'] as const
export type OutputFormat = (typeof OUTPUT_FORMATS)[number]

/** What the command line says about the output, once parsed. */
export interface OutputFlags {
  /** `-o`'s value; undefined without it. */
  readonly output: string | undefined
  /** `--json` was given. */
  readonly json: boolean
  /** The flags given that --json excludes (`--format`, `--no-header`, `--follow`): -o json excludes them too. */
  readonly excludedByJson: readonly string[]
  /** The command writes its output to a file with `--output-file` (render-userdata), where a path belongs. */
  readonly hasOutputFile: boolean
}

/** The output format asked for; a value that is none, or that contradicts another flag, is exit 2. */
export function outputFormat(flags: OutputFlags): OutputFormat {
  const {output} = flags
  if (output === undefined) return flags.json ? 'json' : 'text'
  if (!isOutputFormat(output)) {
    const choices = '-o json for the JSON document, -o text (the default), -o wide for every column of a table'
    // A path is what -o meant to render-userdata before (and to curl and gcc): it is told where a path goes.
    const file = !looksLikePath(output) ? [] : flags.hasOutputFile ? [`--output-file ${output} writes to that file`] : [`to keep the output in a file, redirect it: > ${output}`]
    throw new UsageError(`-o/--output ${output}: not an output format; -o takes json, text or wide`, {suggestions: [choices, ...file]})
  }
  if (flags.json && output !== 'json') {
    throw new UsageError(`--json and -o ${output} ask for two different outputs (--json is -o json)`, {suggestions: [`leave out --json for the ${output} output, or leave out -o ${output} for the JSON document`]})
  }
  const excluded = flags.excludedByJson[0]
  if (output === 'json' && excluded !== undefined) {
    throw new UsageError(`--${excluded} cannot also be provided when using -o json (the same as --json)`, {suggestions: [`leave out --${excluded}: the JSON document has every key, and jq picks them`]})
  }
  return output
}

/** `boot.sh`, `./out`, `~/x`, `/tmp/y`: not a word like `yaml`. */
function looksLikePath(value: string): boolean {
  return /[./\\~]/.test(value)
}

function isOutputFormat(value: string): value is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(value)
}

/**
 * `-o`'s value as typed, read from the command line before or without parsing it (a parse that failed must still
 * answer in JSON to `-o json`, as it does to `--json`): `-o json`, `-ojson`, `-o=json`, `--output json`,
 * `--output=json`, before any `--` (what follows is another program's: pool ssh's remote command).
 */
export function outputInArgv(argv: readonly string[]): string | undefined {
  const end = argv.indexOf('--')
  const words = end < 0 ? argv : argv.slice(0, end)
  let value: string | undefined
  words.forEach((word, index) => {
    if (word === '-o' || word === '--output') value = words[index + 1]
    else if (word.startsWith('--output=')) value = word.slice('--output='.length)
    else if (/^-o[^-]/.test(word)) value = word.slice(word[2] === '=' ? 3 : 2)
  })
  return value
}
