import {describe, expect, it} from 'vitest'

import {type OutputFlags, outputFormat, outputInArgv} from '../../src/lib/cli/output-format.js'

const NONE: OutputFlags = {output: undefined, json: false, excludedByJson: [], hasOutputFile: false}

describe('-o/--output', () => {
  it.each([
    ['nothing: text', {}, 'text'],
    ['--json: json', {json: true}, 'json'],
    ['-o json', {output: 'json'}, 'json'],
    ['-o json with --json', {output: 'json', json: true}, 'json'],
    ['-o text', {output: 'text'}, 'text'],
    ['-o wide', {output: 'wide'}, 'wide'],
    ['-o wide with --format (the columns picked, whole)', {output: 'wide', excludedByJson: ['format']}, 'wide'],
  ])('%s', (_what, flags, expected) => {
    expect(outputFormat({...NONE, ...flags})).toBe(expected)
  })

  it.each([
    ['a word that is no format', {output: 'yaml'}, '-o/--output yaml: not an output format; -o takes json, text or wide', ['-o json for the JSON document, -o text (the default), -o wide for every column of a table']],
    [
      "a path, where the command writes files (render-userdata's old -o)",
      {output: 'boot.sh', hasOutputFile: true},
      '-o/--output boot.sh: not an output format; -o takes json, text or wide',
      ['-o json for the JSON document, -o text (the default), -o wide for every column of a table', '--output-file boot.sh writes to that file'],
    ],
    [
      'a path, where the command has no --output-file',
      {output: './list.txt'},
      '-o/--output ./list.txt: not an output format; -o takes json, text or wide',
      ['-o json for the JSON document, -o text (the default), -o wide for every column of a table', 'to keep the output in a file, redirect it: > ./list.txt'],
    ],
    ['-o text with --json', {output: 'text', json: true}, '--json and -o text ask for two different outputs (--json is -o json)', ['leave out --json for the text output, or leave out -o text for the JSON document']],
    ['-o json with --format, as --json refuses it', {output: 'json', excludedByJson: ['format']}, '--format cannot also be provided when using -o json (the same as --json)', ['leave out --format: the JSON document has every key, and jq picks them']],
    ['-o json with --no-header', {output: 'json', excludedByJson: ['no-header']}, '--no-header cannot also be provided when using -o json (the same as --json)', ['leave out --no-header: the JSON document has every key, and jq picks them']],
  ])('refuses %s: exit 2, naming the choices and the fix', (_what, flags, message, suggestions) => {
    expect(() => outputFormat({...NONE, ...flags})).toThrow(expect.objectContaining({message, exitCode: 2, suggestions}))
  })

  it.each([
    [['regions'], undefined],
    [['regions', '-o', 'json'], 'json'],
    [['regions', '-ojson'], 'json'],
    [['regions', '-o=json'], 'json'],
    [['regions', '--output', 'json'], 'json'],
    [['regions', '--output=json'], 'json'],
    [['regions', '-o'], undefined],
    [['pool', 'ssh', 'p', '--', 'ls', '-o', 'json'], undefined],
    [['pool', 'ssh', 'p', '-o', 'json', '--', 'ls'], 'json'],
    [['pool', 'list', '--only', 'x'], undefined],
  ])('reads -o from the command line before it is parsed: %j', (argv, expected) => {
    expect(outputInArgv(argv)).toBe(expected)
  })
})
