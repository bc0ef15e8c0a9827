import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {runOnPty} from '../support/pty.js'
import {haveTool} from '../support/tools.js'

/** An unknown command, as the binary answers it: oclif's command_not_found hook (src/hooks/command-not-found.ts). */
describe('an unknown command', () => {
  it('is exit 2, shown as typed (spaces, not oclif ids), with the closest command in the whole line to paste', () => {
    const result = runCli(['pool', 'craete', 'amd-mi300x', '-n', '2', '--dry-run'])
    expect(result.status).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe([
      'Error: unknown command "pool craete": did you mean "pool create"?',
      'Try this:',
      '  velda-do pool create amd-mi300x -n 2 --dry-run',
      '',
    ].join('\n'))
  })

  it.each([
    [['pol', 'list'], 'unknown command "pol list": did you mean "pool list"?', 'velda-do pool list'],
    [['sizez'], 'unknown command "sizez": did you mean "sizes"?', 'velda-do sizes'],
    [['up', 'amd-mi300x'], 'unknown command "up": did you mean "pool up"?', 'velda-do pool up amd-mi300x'],
    [['pool', 'up-x'], 'unknown command "pool up-x": the pool commands are down, list, logs, reap, scale, ssh, status, top, up', 'velda-do help pool says what each does'],
    [['explode'], 'unknown command "explode"', 'velda-do help lists every command'],
  ])('%j: %s', (args, message, suggestion) => {
    const result = runCli(args)
    expect(result.status).toBe(2)
    expect(result.stderr).toBe(`Error: ${message}\nTry this:\n  ${suggestion}\n`)
  })

  it('with --json, is the error document on stdout, as any command failing', () => {
    const result = runCli(['pol', 'list', '--json'])
    expect(result.status).toBe(2)
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout)).toEqual({error: {code: 'usage', message: 'unknown command "pol list": did you mean "pool list"?', suggestions: ['velda-do pool list --json']}})
  })

  it('cuts a token from the line it gives back', () => {
    const token = 'dop_v1_not-found-test-token'
    const result = runCli(['pool', 'craete', token], {env: {DIGITALOCEAN_API_TOKEN: token}})
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('velda-do pool create <redacted>')
    expect(result.stderr).not.toContain(token)
  })

  // plugin-not-found asks "Did you mean ...? (y/n)" on a terminal: a script run by hand, or under `script` in CI,
  // would wait for an answer. This exits at once (a prompt would leave it waiting until the test's limit).
  it.runIf(haveTool('script', 'bsdutils', 'an unknown command on a terminal'))('on a terminal, asks nothing: exit 2 at once', async () => {
    const terminal = runOnPty(['pool', 'craete'], {})
    expect((await terminal.exited).status).toBe(2)
    expect(terminal.screen()).toContain('did you mean "pool create"?')
    expect(terminal.screen()).not.toMatch(/\(y\/n\)|\?\s*$/i)
  })

  it.each([['--help'], ['-h']])('with %s, is the same error, the help flag kept in the line to paste', (flag) => {
    const result = runCli(['pool', 'craete', flag])
    expect(result.status).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(`Error: unknown command "pool craete": did you mean "pool create"?\nTry this:\n  velda-do pool create ${flag}\n`)
  })

  it('a topic alone is not one: `velda-do pool` lists its commands (exit 0)', () => {
    const result = runCli(['pool'])
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/COMMANDS\n {2}pool down +Delete droplets/)
    expect(result.stdout).toMatch(/\n {2}pool up +Create droplets/)
  })
})
