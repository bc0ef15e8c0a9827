import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {ExitCode} from '../../src/lib/base/errors.js'
import {exitCodeFor, STOP_SIGNALS} from '../../src/lib/base/stop-signals.js'
import {failureDocument} from '../../src/lib/cli/failure-documents.js'
import {PROJECT_ROOT} from '../support/cli.js'
import {apiCommands, commandKeysFacts, errorCodeFacts} from '../support/outcome-types.js'

/**
 * docs/cli.md read as a script's author reads it, held to what the code says (test/support/outcome-types.ts): the
 * exit-code table, the `error.code` table and each command's `--json` document. The check that once let the page
 * and the code drift apart (`ssh_failed` and `client_closed` missing, pool scale's `requested` printed but never
 * documented) is now a failing test.
 */

const page = readFileSync(join(PROJECT_ROOT, 'docs', 'cli.md'), 'utf8')

/** The lines of `## heading` up to the next `## `. */
function section2(markdown: string, heading: string): string[] {
  const lines = markdown.split('\n')
  const start = lines.findIndex((line) => line.trim() === `## ${heading}`)
  if (start === -1) return []
  const rest = lines.slice(start + 1)
  const end = rest.findIndex((line) => /^## /.test(line))
  return rest.slice(0, end === -1 ? undefined : end)
}

/** Each exit code of the `| code | meaning |` table under `## Exit codes`. */
function exitTable(markdown: string): number[] {
  return section2(markdown, 'Exit codes')
    .map((line) => /^\|\s*([\d,\s]+?)\s*\|/.exec(line)?.[1])
    .filter((cell): cell is string => cell !== undefined)
    .flatMap((cell) => cell.split(',').map((code) => Number(code.trim())))
}

/**
 * The `| error.code | exit | extra keys |` table: each code in backticks of the first cell, with every number of its
 * exit cell (`3 when none was created, 4 when some were` gives 3 and 4).
 */
function errorCodeTable(markdown: string): Map<string, number[]> {
  const table = new Map<string, number[]>()
  const lines = section2(markdown, 'Exit codes')
  const header = lines.findIndex((line) => /^\|\s*`error\.code`\s*\|\s*exit\s*\|/.test(line))
  if (header === -1) return table
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break
    const [codes = '', exits = ''] = line.split('|').slice(1)
    const numbers = [...exits.matchAll(/\d+/g)].map((m) => Number(m[0]))
    for (const match of codes.matchAll(/`([a-z_]+)`/g)) table.set(match[1] ?? '', numbers)
  }
  return table
}

/** The text under `### velda-do <command>` up to the next heading. */
function commandSection(markdown: string, command: string): string {
  const lines = markdown.split('\n')
  const start = lines.findIndex((line) => line.trim() === `### velda-do ${command}`)
  if (start === -1) return ''
  const rest = lines.slice(start + 1)
  const end = rest.findIndex((line) => /^#{2,3} /.test(line))
  return rest.slice(0, end === -1 ? undefined : end).join('\n')
}

/** The top-level keys of a document written as docs/cli.md writes them: `{"pool", "created": [Droplet], "cost"}`. */
function topLevelKeys(document: string): string[] {
  const keys: string[] = []
  let depth = 0
  for (let i = 0; i < document.length; i++) {
    const char = document[i]
    if (char === '{' || char === '[') depth++
    else if (char === '}' || char === ']') depth--
    else if (char === '"' && depth === 1) {
      const end = document.indexOf('"', i + 1)
      // A key opens the document or follows a comma; a value follows a colon or a `|` (`"secrets": "redacted" | "shown"`).
      if (/[{,]\s*$/.test(document.slice(0, i))) keys.push(document.slice(i + 1, end))
      i = end
    }
  }
  return keys
}

/** From the first `{` of `text`, the balanced document (newlines and all); '' when there is none. */
function firstDocument(text: string): string {
  const start = text.indexOf('{')
  if (start === -1) return ''
  let depth = 0
  for (let i = start; i < text.length; i++) {
    if (text[i] === '{') depth++
    else if (text[i] === '}' && --depth === 0) return text.slice(start, i + 1)
  }
  return ''
}

/**
 * What a command's section says its `--json` documents hold: the top-level keys of each document after a label such
 * as `--json`:, `--dry-run --json`: or `--all --json`: (`shown`), and the keys its paragraph adds in backticks
 * (`named`: "plus `agents` with ...", "and `gone: [...]` when there are any").
 */
function documentedKeys(section: string): {shown: string[]; named: string[]} {
  // A label of the command's own document; not a key's (`cost` in `--json`: {...} is what one key holds).
  const labels = [...section.matchAll(/`[^`\n]*--json[^`\n]*`:/g)].filter((label) => !/\bin\s+$/.test(section.slice(0, label.index)))
  const shown = new Set<string>()
  const named = new Set<string>()
  labels.forEach((label, i) => {
    const chunk = section.slice((label.index ?? 0) + label[0].length, labels[i + 1]?.index ?? section.length)
    // The document only, not the paragraphs after it (a JSON Lines note, a jq example).
    const paragraph = chunk.split(/\n\s*\n(?!```)/)[0] ?? ''
    for (const key of topLevelKeys(firstDocument(paragraph))) shown.add(key)
    // Listed as an addition ("plus `agents`", ", `project` with", "and `gone: [...]`"), never "no `requested`".
    for (const match of paragraph.matchAll(/(?:\bplus|,|\band)\s+`"?([a-z_]+)"?(?::[^`]*)?`/g)) named.add(match[1] ?? '')
  })
  return {shown: [...shown], named: [...named]}
}

describe('docs/cli.md against the outcome types', () => {
  const errors = errorCodeFacts()
  const table = errorCodeTable(page)

  it('reads the tables and the code at all (an empty read would pass every check below)', () => {
    expect(errors.map((e) => e.code)).toEqual(expect.arrayContaining(['usage', 'internal', 'api_error', 'interrupted', 'no_capacity']))
    expect([...table.keys()]).toEqual(expect.arrayContaining(['usage', 'internal', 'api_error', 'interrupted']))
    expect(commandKeysFacts().map((c) => c.command)).toEqual(expect.arrayContaining(['pool up', 'pool scale', 'sizes']))
  })

  it('the exit-code table has every exit code there is, and no other: ExitCode and 128 + each stop signal', () => {
    const defined = new Set<number>([...Object.values(ExitCode), ...STOP_SIGNALS.map((signal) => exitCodeFor(signal))])
    expect([...new Set(exitTable(page))].sort((a, b) => a - b)).toEqual([...defined].sort((a, b) => a - b))
  })

  it('the error.code table has every code an error of velda-do carries, each with its exit code', () => {
    const wrong = errors.flatMap(({code, exits, where}) => {
      const documented = table.get(code)
      if (!documented) return [`${code} (${where}): not in the error.code table`]
      // An exit decided at run time (a refused create: 3, or 4 once some were created) is documented by the cases.
      const fits = exits.length === 1 ? documented.includes(exits[0] ?? -1) && documented.every((exit) => exit === exits[0] || exit > 128) : documented.length > 0 && documented.every((exit) => exits.includes(exit))
      return fits ? [] : [`${code} (${where}): exit ${exits.join(' or ')} in the code, ${documented.join(', ')} in the table`]
    })
    expect(wrong).toEqual([])
  })

  it('"The token is read only by" names every command that calls the API, and only those', () => {
    const bullet = /- \*\*The token\*\* is read only by the commands that call the API: ([\s\S]*?)None found/.exec(page)?.[1] ?? ''
    // `sizes`, ... and every `pool` command (`up`, `list`, ...): the others before it, a pool command by its own word.
    const pool = /every\s+`pool`\s+command\s+\(([^)]*)\)/.exec(bullet)?.[1] ?? ''
    const named = [
      ...[...(bullet.split(/every\s+`pool`\s+command/)[0] ?? '').matchAll(/`([a-z-]+)`/g)].map((m) => m[1] ?? ''),
      ...[...pool.matchAll(/`([a-z-]+)`/g)].map((m) => `pool ${m[1] ?? ''}`),
    ]
    const calling = apiCommands()
    expect(calling).toEqual(expect.arrayContaining(['sizes', 'pool up']))
    expect(calling.filter((command) => !named.includes(command)), 'commands that read the token, missing from the list').toEqual([])
    expect(named.filter((command) => !calling.includes(command)), 'commands the list names that call no API').toEqual([])
  })

  it('a failure\'s --json keys (failure-documents.ts) are keys of the command\'s result, for every command but simulator', () => {
    const wrong = commandKeysFacts().filter((fact) => fact.command !== 'simulator').flatMap(({command, keys}) => {
      const id = command.replaceAll(' ', ':')
      const documents = [failureDocument(id, null), failureDocument(id, {args: {}, flags: {'dry-run': true, all: true}})]
      if (Object.keys(documents[0] ?? {}).length === 0) return [`${command}: no failure document`]
      return documents.flatMap((document) => Object.keys(document).filter((key) => !keys.includes(key)).map((key) => `${command}: ${key} is not a key of its result`))
    })
    expect(wrong).toEqual([])
  })

  it('the error.code table names no code that no error carries', () => {
    const carried = new Set(errors.map((e) => e.code))
    expect([...table.keys()].filter((code) => !carried.has(code))).toEqual([])
  })

  // simulator --json writes its one line itself as soon as it listens and returns nothing (docs/cli.md: "the one
  // exception"); its result type is what the text output says when it stops.
  const PRINTS_ITS_OWN = new Set(['simulator'])
  it.each(commandKeysFacts().filter((fact) => !PRINTS_ITS_OWN.has(fact.command)).map((fact) => [fact.command, fact] as const))('velda-do %s: its --json keys are the ones its section documents', (command, fact) => {
    const {shown, named} = documentedKeys(commandSection(page, command))
    const undocumented = fact.keys.filter((key) => !shown.includes(key) && !named.includes(key))
    expect(undocumented, `keys velda-do ${command} --json prints that docs/cli.md does not name`).toEqual([])
    const stale = shown.filter((key) => !fact.keys.includes(key))
    expect(stale, `keys docs/cli.md shows in velda-do ${command}'s document that its result type does not have`).toEqual([])
  })
})

describe('the contract checks themselves', () => {
  const sample = [
    '## Exit codes', '', '| code | meaning |', '|---|---|', '| 0 | success |', '| 130, 143 | stopped |', '',
    '| `error.code` | exit | extra keys in `error` |', '|---|---|---|', '| `usage`, `settings` | 2 | — |',
    '| `no_capacity`, `other` (a refused create) | 3 when none was created, 4 when some were | — |', '', '## Next', '| 9 | not here |',
  ].join('\n')

  it('read each code of the exit-code table and each error.code with its exits, nothing past the section', () => {
    expect(exitTable(sample)).toEqual([0, 130, 143])
    expect([...errorCodeTable(sample)]).toEqual([['usage', [2]], ['settings', [2]], ['no_capacity', [3, 4]], ['other', [3, 4]]])
  })

  it('read the top-level keys of a document, not the nested ones nor the values', () => {
    expect(topLevelKeys('{"pool", "dry_run": true, "before": {"total", "new"}, "failed": [{"name", "error"}], "secrets": "redacted" | "shown"}')).toEqual(['pool', 'dry_run', 'before', 'failed', 'secrets'])
  })

  it('read every labelled document of a section, and the keys named in backticks beside them', () => {
    const section = 'Text `--json` with no colon.\n\n`--json`: `{"pool", "created": [Droplet]}`, plus `agents` with `--wait-for agent`, and `gone: [{"id"}]`; there is no `requested`.\n`--dry-run --json`: `{"pool", "dry_run": true}`. The `cost` in `--json`: `{"size"}`.\n\nLater, and `unrelated`.'
    const {shown, named} = documentedKeys(section)
    expect(shown).toEqual(['pool', 'created', 'dry_run'])
    expect(named.sort()).toEqual(['agents', 'gone'])
  })
})
