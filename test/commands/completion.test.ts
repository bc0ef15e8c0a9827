import {describe, expect, it} from 'vitest'

import Complete from '../../src/commands/__complete.js'
import Completion from '../../src/commands/completion.js'
import {runCommand} from '../support/command.js'
import {EXAMPLE_CONFIG} from '../support/cli.js'

describe('completion and __complete (the commands, with a fake IO)', () => {
  it('completion zsh prints a script that calls back `velda-do __complete`', async () => {
    const run = await runCommand(Completion, ['zsh'])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('#compdef velda-do')
    expect(run.stdout).toContain('__complete')
  })

  it('__complete offers the pools of the config the environment names after "pool up"', async () => {
    const run = await runCommand(Complete, ['--', 'pool', 'up', ''], {env: {VELDA_DO_CONFIG: EXAMPLE_CONFIG}})
    expect(run.status).toBe(0)
    expect(run.stdout.split('\n').slice(0, 3)).toEqual([expect.stringMatching(/^cpu-small/), expect.stringMatching(/^amd-mi300x/), expect.stringMatching(/^amd-mi300x-8/)])
  })

  it('__complete offers nothing, quietly, for a config that does not parse', async () => {
    const run = await runCommand(Complete, ['--', 'pool', 'up', '-c', '/nonexistent/velda.yaml', ''])
    expect(run.status).toBe(0)
    expect(run.stderr).toBe('')
  })
})
