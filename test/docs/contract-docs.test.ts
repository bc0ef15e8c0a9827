import {existsSync, readdirSync, readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {ExitCode} from '../../src/lib/base/errors.js'

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

/** GitHub's anchor of a heading: lower case, punctuation dropped, each space a dash. */
function anchorOf(heading: string): string {
  return heading.trim().toLowerCase().replaceAll(/[^\p{L}\p{N}\s_-]/gu, '').replaceAll(/\s/g, '-')
}

/** The anchors a page offers: one per heading, and any explicit `<a id="...">`. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>()
  for (const line of markdown.split('\n')) {
    const heading = /^#{1,6} (.*)$/.exec(line)?.[1]
    if (heading) anchors.add(anchorOf(heading))
  }
  for (const match of markdown.matchAll(/<a id="([^"]+)"><\/a>/g)) anchors.add(match[1] ?? '')
  return anchors
}

/** Relative links of a page (`[text](file.md#anchor)`, `[text](#anchor)`) that lead nowhere. */
function brokenLinks(markdown: string, readSibling: (file: string) => string | null): string[] {
  const broken: string[] = []
  for (const match of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = match[1] ?? ''
    if (/^[a-z]+:/.test(target)) continue
    const [file, anchor] = target.split('#')
    const text = file ? readSibling(file) : markdown
    if (text === null || (anchor !== undefined && !anchorsOf(text).has(anchor))) broken.push(target)
  }
  return broken
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

describe('the pages of docs/', () => {
  const docs = new URL('docs/', root)
  const pages = readdirSync(docs).filter((name) => name.endsWith('.md'))
  const readSibling = (base: URL) => (file: string) => {
    const url = new URL(file, base)
    return existsSync(url) ? readFileSync(url, 'utf8') : null
  }

  it.each(pages)('%s links only to pages and sections that exist', (name) => {
    expect(brokenLinks(readFileSync(new URL(name, docs), 'utf8'), readSibling(docs))).toEqual([])
  })

  it('are linked from the README', () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8')
    expect(pages.filter((name) => !readme.includes(`](docs/${name})`))).toEqual([])
    expect(brokenLinks(readme, readSibling(root)).filter((target) => target.startsWith('docs/'))).toEqual([])
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

  it('resolve a link by the anchor GitHub gives its heading, and report one that leads nowhere', () => {
    const pages: Record<string, string> = {'cli.md': sample}
    const read = (file: string) => pages[file] ?? null
    expect(anchorOf('Tables: --format and --no-header')).toBe('tables---format-and---no-header')
    expect(brokenLinks('[a](cli.md#velda-do-pool-up) [b](#x) <a id="x"></a> [c](https://example.com/#y)', read)).toEqual([])
    expect(brokenLinks('[a](cli.md#velda-do-pool-down) [b](other.md) [c](#nowhere)', read)).toEqual(['cli.md#velda-do-pool-down', 'other.md', '#nowhere'])
  })
})
