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
  const commands = Object.entries(manifest.commands).filter(([, command]) => !command.hidden).map(([id]) => [id.replaceAll(':', ' '), id.split(':')] as const)

  it.each(commands)('velda-do %s --help fits 80 columns, its paragraphs wrapped once, evenly', async (_name, command) => {
    const result = await runInProcess([...command, '--help'], {env: {OCLIF_COLUMNS: '80'}})
    expect(result.status, result.stderr).toBe(0)
    const lines = result.stdout.split('\n')
    expect(lines.filter((line) => line.length > 80)).toEqual([])
    // A paragraph wrapped twice (by hand, then by oclif) leaves short lines mid-paragraph: the next line's first
    // word would have fitted on the line before it.
    const description = lines.slice(lines.indexOf('DESCRIPTION') + 1, lines.indexOf('EXAMPLES'))
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
