import {describe, expect, it} from 'vitest'

import {EXAMPLE_CONFIG, runCli} from '../support/cli.js'

describe('help and start-up', () => {
  it('velda-do --help lists the commands', () => {
    const result = runCli(['--help'])
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/render-userdata +Print the boot script/)
    expect(result.stdout).toMatch(/config +Write a starter Velda config file, and check one/)
  })

  it.each([['render-userdata'], ['config', 'validate']])('velda-do %s --help shows realistic examples', (...command) => {
    const result = runCli([...command, '--help'])
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/EXAMPLES\n/)
    expect(result.stdout).toMatch(new RegExp(`\\$ velda-do ${command.join(' ')} `))
  })

  it('--version prints the version', () => {
    const result = runCli(['--version'])
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
