import {describe, expect, it} from 'vitest'

import Help from '../../src/commands/help.js'
import {runCommand} from '../support/command.js'

describe('help (the command, with a fake IO)', () => {
  it('help pool up prints that command\'s usage, flags and examples on the command\'s own stdout', async () => {
    const run = await runCommand(Help, ['pool', 'up'])
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/^Create droplets for a pool/)
    expect(run.stdout).toContain('$ velda-do pool up POOL')
    expect(run.stdout).toContain('--max-hourly-cost')
  })

  it('help pool lists the topic\'s commands; --json carries the text', async () => {
    const run = await runCommand(Help, ['pool', '--json'])
    const output = JSON.parse(run.stdout)
    expect(output.subject).toEqual(['pool'])
    expect(output.help).toMatch(/pool up +Create droplets for a pool/)
  })

  it('an unknown command is exit 2, with where to look', async () => {
    const run = await runCommand(Help, ['pool', 'explode'])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('no command or topic "pool explode"')
  })

  it.each([
    [['pool', 'craete'], 'pool create'],
    [['pol'], 'pool'],
  ])('help %j is exit 2, with the help of the closest command or topic to ask for', async (subject, meant) => {
    const run = await runCommand(Help, subject)
    expect(run.status).toBe(2)
    expect(run.stderr).toBe(`Error: no command or topic "${subject.join(' ')}": did you mean "${meant}"?\nTry this:\n  velda-do help ${meant}\n  velda-do help lists every command\n`)
  })
})
