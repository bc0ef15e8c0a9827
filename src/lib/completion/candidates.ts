/**
 * What the shell should offer for a partly typed command line, the way cobra's `__complete` works: the shell
 * script sends the words typed so far, and gets one candidate a line plus a directive. The command table comes
 * from oclif's manifest, so a new command, flag or pool argument completes without touching this file.
 */

export interface CompletableFlag {
  name: string
  char?: string
  takesValue: boolean
  multiple: boolean
  hidden: boolean
  options?: readonly string[]
  helpValue?: string
  description?: string
}

export interface CompletableArg {
  name: string
  options?: readonly string[]
}

export interface CompletableCommand {
  /** oclif's id, topics joined by ':' (`pool:up`); the user types them separated by spaces. */
  id: string
  hidden: boolean
  summary?: string
  flags: CompletableFlag[]
  args: CompletableArg[]
}

export interface CompletableTopic {
  name: string
  description?: string
}

export interface CommandTable {
  commands: CompletableCommand[]
  topics: CompletableTopic[]
}

export interface Candidate {
  value: string
  description?: string
}

/** `files`: let the shell complete file names (the value of -c PATH); `none`: offer only the candidates. */
export type Directive = 'files' | 'none'

export interface Completion {
  candidates: Candidate[]
  directive: Directive
}

/** Reads the pool names of the config the line would use; `undefined` when no -c/--config is typed. */
export type PoolNames = (configFlag: string | undefined) => string[]

/** The argument named like this takes a pool name, whatever the command. */
const POOL_ARG = 'pool'
const CONFIG_FLAG = 'config'
const PATH_VALUE = /PATH|FILE|DIR/

const NOTHING: Completion = {candidates: [], directive: 'none'}

/** `words` are the words after the program name; the last one is the word being completed (maybe ''). */
export function complete(words: readonly string[], table: CommandTable, poolNames: PoolNames): Completion {
  const current = words.at(-1) ?? ''
  const before = words.slice(0, -1)
  const found = findCommand(before, table)
  if (!found.command) {
    if (found.consumed < before.length) return NOTHING
    return {candidates: nextWords(found.path, table).filter((c) => c.value.startsWith(current)), directive: 'none'}
  }
  return completeCommand(found.command, before.slice(found.consumed), current, poolNames)
}

interface Found {
  command?: CompletableCommand
  path: string[]
  consumed: number
}

function findCommand(words: readonly string[], table: CommandTable): Found {
  const path: string[] = []
  for (const [index, word] of words.entries()) {
    const id = [...path, word].join(':')
    const command = table.commands.find((c) => c.id === id)
    if (command) return {command, path, consumed: index + 1}
    if (word.startsWith('-') || !table.commands.some((c) => c.id.startsWith(`${id}:`))) return {path, consumed: index}
    path.push(word)
  }
  return {path, consumed: words.length}
}

/** The commands and topics that can follow the topics typed so far (`pool` → up, down, list). */
function nextWords(path: readonly string[], table: CommandTable): Candidate[] {
  const prefix = path.length > 0 ? `${path.join(':')}:` : ''
  const seen = new Map<string, Candidate>()
  for (const command of table.commands) {
    if (command.hidden || !command.id.startsWith(prefix)) continue
    const [value = '', ...deeper] = command.id.slice(prefix.length).split(':')
    if (seen.has(value)) continue
    const description = deeper.length === 0 ? command.summary : table.topics.find((t) => t.name === `${prefix}${value}`)?.description
    seen.set(value, {value, description})
  }
  return [...seen.values()]
}

interface Scan {
  positionals: number
  used: Set<string>
  configFlag?: string
  /** A flag whose value is the word being completed (`-c <TAB>`). */
  pendingFlag?: CompletableFlag
  afterDoubleDash: boolean
}

function completeCommand(command: CompletableCommand, words: readonly string[], current: string, poolNames: PoolNames): Completion {
  const scan = scanWords(command, words)
  if (scan.pendingFlag) return flagValue(scan.pendingFlag, current)
  if (current.startsWith('-') && !scan.afterDoubleDash) {
    // `--config=PATH` in one word: bash splits it at '=' and zsh would have to re-add the prefix; not offered.
    if (current.includes('=')) return NOTHING
    return {candidates: flagNames(command, scan.used).filter((c) => c.value.startsWith(current)), directive: 'none'}
  }
  const arg = command.args[scan.positionals]
  if (!arg) return NOTHING
  const values = arg.name === POOL_ARG ? poolNames(scan.configFlag) : (arg.options ?? [])
  return {candidates: values.filter((v) => v.startsWith(current)).map((value) => ({value})), directive: 'none'}
}

function scanWords(command: CompletableCommand, words: readonly string[]): Scan {
  const scan: Scan = {positionals: 0, used: new Set(), afterDoubleDash: false}
  for (let index = 0; index < words.length; index++) {
    const word = words[index] ?? ''
    if (scan.afterDoubleDash || word === '-' || !word.startsWith('-')) {
      scan.positionals++
      continue
    }
    if (word === '--') {
      scan.afterDoubleDash = true
      continue
    }
    const {name, flag, inline} = parseFlagWord(command, word)
    // --help is no flag of the manifest, yet oclif takes it: once typed, it is not offered again.
    scan.used.add(name)
    if (!flag) continue
    if (!flag.takesValue) continue
    let value = inline
    if (value === undefined) {
      if (index + 1 >= words.length) {
        scan.pendingFlag = flag
        break
      }
      value = words[++index] ?? ''
    }
    if (flag.name === CONFIG_FLAG) scan.configFlag = value
  }
  return scan
}

/** `--name`, `--name=value`, `-c`, `-cvalue`; an unknown flag is skipped (oclif will report it when run). */
function parseFlagWord(command: CompletableCommand, word: string): {name: string; flag?: CompletableFlag; inline?: string} {
  if (word.startsWith('--')) {
    const equals = word.indexOf('=')
    const name = equals === -1 ? word.slice(2) : word.slice(2, equals)
    return {name, flag: command.flags.find((f) => f.name === name), inline: equals === -1 ? undefined : word.slice(equals + 1)}
  }
  const flag = command.flags.find((f) => f.char === word[1])
  const rest = word.slice(2).replace(/^=/, '')
  return {name: flag?.name ?? word, flag, inline: flag?.takesValue && rest !== '' ? rest : undefined}
}

function flagValue(flag: CompletableFlag, current: string): Completion {
  if (flag.options) return {candidates: flag.options.filter((o) => o.startsWith(current)).map((value) => ({value})), directive: 'none'}
  if (flag.name === CONFIG_FLAG || PATH_VALUE.test(flag.helpValue ?? '')) return {candidates: [], directive: 'files'}
  return NOTHING
}

function flagNames(command: CompletableCommand, used: ReadonlySet<string>): Candidate[] {
  const candidates: Candidate[] = []
  for (const flag of command.flags) {
    if (flag.hidden || (used.has(flag.name) && !flag.multiple)) continue
    candidates.push({value: `--${flag.name}`, description: flag.description})
    if (flag.char) candidates.push({value: `-${flag.char}`, description: flag.description})
  }
  if (!used.has('help')) candidates.push({value: '--help', description: 'show the help of this command'})
  return candidates
}
