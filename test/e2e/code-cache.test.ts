import {mkdtempSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {EXAMPLE_CONFIG, runCli} from '../support/cli.js'
import {otherLocalUser} from '../support/other-user.js'

/**
 * The bundles' V8 code cache (src/entry/code-cache.ts), in a temp directory of the test's own: written by a first
 * run, used by the next, and never a reason for a command to fail or to say anything.
 */
let temp: string | undefined

afterEach(() => {
  if (temp) rmSync(temp, {recursive: true, force: true})
  temp = undefined
})

function cacheFiles(dir: string): string[] {
  const found = readdirSync(dir).filter((name) => name.startsWith('velda-do-compile-cache'))
  return found.flatMap((sub) => readdirSync(join(dir, sub)).map((name) => join(dir, sub, name)))
}

describe('the code cache', () => {
  it('a first run writes one for @oclif/core and the command; the next runs with it, output unchanged', () => {
    temp = mkdtempSync(join(tmpdir(), 'velda-code-cache-'))
    const first = runCli(['render-userdata', 'amd-mi300x', '-c', EXAMPLE_CONFIG], {env: {TMPDIR: temp}})
    expect({status: first.status, stderr: first.stderr}).toEqual({status: 0, stderr: ''})
    const written = cacheFiles(temp)
    expect(written.map((f) => f.replace(/.*\//, '').replace(/\.cjs-.*/, '.cjs')).sort()).toEqual(['oclif-core.cjs', 'render-userdata.cjs'])
    const dir = join(temp, readdirSync(temp)[0] ?? '')
    if (process.platform !== 'win32') expect(statSync(dir).mode & 0o777).toBe(0o700)
    const second = runCli(['render-userdata', 'amd-mi300x', '-c', EXAMPLE_CONFIG], {env: {TMPDIR: temp}})
    expect(second).toEqual(first)
    expect(cacheFiles(temp)).toEqual(written)
  })

  it('a damaged cache is compiled past and written anew', () => {
    temp = mkdtempSync(join(tmpdir(), 'velda-code-cache-'))
    const first = runCli(['config', 'validate', '-c', EXAMPLE_CONFIG], {env: {TMPDIR: temp}})
    for (const file of cacheFiles(temp)) writeFileSync(file, 'not a code cache')
    const second = runCli(['config', 'validate', '-c', EXAMPLE_CONFIG], {env: {TMPDIR: temp}})
    expect(second).toEqual(first)
    expect(cacheFiles(temp).map((f) => statSync(f).size).every((size) => size > 1000)).toBe(true)
  })

  it('NODE_DISABLE_COMPILE_CACHE=1 writes none', () => {
    temp = mkdtempSync(join(tmpdir(), 'velda-code-cache-'))
    const result = runCli(['--version'], {env: {TMPDIR: temp, NODE_DISABLE_COMPILE_CACHE: '1'}})
    expect(result.status).toBe(0)
    expect(cacheFiles(temp)).toEqual([])
  })

  it('a cache folder another local user made first (it could hand us code) is silently left alone: nothing read or written there', () => {
    const other = otherLocalUser('a code cache folder made first by another local user')
    if (!other) return
    const shared = other.sharedDir()
    const name = `velda-do-compile-cache-${process.getuid?.()}`
    expect(other.run(['mkdir', '-m', '777', name], shared).status).toBe(0)
    const result = runCli(['--version'], {env: {TMPDIR: shared}})
    expect({status: result.status, stderr: result.stderr}).toEqual({status: 0, stderr: ''})
    expect(readdirSync(join(shared, name))).toEqual([])
  })
})
