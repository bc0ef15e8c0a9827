import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {ExitCode} from '../../src/lib/errors.js'

/**
 * docs/cli.md is the contract scripts are written against: a command or flag that the built CLI has and the page
 * does not describe, or an exit code missing from its table, is a contract nobody can read.
 */

interface ManifestFlag {
  name: string
  char?: string
  hidden?: boolean
}

interface ManifestCommand {
  id: string
  hidden?: boolean
  flags: Record<string, ManifestFlag>
}

const root = new URL('../../', import.meta.url)
const manifest = JSON.parse(readFileSync(new URL('oclif.manifest.json', root), 'utf8')) as {commands: Record<string, ManifestCommand>}
const page = readFileSync(new URL('docs/cli.md', root), 'utf8')

const commands = Object.values(manifest.commands).filter((c) => !c.hidden)

/** The text under `### velda-do <command>` up to the next heading of level 2 or 3; null when there is none. */
function commandSection(markdown: string, command: string): string | null {
  const lines = markdown.split('\n')
  const start = lines.findIndex((line) => line.trim() === `### velda-do ${command}`)
  if (start === -1) return null
  const rest = lines.slice(start + 1)
  const end = rest.findIndex((line) => /^#{2,3} /.test(line))
  return rest.slice(0, end === -1 ? undefined : end).join('\n')
}

/** `--all` must not be found inside `--all-pools`, nor `-c` inside `-cx` or `--config`. */
function mentions(text: string, flag: string): boolean {
  const escaped = flag.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`(?<![\\w-])${escaped}(?![\\w-])`).test(text)
}

/** Every code in the first cell of the rows of the table under `## Exit codes` (`| 130, 143, 129 |` gives three). */
function exitCodesInTable(markdown: string): number[] {
  const lines = markdown.split('\n')
  const start = lines.findIndex((line) => line.trim() === '## Exit codes')
  if (start === -1) return []
  const codes: number[] = []
  for (const line of lines.slice(start + 1)) {
    if (/^## /.test(line)) break
    const cell = /^\|\s*([\d,\s]+?)\s*\|/.exec(line)?.[1]
    if (cell) codes.push(...cell.split(',').map((c) => Number(c.trim())))
  }
  return codes
}

describe('docs/cli.md, the contract', () => {
  it('the manifest it is checked against lists the commands', () => {
    // A broken or empty manifest would make every check below pass on nothing.
    expect(commands.map((c) => c.id)).toEqual(expect.arrayContaining(['pool:up', 'pool:down', 'config:validate', 'sizes']))
  })

  it.each(commands.map((c) => [c.id.replaceAll(':', ' '), c] as const))('has a section for velda-do %s naming each of its flags', (name, command) => {
    const section = commandSection(page, name)
    expect(section, `docs/cli.md has no "### velda-do ${name}" section`).not.toBeNull()
    const missing = Object.values(command.flags)
      .filter((flag) => !flag.hidden)
      .flatMap((flag) => [`--${flag.name}`, ...(flag.char ? [`-${flag.char}`] : [])])
      .filter((spelling) => !mentions(section ?? '', spelling))
    expect(missing, `flags of velda-do ${name} that its section does not mention`).toEqual([])
  })

  it('lists every exit code the code defines in its exit code table', () => {
    const documented = exitCodesInTable(page)
    const missing = Object.entries(ExitCode).filter(([, code]) => !documented.includes(code))
    expect(missing, 'ExitCode entries missing from the table under "## Exit codes"').toEqual([])
  })
})

describe('the checks themselves', () => {
  const sample = ['## Exit codes', '', '| code | meaning |', '|---|---|', '| 0 | ok |', '| 130, 143 | stopped |', '', '## Commands', '', '### velda-do pool up', 'Flags: `--count`, `-n`.', '### velda-do pool list', '`--all-pools`'].join('\n')

  it('find a section up to the next heading, and only that one', () => {
    expect(commandSection(sample, 'pool up')).toContain('--count')
    expect(commandSection(sample, 'pool up')).not.toContain('--all-pools')
    expect(commandSection(sample, 'pool down')).toBeNull()
  })

  it('tell a flag from a longer one that starts with it', () => {
    const section = commandSection(sample, 'pool list') ?? ''
    expect(mentions(section, '--all')).toBe(false)
    expect(mentions(section, '--all-pools')).toBe(true)
    expect(mentions('`-n, --count`', '-n')).toBe(true)
    expect(mentions('`--name`', '-n')).toBe(false)
  })

  it('read every code of a row, and no code outside the table', () => {
    expect(exitCodesInTable(sample)).toEqual([0, 130, 143])
  })
})
