import {isSecretName} from '../base/secret.js'
import {printable} from '../text/printable.js'
import {shellWord} from '../text/shell.js'

/**
 * The flags that say where things are: the config, the API, and how the members are reached. A next step that
 * velda-do suggests (`velda-do pool status gpu`) needs the same ones the user typed, or it reads another config,
 * calls another API, or dials port 22 where the members answer on another (docs/cli.md, "Try this").
 */
const CONTEXT_FLAGS: readonly string[] = ['config', 'api-endpoint', 'ssh-user', 'ssh-port', 'identity-file', 'private', 'tailnet']

/** A URL with a user or password in it (`https://user:pass@host`): refused as an endpoint, and never echoed. */
const URL_WITH_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i

/** What the rewriter needs of a command it finds in a line: its flags, and how many arguments it takes. */
export interface CommandShape {
  flags: Readonly<Record<string, {char?: string; takesValue: boolean}>>
  args: number
}

/** A context flag the user typed: its value, or null for a boolean (`--private`). */
interface TypedFlag {
  name: string
  value: string | null
}

export interface PasteContext {
  /** The context flags typed on this command line, in the order of CONTEXT_FLAGS. */
  typed: readonly TypedFlag[]
  /** Words that are arguments, not prose, after a command (the pools of the config, the arguments typed). */
  argumentValues: ReadonlySet<string>
  /** The command of an id (`pool:status`, aliases too), or undefined when there is none. */
  commandShape(id: string): CommandShape | undefined
}

/** The context flags among a parse's raw tokens (the last of each wins, as in the parse); from a variable or a default, they are not there. */
export function typedContextFlags(raw: readonly {type: string; flag?: string; input: string}[], flags: Readonly<Record<string, {type: string}>>): TypedFlag[] {
  const typed: TypedFlag[] = []
  for (const name of CONTEXT_FLAGS) {
    const token = [...raw].reverse().find((t) => t.type === 'flag' && t.flag === name)
    // A flag whose name may hold a secret is never copied, whatever the list above says: no secret is echoed.
    if (!token || isSecretName(name) || URL_WITH_CREDENTIALS.test(token.input)) continue
    if (flags[name]?.type === 'boolean') {
      if (!token.input.startsWith('--no-')) typed.push({name, value: null})
    } else typed.push({name, value: token.input})
  }
  return typed
}

// An SGR colour sequence: a painted line (a warning) is rewritten as a plain one.
const SGR = '\\u001b\\[[0-9;]*m'
/**
 * `velda-do` as a command: at the start, after a space, `(`, a backtick or a colour. Not after a double quote: that
 * is another's command quoted (the lock's holder), which the flags of this run do not belong to.
 */
const COMMAND = new RegExp(`(?<=^|[\\s(\`]|${SGR})velda-do(?= )`, 'g')
/** What may end a word without being part of it: punctuation of the sentence, a closing backtick, a colour. */
const TRAILER = new RegExp(`(?:[,;:.)\`!?]|${SGR})+$`)
/** A word as the shell reads it: a value we quoted (`-c 'my velda.yaml'`) is one word, spaces and all. */
const SHELL_WORD = /(?:\\.|'[^']*'|[^\s'\\]+)+/g
const PLACEHOLDER = /^[A-Z][A-Z0-9_]*$/
const NUMBER = /^\d+$/
/** A member's name as pool up gives it (config/naming.ts: the pool prefix, then a suffix): `velda-1a2b3c4d-x7k2p`. */
const DROPLET_NAME = /^velda-[0-9a-f]{8}-[a-z0-9]+$/

interface Token {
  /** The token without its trailer. */
  core: string
  /** Where the core ends in the line. */
  end: number
  /** Punctuation followed it: the command ends with this token. */
  closes: boolean
}

/**
 * The line with the context flags typed added to each `velda-do <command> ...` in it that accepts them and does
 * not give them already: after the command's arguments and flags, before `--` or the prose that follows. Which
 * words are arguments is known, not guessed: a PLACEHOLDER, a number, a member's name, or a word of `argumentValues`; at the first
 * other word the flags go in. A line without such a command, or a run with no context flag typed, is unchanged.
 */
export function pasteable(line: string, context: PasteContext): string {
  if (context.typed.length === 0) return line
  const insertions: {at: number; text: string}[] = []
  for (const match of line.matchAll(COMMAND)) {
    const insertion = insertionFor(line, match.index + match[0].length, context)
    if (insertion) insertions.push(insertion)
  }
  let result = line
  for (const {at, text} of insertions.reverse()) result = result.slice(0, at) + text + result.slice(at)
  return result
}

function insertionFor(line: string, from: number, context: PasteContext): {at: number; text: string} | null {
  const tokens = tokensOf(line, from)
  const command = commandAt(tokens, context)
  if (!command) return null
  const {shape} = command
  const given = new Set<string>()
  let at = command.end
  let argsLeft = shape.args
  let i = command.words
  let open = !tokens[command.words - 1]?.closes
  while (open && i < tokens.length) {
    const token = tokens[i] as Token
    if (token.core === '--') break
    if (token.core.startsWith('-')) {
      const flag = flagOf(token.core, shape)
      if (!flag) break
      given.add(flag.name)
      if (flag.needsNext) {
        const value = tokens[i + 1]
        if (!value || token.closes) break
        i++
        at = value.end
        open = !value.closes
      } else {
        at = token.end
        open = !token.closes
      }
      i++
      continue
    }
    if (argsLeft === 0 || !isArgument(token.core, context)) break
    argsLeft--
    at = token.end
    open = !token.closes
    i++
  }
  const text = context.typed
    .filter((flag) => flag.name in shape.flags && !given.has(flag.name))
    .map((flag) => ` ${spelling(flag.name, shape)}${flag.value === null ? '' : ` ${shellWord(printable(flag.value))}`}`)
    .join('')
  return text ? {at, text} : null
}

/** The words after `velda-do`, up to the end of the line. */
function tokensOf(line: string, from: number): Token[] {
  const lineEnd = line.indexOf('\n', from)
  const rest = line.slice(from, lineEnd === -1 ? undefined : lineEnd)
  const tokens: Token[] = []
  for (const match of rest.matchAll(SHELL_WORD)) {
    const trailer = TRAILER.exec(match[0])?.[0] ?? ''
    const core = match[0].slice(0, match[0].length - trailer.length)
    tokens.push({core, end: from + match.index + core.length, closes: trailer !== ''})
    if (trailer) break
  }
  return tokens
}

/** The longest command id the first words name (`pool status` before `pool`), as a command takes at most three words. */
function commandAt(tokens: readonly Token[], context: PasteContext): {shape: CommandShape; words: number; end: number} | null {
  for (let words = Math.min(3, tokens.length); words > 0; words--) {
    const named = tokens.slice(0, words)
    if (named.slice(0, -1).some((t) => t.closes) || named.some((t) => !/^[a-z][a-z0-9-]*$/.test(t.core))) continue
    const shape = context.commandShape(named.map((t) => t.core).join(':'))
    if (shape) return {shape, words, end: (named.at(-1) as Token).end}
  }
  return null
}

function flagOf(core: string, shape: CommandShape): {name: string; needsNext: boolean} | null {
  const long = /^--([a-z][a-z0-9-]*)(=.*)?$/.exec(core)
  if (long) {
    const name = long[1] as string
    const flag = shape.flags[name]
    return flag ? {name, needsNext: flag.takesValue && long[2] === undefined} : null
  }
  const short = /^-([a-zA-Z])$/.exec(core)
  const entry = short ? Object.entries(shape.flags).find(([, flag]) => flag.char === short[1]) : undefined
  return entry ? {name: entry[0], needsNext: entry[1].takesValue} : null
}

function isArgument(word: string, context: PasteContext): boolean {
  return PLACEHOLDER.test(word) || NUMBER.test(word) || DROPLET_NAME.test(word) || context.argumentValues.has(word)
}

/** `-c` and `-i` as the docs write them; the others by name. */
function spelling(name: string, shape: CommandShape): string {
  const char = shape.flags[name]?.char
  return char ? `-${char}` : `--${name}`
}
