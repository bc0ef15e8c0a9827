import {describe, expect, it} from 'vitest'

import {type CommandShape, pasteable, type PasteContext, typedContextFlags} from '../../src/lib/cli/pasteable.js'

const ssh = {'ssh-user': {takesValue: true}, 'identity-file': {char: 'i', takesValue: true}, 'ssh-port': {takesValue: true}, private: {takesValue: false}}
const where = {config: {char: 'c', takesValue: true}, 'api-endpoint': {takesValue: true}}

/** The commands as this CLI has them, the parts the rewriter reads. */
const COMMANDS: Record<string, CommandShape> = {
  'pool:status': {flags: {...where, ...ssh, parallel: {takesValue: true}}, args: 1},
  'pool:logs': {flags: {...where, ...ssh}, args: 2},
  'pool:ssh': {flags: {...where, ...ssh, all: {takesValue: false}}, args: 2},
  'pool:list': {flags: {...where}, args: 1},
  'pool:up': {flags: {...where, ...ssh, count: {char: 'n', takesValue: true}, wait: {takesValue: false}}, args: 1},
  'pool:down': {flags: {...where, id: {takesValue: true}, all: {takesValue: false}}, args: 1},
  'config:validate': {flags: {config: where.config}, args: 0},
  doctor: {flags: {...where}, args: 0},
  sizes: {flags: {'api-endpoint': where['api-endpoint']}, args: 0},
  simulator: {flags: {port: {takesValue: true}}, args: 0},
}

const typed = [
  {name: 'config', value: 'my velda.yaml'},
  {name: 'api-endpoint', value: 'http://127.0.0.1:4010'},
  {name: 'ssh-port', value: '39677'},
  {name: 'identity-file', value: '/k/id'},
]
const context: PasteContext = {typed, argumentValues: new Set(['gpu', 'amd-mi300x']), commandShape: (id) => COMMANDS[id]}
const FLAGS = "-c 'my velda.yaml' --api-endpoint http://127.0.0.1:4010 --ssh-port 39677 -i /k/id"
const WHERE = "-c 'my velda.yaml' --api-endpoint http://127.0.0.1:4010"

describe('pasteable: the flags typed, added to each suggested command that takes them', () => {
  it.each([
    ['after the arguments, before the prose', 'velda-do pool status gpu shows each member', `velda-do pool status gpu ${FLAGS} shows each member`],
    ['only the flags the command takes', 'velda-do pool list gpu shows them', `velda-do pool list gpu ${WHERE} shows them`],
    ['none to a command that takes none of them', 'velda-do simulator --port 0 picks a free one', 'velda-do simulator --port 0 picks a free one'],
    ['-c alone to config validate', 'check again with: velda-do config validate', "check again with: velda-do config validate -c 'my velda.yaml'"],
    ['after its own flags and their values', 'velda-do pool down gpu --id 1 --id 2', `velda-do pool down gpu --id 1 --id 2 ${WHERE}`],
    ['after a flag given with =', 'velda-do pool status gpu --parallel=4 to go slower', `velda-do pool status gpu --parallel=4 ${FLAGS} to go slower`],
    ['after -n and its value', 'velda-do pool up gpu -n 2 makes up for them', `velda-do pool up gpu -n 2 ${FLAGS} makes up for them`],
    ['before --: what follows is the remote command', 'velda-do pool ssh gpu --all -- uptime', `velda-do pool ssh gpu --all ${FLAGS} -- uptime`],
    ['a member\'s name is an argument', 'velda-do pool logs gpu velda-1a2b3c4d-x7k2p shows its boot log', `velda-do pool logs gpu velda-1a2b3c4d-x7k2p ${FLAGS} shows its boot log`],
    ['placeholders and numbers are arguments', 'velda-do pool logs POOL 3 shows its boot log', `velda-do pool logs POOL 3 ${FLAGS} shows its boot log`],
    ['a word not known as an argument is prose: the flags go before it', 'velda-do pool list to watch', `velda-do pool list ${WHERE} to watch`],
    ['no more arguments than the command takes', 'velda-do pool status gpu amd-mi300x', `velda-do pool status gpu ${FLAGS} amd-mi300x`],
    ['before the punctuation that ends it', 'wait for it: velda-do pool up --wait, or velda-do pool list to watch', `wait for it: velda-do pool up --wait ${FLAGS}, or velda-do pool list ${WHERE} to watch`],
    ['inside backticks and parentheses', 'start it with `velda-do doctor` (velda-do sizes)', `start it with \`velda-do doctor ${WHERE}\` (velda-do sizes --api-endpoint http://127.0.0.1:4010)`],
    ['a flag the suggestion gives is left as it is', 'velda-do pool status gpu --ssh-user USER -i PATH', `velda-do pool status gpu --ssh-user USER -i PATH ${WHERE} --ssh-port 39677`],
    ['-c given by the suggestion is its own', 'velda-do config validate -c other.yaml', 'velda-do config validate -c other.yaml'],
    ['a painted line keeps its colours', '\u001b[33mvelda-do pool list gpu\u001b[39m', `\u001b[33mvelda-do pool list gpu ${WHERE}\u001b[39m`],
    ['a command another process runs, quoted, is not ours', 'waiting for another velda-do (pid 7, "velda-do pool up gpu", since x)', 'waiting for another velda-do (pid 7, "velda-do pool up gpu", since x)'],
    ['velda-do as a word of prose', 'velda-do does not follow redirects; locks go to $XDG_RUNTIME_DIR/velda-do now', 'velda-do does not follow redirects; locks go to $XDG_RUNTIME_DIR/velda-do now'],
    ['an apostrophe in the prose after it', "velda-do sizes and the account's droplet limit", "velda-do sizes --api-endpoint http://127.0.0.1:4010 and the account's droplet limit"],
    ['an unknown command is left alone', 'velda-do pool frobnicate gpu', 'velda-do pool frobnicate gpu'],
    ['only up to the end of its line', 'velda-do pool list\ngpu', `velda-do pool list ${WHERE}\ngpu`],
  ])('%s', (_why, line, expected) => {
    expect(pasteable(line, context)).toBe(expected)
  })

  it('changes nothing when no context flag was typed', () => {
    expect(pasteable('velda-do pool status gpu shows each member', {...context, typed: []})).toBe('velda-do pool status gpu shows each member')
  })

  it('is the same line when run again on its own output', () => {
    const once = pasteable('velda-do pool up gpu -n 2 makes up for them; velda-do pool list gpu', context)
    expect(pasteable(once, context)).toBe(once)
  })

  it('a boolean flag is added by its name, a value that is not one word of the shell is quoted', () => {
    const booleans = {...context, typed: [{name: 'private', value: null}, {name: 'identity-file', value: "/k/it's"}]}
    expect(pasteable('velda-do pool status gpu', booleans)).toBe("velda-do pool status gpu --private -i '/k/it'\\''s'")
  })
})

describe('typedContextFlags: what was typed, not what a variable or a default gave', () => {
  const defs = {config: {type: 'option'}, 'ssh-port': {type: 'option'}, private: {type: 'boolean'}, count: {type: 'option'}, 'ssh-user': {type: 'option'}}

  it('takes the context flags of the raw tokens, the last of each, in a fixed order', () => {
    const raw = [
      {type: 'arg', input: 'gpu'},
      {type: 'flag', flag: 'ssh-port', input: '22'},
      {type: 'flag', flag: 'count', input: '3'},
      {type: 'flag', flag: 'private', input: '--private'},
      {type: 'flag', flag: 'ssh-port', input: '2222'},
      {type: 'flag', flag: 'config', input: 'v.yaml'},
    ]
    expect(typedContextFlags(raw, defs)).toEqual([
      {name: 'config', value: 'v.yaml'},
      {name: 'ssh-port', value: '2222'},
      {name: 'private', value: null},
    ])
  })

  it('an endpoint with a user or password in it is never copied (it is refused anyway: the failure must not echo it)', () => {
    const raw = [{type: 'flag', flag: 'api-endpoint', input: 'https://me:s3cret@api.example.com'}, {type: 'flag', flag: 'config', input: 'v.yaml'}]
    expect(typedContextFlags(raw, {...defs, 'api-endpoint': {type: 'option'}})).toEqual([{name: 'config', value: 'v.yaml'}])
  })

  it('a flag absent from the tokens (its value came from $VELDA_DO_SSH_USER or the default) is not copied', () => {
    expect(typedContextFlags([{type: 'arg', input: 'gpu'}], defs)).toEqual([])
  })
})
