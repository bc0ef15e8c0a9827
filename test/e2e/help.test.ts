import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {EXAMPLE_CONFIG, runCli} from '../support/cli.js'
import {runInProcess} from '../support/in-process-cli.js'

describe('help and start-up', () => {
  it('velda-do --help lists the commands', async () => {
    const result = await runInProcess(['--help'])
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/render-userdata +Print the boot script/)
    expect(result.stdout).toMatch(/config +Write a starter Velda config file, and check one/)
  })

  it.each([['render-userdata'], ['config', 'validate']])('velda-do %s --help shows realistic examples', async (...command) => {
    const result = await runInProcess([...command, '--help'])
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/EXAMPLES\n/)
    expect(result.stdout).toMatch(new RegExp(`\\$ velda-do ${command.join(' ')} `))
  })

  it('--version prints the version', async () => {
    const result = await runInProcess(['--version'])
    expect(result.stdout).toMatch(/^velda-do\/\d+\.\d+\.\d+ /)
  })

  it.each([
    [['--help']],
    [['render-userdata', 'amd-mi300x', '-c', EXAMPLE_CONFIG]],
    [['config', 'validate', '-c', EXAMPLE_CONFIG]],
  ])('%j loads neither the DigitalOcean client nor other commands', (args) => {
    const result = runCli(args, {recordModules: true})
    expect(result.status).toBe(0)
    expect(result.modules.length).toBeGreaterThan(10)
    expect(result.modules.filter((m) => /@digitalocean\/dots|@microsoft\/kiota|\/dist\/do-client\.js/.test(m))).toEqual([])
    const commands = result.modules.filter((m) => m.includes('/dist/commands/'))
    const expected = args[0] === '--help' ? [] : [args[0] === 'config' ? 'config/validate.js' : 'render-userdata.js']
    expect(commands.map((m) => m.replace(/.*\/dist\/commands\//, ''))).toEqual(expected)
  })
})

describe('help at 80 columns (a piped --help, a narrow terminal)', () => {
  const manifest = JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as {commands: Record<string, {hidden?: boolean}>}
  // `velda-do help --help` is the CLI's own help, as with any oclif CLI (tested in 'help as oclif users expect').
  const commands = Object.entries(manifest.commands).filter(([id, command]) => !command.hidden && id !== 'help').map(([id]) => [id.replaceAll(':', ' '), id.split(':')] as const)

  it.each(commands)('velda-do %s --help fits 80 columns, its paragraphs wrapped once, evenly', async (_name, command) => {
    const result = await runInProcess([...command, '--help'], {env: {OCLIF_COLUMNS: '80'}})
    expect(result.status, result.stderr).toBe(0)
    const lines = result.stdout.split('\n')
    expect(lines.filter((line) => line.length > 80)).toEqual([])
    // A paragraph wrapped twice (by hand, then by oclif) leaves short lines mid-paragraph: the next line's first
    // word would have fitted on the line before it.
    // From DESCRIPTION to the next section's heading (ALIASES, EXAMPLES, FLAG DESCRIPTIONS...).
    const start = lines.indexOf('DESCRIPTION') + 1
    const end = lines.findIndex((line, index) => index >= start && /^[A-Z][A-Z ]+$/.test(line))
    const description = lines.slice(start, end)
    const ragged = description.flatMap((line, index) => {
      const next = description[index + 1]
      if (!line.trim() || !next?.trim()) return []
      const firstWord = next.trim().split(' ')[0] ?? ''
      return line.length + 1 + firstWord.length <= 80 ? [`${line} ⏎ ${next}`] : []
    })
    expect(ragged).toEqual([])
    expect(description.join('\n').trim().length).toBeGreaterThan(0)
  })
})

describe('help as oclif users expect', () => {
  it('velda-do help, help COMMAND, -h and help --help show what --help shows (exit 0)', () => {
    const root = runCli(['--help'])
    expect(root.status).toBe(0)
    expect(root.stdout).toMatch(/COMMANDS\n/)
    expect(runCli(['help']).stdout).toBe(root.stdout)
    expect(runCli(['help', '--help']).stdout).toBe(root.stdout)
    const poolUp = runCli(['pool', 'up', '--help'])
    expect(poolUp.stdout).toMatch(/^Create droplets for a pool/)
    expect(runCli(['help', 'pool', 'up']).stdout).toBe(poolUp.stdout)
    expect(runCli(['pool', 'up', '-h']).stdout).toBe(poolUp.stdout)
  })

  it('velda-do version prints what --version prints', () => {
    const version = runCli(['version'])
    expect(version.status).toBe(0)
    expect(version.stdout).toMatch(/^velda-do\/\d+\.\d+\.\d+ /)
    expect(version.stdout).toBe(runCli(['--version']).stdout)
  })

  it('help for a command that does not exist is exit 2, saying where the commands are listed', () => {
    const result = runCli(['help', 'pool', 'explode'])
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('no command or topic "pool explode"')
    expect(result.stderr).toContain('velda-do help lists every command')
  })

  it.each([
    [['pool', 'ls'], 'pool list'],
    [['pool', 'rm'], 'pool down'],
    [['pool', 'delete'], 'pool down'],
    [['pool', 'create'], 'pool up'],
  ])('%j is %s (doctl and gh users type it)', (alias, command) => {
    const help = runCli([...alias, '--help'])
    expect(help.status).toBe(0)
    // The command's own help (its summary first), under the name typed.
    expect(help.stdout.split('\n')[0]).toBe(runCli([...command.split(' '), '--help']).stdout.split('\n')[0])
    expect(help.stdout).toContain(`$ velda-do ${alias.join(' ')} `)
  })
})
