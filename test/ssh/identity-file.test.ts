import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {checkIdentityFile} from '../../src/lib/ssh/identity-file.js'

describe('checkIdentityFile: -i must name a regular file, as ssh opens it (and its .pub) with a blocking open', () => {
  const dir = mkdtempSync(join(tmpdir(), 'velda-identity-'))
  const file = (name: string) => join(dir, name)
  writeFileSync(file('key'), 'a key')
  mkdirSync(file('keys'))
  spawnSync('mkfifo', [file('fifo')])
  writeFileSync(file('paired'), 'a key')
  spawnSync('mkfifo', [file('paired.pub')])

  it.each([
    ['a FIFO', 'fifo', /-i\/--identity-file .*fifo: .*fifo is a pipe \(FIFO\), not a regular file/],
    ['a directory', 'keys', /keys is a directory, not a regular file/],
    ['a key whose .pub beside it is a FIFO', 'paired', /paired\.pub is a pipe \(FIFO\), not a regular file/],
  ])('refuses %s (exit 2)', (_what, name, message) => {
    expect(() => checkIdentityFile(file(name), {})).toThrow(message)
    try {
      checkIdentityFile(file(name), {})
    } catch (error) {
      expect((error as {exitCode: number}).exitCode).toBe(2)
    }
  })

  it('accepts a regular file, and leaves a missing one (or ~/, which ssh expands) to ssh', () => {
    expect(() => checkIdentityFile(file('key'), {})).not.toThrow()
    expect(() => checkIdentityFile(file('missing'), {})).not.toThrow()
    expect(() => checkIdentityFile('~/fifo', {HOME: dir})).toThrow(/is a pipe \(FIFO\)/)
  })

  it.each([
    ['~user/', '~root/fifo'],
    ['a % token', `${dir}/%d/fifo`],
    ['a literal %', `${dir}/100%`],
    ['${VAR}', '${HOME}/fifo'],
  ])('refuses a path with %s in it, which ssh expands and velda-do could not check (exit 2, naming the flag and the fix)', (_what, path) => {
    let thrown: unknown
    try {
      checkIdentityFile(path, {HOME: dir})
    } catch (error) {
      thrown = error
    }
    expect((thrown as {exitCode?: number})?.exitCode).toBe(2)
    expect(String((thrown as Error).message)).toContain(`-i/--identity-file ${path}: ssh would expand`)
    expect((thrown as {suggestions?: string[]}).suggestions?.join(' ')).toMatch(/give the path of the key file as it is/)
  })
})
