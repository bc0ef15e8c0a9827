import {UsageError} from '../base/errors.js'
import {isSecretName, REDACTED} from '../base/secret.js'
import {redactCredentials} from '../config/endpoint.js'
import {editDistance} from '../text/edit-distance.js'
import {shellWord} from '../text/shell.js'

/** A command as oclif lists it: its id (`pool:up`) and the other ids it answers to (`pool:create`). */
export interface KnownCommand {
  id: string
  aliases: readonly string[]
}

/** What the user probably meant: the command's words as typed, then the words they typed after the mistaken ones. */
export interface CommandGuess {
  command: string[]
  /** How many of the typed words the guess replaces; the others are the command's arguments. */
  replaces: number
}

/**
 * The command closest to the words typed, or null when none is close enough to be a plausible typo. A command of N
 * words is compared with the first N typed (the rest are its arguments), word by word; a command of a topic also
 * without its topic (`up` for `pool up`), at one edit more. The fewest edits win; on a tie, the longer command, then
 * its own name before an alias, then the order given.
 */
export function closestCommand(typed: readonly string[], commands: readonly KnownCommand[]): CommandGuess | null {
  let best: (CommandGuess & {cost: number; alias: boolean}) | null = null
  for (const command of commands) {
    for (const [index, id] of [command.id, ...command.aliases].entries()) {
      const words = id.split(':')
      const forms = words.length > 1 ? [{words, extra: 0}, {words: words.slice(1), extra: 1}] : [{words, extra: 0}]
      for (const form of forms) {
        const edits = wordEdits(typed.slice(0, form.words.length), form.words)
        if (edits === null) continue
        const cost = edits + form.extra
        const alias = index > 0
        if (!best || cost < best.cost || (cost === best.cost && isBetterTie({replaces: form.words.length, alias}, best))) {
          best = {command: words, replaces: form.words.length, cost, alias}
        }
      }
    }
  }
  return best && {command: best.command, replaces: best.replaces}
}

/** Between guesses as close: the one that explains more of what was typed (`pool list` over `pool`), then a name over an alias. */
function isBetterTie(candidate: {replaces: number; alias: boolean}, best: {replaces: number; alias: boolean}): boolean {
  if (candidate.replaces !== best.replaces) return candidate.replaces > best.replaces
  return best.alias && !candidate.alias
}

/** The edits from the typed words to a command's, or null when some word is too far off to be a typo of it. */
function wordEdits(typed: readonly string[], words: readonly string[]): number | null {
  if (typed.length < words.length) return null
  let total = 0
  for (const [index, word] of words.entries()) {
    const edits = wordDistance(typed[index] ?? '', word)
    if (edits === null) return null
    total += edits
  }
  return total
}

/**
 * A typo leaves most of a word: at most a third of its letters changed, one in a word of three to five (`pol`,
 * `sizez`), none in a word of two (`re` is no more `rm` than `up`). A beginning of three letters or more stands for
 * the word too (`stat` for status, `val` for validate), as two edits: a word typed whole is the better guess (`ssh` is
 * `pool ssh` before `ssh-keys`).
 */
function wordDistance(typed: string, word: string): number | null {
  const edits = editDistance(typed.toLowerCase(), word)
  const tolerance = word.length <= 2 ? 0 : Math.max(1, Math.floor(word.length / 3))
  if (edits <= tolerance) return edits
  if (typed.length >= 3 && word.startsWith(typed.toLowerCase())) return 2
  return null
}

/**
 * closestCommand, and a topic too when one word was typed: a topic alone lists its commands (`velda-do pool`), so
 * `pol` is a typo of it. Followed by more words, the guess is one of its commands or nothing.
 */
export function closestCommandOrTopic(words: readonly string[], {commands, topics}: Pick<UnknownCommand, 'commands' | 'topics'>): CommandGuess | null {
  return closestCommand(words, words.length === 1 ? [...commands, ...topics.map((topic) => ({id: topic, aliases: []}))] : commands)
}

/** What oclif's Config lists (its `commands` and `topics`), as far as finding the closest command needs. */
export interface CommandCatalog {
  commands: readonly {id: string; aliases: readonly string[]; hiddenAliases?: readonly string[]; hidden?: boolean}[]
  topics: readonly {name: string; hidden?: boolean}[]
}

/** The commands a user may be pointed to, each with every name it answers to, and the topics: none hidden. */
export function visibleCommands(catalog: CommandCatalog): Pick<UnknownCommand, 'commands' | 'topics'> {
  return {
    commands: catalog.commands.filter((c) => !c.hidden).map((c) => ({id: c.id, aliases: [...c.aliases, ...(c.hiddenAliases ?? [])]})),
    topics: catalog.topics.filter((t) => !t.hidden).map((t) => t.name),
  }
}

export interface UnknownCommand {
  /** The binary's name (`velda-do`). */
  bin: string
  /** The command words oclif could not find (its id split at the colons): every word typed before the first flag. */
  words: readonly string[]
  /** The rest of the command line (its flags and what follows them). */
  rest: readonly string[]
  commands: readonly KnownCommand[]
  /** The topics (`pool`, `config`). */
  topics: readonly string[]
}

/**
 * The usage error (exit 2) for a command line whose command does not exist: the command shown as typed, with
 * spaces; the closest command, and the whole line with it to paste; else the commands of the topic typed, or where
 * every command is listed. It never asks: a script must not hang on a question.
 */
export function unknownCommandError({bin, words, rest, commands, topics}: UnknownCommand): UsageError {
  const everyCommand = `${bin} help lists every command`
  const first = words[0] ?? ''
  if (first.startsWith('-')) {
    return new UsageError(`${first} is not a command: the command comes first, then its flags`, {suggestions: [everyCommand]})
  }
  const guess = closestCommandOrTopic(words, {commands, topics})
  if (guess) {
    const mistaken = words.slice(0, guess.replaces).join(' ')
    const meant = guess.command.join(' ')
    const line = [bin, ...guess.command, ...words.slice(guess.replaces), ...withoutSecrets(rest)].map(shellWord).join(' ')
    return new UsageError(`unknown command "${mistaken}": did you mean "${meant}"?`, {suggestions: [line]})
  }
  if (topics.includes(first) && words.length > 1) {
    const names = commands.filter((c) => c.id.startsWith(`${first}:`)).map((c) => c.id.slice(first.length + 1)).sort()
    return new UsageError(`unknown command "${first} ${words[1]}": the ${first} commands are ${names.join(', ')}`, {suggestions: [`${bin} help ${first} says what each does`]})
  }
  return new UsageError(`unknown command "${first}"`, {suggestions: [everyCommand]})
}

/** A flag whose value may be a secret (`--token`, `--api-token`, `--password=...`): its value is never echoed. */
const isSecretFlag = (word: string) => /^--?[\w-]+$/.test(word) && isSecretName(word)

/**
 * The rest of a mistyped line as it may be shown again: the value of a secret-looking flag as `<redacted>`, and a
 * URL's user and password as `<credentials>` (docs/cli.md, "Suggestions you can paste": nothing secret is echoed).
 */
function withoutSecrets(rest: readonly string[]): string[] {
  const shown: string[] = []
  for (let index = 0; index < rest.length; index++) {
    const word = rest[index] ?? ''
    const assigned = /^(--?[^=]+)=/.exec(word)
    if (assigned && isSecretFlag(assigned[1] ?? '')) shown.push(`${assigned[1]}=${REDACTED}`)
    else if (isSecretFlag(word) && index + 1 < rest.length) {
      shown.push(word, REDACTED)
      index++
    } else shown.push(word.includes('://') ? redactCredentials(word) : word)
  }
  return shown
}
