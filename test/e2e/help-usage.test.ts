import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {REGION_COLUMNS, SIZE_COLUMNS, SSH_KEY_COLUMNS} from '../../src/lib/output/catalog-tables.js'
import {dropletColumns} from '../../src/lib/output/droplet-table.js'
import {type Column, tableView} from '../../src/lib/output/table.js'
import {PROJECT_ROOT} from '../support/cli.js'
import {runInProcess} from '../support/in-process-cli.js'

interface ManifestCommand {
  hidden?: boolean
  strict?: boolean
  args: Record<string, {multiple?: boolean}>
  flags: Record<string, {char?: string; hidden?: boolean}>
}

/** The built manifest: what `--help` is rendered from (run node scripts/build.mjs first). */
const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, ManifestCommand>}
// `help --help` is oclif's root help (its own contract, docs/cli.md "velda-do help").
const commands = Object.entries(manifest.commands).filter(([id, command]) => !command.hidden && id !== 'help')

/** The USAGE block of `--help`, its lines joined (oclif wraps it at the terminal's width). */
async function usageOf(id: string): Promise<string> {
  const help = await runInProcess([...id.split(':'), '--help'])
  expect(help.status).toBe(0)
  return /\nUSAGE\n([\s\S]*?)\n\n/.exec(`\n${help.stdout}`)?.[1]?.replace(/\s+/g, ' ').trim() ?? ''
}

describe('usage lines in --help', () => {
  it.each(commands.map(([id]) => id))('%s: no empty alternative, no <value>, no argument marked repeatable that is not', async (id) => {
    const usage = await usageOf(id)
    expect(usage).toMatch(new RegExp(`^\\$ velda-do ${id.replaceAll(':', ' ')}\\b`))
    // `[--no-header | ]`: oclif's rendering of two flags each exclusive with --json.
    expect(usage).not.toMatch(/\| \]|\[ \||\|\s*\|/)
    expect(usage).not.toContain('<value>')
    // `POOL...` for a pool ssh that takes one pool: oclif marks every argument of a non-strict command so.
    const repeatable = Object.entries(manifest.commands[id]!.args).filter(([, arg]) => arg.multiple).map(([name]) => name.toUpperCase())
    const argumentsPart = usage.split(/ [[(]?-/)[0] ?? ''
    for (const [, name] of argumentsPart.matchAll(/\b([A-Z]+)\.\.\./g)) expect(repeatable).toContain(name)
  })

  it('pool ssh: POOL [MEMBER], every flag it takes, then -- CMD...', async () => {
    const usage = await usageOf('pool:ssh')
    expect(usage).toMatch(/^\$ velda-do pool ssh POOL \[MEMBER\] \[/)
    expect(usage).toMatch(/ \[-- CMD\.\.\.\]$/)
    for (const [name, flag] of Object.entries(manifest.commands['pool:ssh']!.flags)) {
      if (!flag.hidden) expect(usage).toMatch(new RegExp(`\\[(?:[^\\]]*\\| )?${flag.char ? `-${flag.char}` : `--${name}`}\\b`))
    }
  })

  it.each([['pool:list', ['--format', 'Name,ID']], ['sizes', ['--gpu']]])('%s: --no-header beside --json is still refused (exit 2)', async (id, extra) => {
    const run = await runInProcess([...id.split(':'), ...extra, '--no-header', '--json'], {env: {DIGITALOCEAN_API_TOKEN: 'dop_v1_unused', DIGITALOCEAN_API_ENDPOINT: 'http://127.0.0.1:9'}})
    expect(run.status).toBe(2)
    expect(run.stdout).toMatch(/cannot also be provided when using/)
  })
})

describe('--format in the help of each table command', () => {
  const tables: [string, readonly Column<never>[]][] = [
    ['sizes', SIZE_COLUMNS as readonly Column<never>[]],
    ['regions', REGION_COLUMNS as readonly Column<never>[]],
    ['ssh-keys', SSH_KEY_COLUMNS as readonly Column<never>[]],
    ['pool:list', dropletColumns() as readonly Column<never>[]],
  ]

  it.each(tables)('%s: every column list its help gives (flag, description, examples) is one of its own columns', async (id, columns) => {
    const help = await runInProcess([...id.split(':'), '--help'])
    // Column lists are written without spaces (`--format Slug --no-header`, `(Slug,PriceHourly,Regions; ...`);
    // the flag's own text once gave pool list's Name,ID,PublicIPv4 to every table command.
    const text = help.stdout.replace(/\s+/g, ' ')
    const lists = [...text.matchAll(/--format (?!picks |COLUMNS )([\w$/]+)|\b([\w$/]+(?:,[\w$/]+)+)\b/g)].map((m) => (m[1] ?? m[2])!)
    expect(lists.length).toBeGreaterThan(0)
    for (const format of lists) expect(() => tableView(columns, {format, 'no-header': false}), `${id}: --format ${format}`).not.toThrow()
  })
})
