import {describe, expect, it} from 'vitest'

import {closestCommand, type KnownCommand, unknownCommandError} from '../../src/lib/cli/unknown-command.js'

/** velda-do's commands and their aliases, as oclif lists them. */
const COMMANDS: KnownCommand[] = [
  ...['completion', 'doctor', 'help', 'regions', 'render-userdata', 'simulator', 'sizes', 'ssh-keys', 'config:init', 'config:validate'].map((id) => ({id, aliases: []})),
  {id: 'pool:down', aliases: ['pool:rm', 'pool:delete']},
  {id: 'pool:list', aliases: ['pool:ls']},
  ...['pool:logs', 'pool:reap', 'pool:scale', 'pool:ssh', 'pool:status'].map((id) => ({id, aliases: []})),
  {id: 'pool:up', aliases: ['pool:create']},
]
const TOPICS = ['config', 'pool']

describe('closestCommand', () => {
  it.each([
    // typed words, the command guessed, how many typed words it replaces
    [['pool', 'craete', 'amd-mi300x'], 'pool create', 2],
    [['pool', 'creat'], 'pool create', 2],
    [['pol', 'list'], 'pool list', 2],
    [['pol', 'ls'], 'pool ls', 2],
    [['sizez'], 'sizes', 1],
    [['regoins'], 'regions', 1],
    [['SIZES'], 'sizes', 1],
    [['ssh-key'], 'ssh-keys', 1],
    [['pool', 'stat', 'gpu'], 'pool status', 2],
    [['config', 'val'], 'config validate', 2],
    [['doctr'], 'doctor', 1],
    [['pool', 'dwn'], 'pool down', 2],
    // The topic left out: the command of a topic, at one edit more.
    [['up', 'amd-mi300x'], 'pool up', 1],
    [['ls'], 'pool ls', 1],
    [['validate'], 'config validate', 1],
    // A word typed whole before a beginning of a longer one: ssh is pool ssh, not ssh-keys.
    [['ssh', 'gpu'], 'pool ssh', 1],
  ])('%j: %s', (typed, command, replaces) => {
    expect(closestCommand(typed, COMMANDS)).toEqual({command: command.split(' '), replaces})
  })

  it.each([
    [['pool', 'up-x']],
    [['pool', 'explode']],
    [['foo', 'bar']],
    // A word of two letters is typed whole: one edit would make anything of it.
    [['re']],
    [['pool', 'xp']],
    // A beginning of fewer than three letters is too little to go on.
    [['pool', 'st']],
  ])('%j: no command is close enough', (typed) => {
    expect(closestCommand(typed, COMMANDS)).toBeNull()
  })

  it('prefers the name to an alias as close, and the fewer edits to either', () => {
    const commands = [{id: 'pool:up', aliases: ['pool:upp']}, {id: 'pool:upq', aliases: []}]
    expect(closestCommand(['pool', 'upx'], commands)).toEqual({command: ['pool', 'upq'], replaces: 2})
    expect(closestCommand(['pool', 'upp'], [{id: 'pool:upq', aliases: ['pool:upp']}])).toEqual({command: ['pool', 'upp'], replaces: 2})
  })
})

describe('unknownCommandError', () => {
  const error = (words: string[], rest: string[] = []) => unknownCommandError({bin: 'velda-do', words, rest, commands: COMMANDS, topics: TOPICS})

  it('never shows again a secret typed on the mistyped line: a secret flag\'s value, a URL\'s user and password', () => {
    const shown = error(['simulatr'], ['--token', 'dop_v1_SECRET', '--api-password=hunter2', '--api-endpoint', 'https://user:pw@127.0.0.1:9', '--ssh-user', 'me@host']).suggestions[0]
    expect(shown).toBe("velda-do simulator --token '<redacted>' '--api-password=<redacted>' --api-endpoint 'https://<credentials>@127.0.0.1:9' --ssh-user me@host")
    expect(shown).not.toMatch(/SECRET|hunter2|user:pw/)
  })

  it('names the command as typed, with spaces, and gives the whole line with the closest command to paste (exit 2)', () => {
    const found = error(['pool', 'craete', 'amd-mi300x'], ['-n', '2', '--broker', 'broker.example:443'])
    expect(found.exitCode).toBe(2)
    expect(found.code).toBe('usage')
    expect(found.message).toBe('unknown command "pool craete": did you mean "pool create"?')
    expect(found.suggestions).toEqual(['velda-do pool create amd-mi300x -n 2 --broker broker.example:443'])
  })

  it('quotes a word of the line the shell would change', () => {
    expect(error(['pol', 'ssh', 'gpu'], ['--', 'echo $HOME; ls']).suggestions).toEqual([`velda-do pool ssh gpu -- 'echo $HOME; ls'`])
  })

  it('takes a misspelt topic typed alone for the topic, which lists its commands', () => {
    expect(error(['pol']).message).toBe('unknown command "pol": did you mean "pool"?')
    expect(error(['pol']).suggestions).toEqual(['velda-do pool'])
  })

  it("lists a topic's commands when none is close to the word typed after it", () => {
    const found = error(['pool', 'up-x', 'gpu'])
    expect(found.message).toBe('unknown command "pool up-x": the pool commands are down, list, logs, reap, scale, ssh, status, up')
    expect(found.suggestions).toEqual(['velda-do help pool says what each does'])
  })

  it('says where every command is listed when nothing is close', () => {
    expect(error(['foo', 'bar'])).toMatchObject({message: 'unknown command "foo"', suggestions: ['velda-do help lists every command']})
  })

  it('says a flag typed before any command comes after it', () => {
    expect(error(['--foo'])).toMatchObject({message: '--foo is not a command: the command comes first, then its flags', suggestions: ['velda-do help lists every command']})
  })
})
