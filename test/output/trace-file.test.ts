import {execFileSync} from 'node:child_process'
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {UsageError} from '../../src/lib/base/errors.js'
import {openTraceFile} from '../../src/lib/output/trace-file.js'

const dir = () => mkdtempSync(join(tmpdir(), 'velda-trace-file-'))
const noError = (message: string) => {
  throw new Error(`unexpected write error: ${message}`)
}

function refusal(path: string): UsageError {
  try {
    openTraceFile(path, noError)
  } catch (error) {
    if (error instanceof UsageError) return error
    throw error
  }
  throw new Error(`${path} was opened`)
}

describe('$VELDA_DO_TRACE\'s file', () => {
  it('is created with mode 0600 whatever the umask, and holds one line per append', () => {
    const path = join(dir(), 'trace.jsonl')
    const saved = process.umask(0)
    try {
      const file = openTraceFile(path, noError)
      file.append('{"v":1}')
      file.append('{"v":2}')
      file.close()
    } finally {
      process.umask(saved)
    }
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(readFileSync(path, 'utf8')).toBe('{"v":1}\n{"v":2}\n')
  })

  it('appends to an existing trace of this user with mode 0600', () => {
    const path = join(dir(), 'trace.jsonl')
    writeFileSync(path, 'earlier\n', {mode: 0o600})
    const file = openTraceFile(path, noError)
    file.append('later')
    file.close()
    expect(readFileSync(path, 'utf8')).toBe('earlier\nlater\n')
  })

  it('is never written through a symlink: refused, and neither the link nor its target changes', () => {
    const base = dir()
    const target = join(base, 'elsewhere')
    writeFileSync(target, 'not yours\n', {mode: 0o600})
    const link = join(base, 'trace.jsonl')
    symlinkSync(target, link)
    const error = refusal(link)
    expect(error.message).toBe(`$VELDA_DO_TRACE is ${JSON.stringify(link)}: it is a symbolic link, and a trace is never written through one`)
    expect(error.suggestions).toEqual(['give the path of the file itself, or a new one', 'or unset VELDA_DO_TRACE'])
    expect(readFileSync(target, 'utf8')).toBe('not yours\n')
  })

  it('refuses a dangling symlink rather than creating its target', () => {
    const base = dir()
    const link = join(base, 'trace.jsonl')
    symlinkSync(join(base, 'created-through-the-link'), link)
    expect(refusal(link).message).toContain('it is a symbolic link')
    expect(() => statSync(join(base, 'created-through-the-link'))).toThrow()
  })

  it('refuses an existing file others may read, naming the fix', () => {
    const path = join(dir(), 'trace.jsonl')
    writeFileSync(path, '')
    chmodSync(path, 0o644)
    const error = refusal(path)
    expect(error.message).toContain('its mode is 644: others could read what is appended')
    expect(error.suggestions[0]).toBe(`chmod 600 ${path}, or give the path of a new file`)
  })

  it.each([
    ['a directory', (path: string) => mkdirSync(path), 'it is a directory: a trace is written only to a regular file'],
    ['a FIFO', (path: string) => execFileSync('mkfifo', [path]), 'it is a pipe (FIFO): a trace is written only to a regular file'],
  ])('refuses %s', (_name, make, message) => {
    const path = join(dir(), 'trace.jsonl')
    make(path)
    expect(refusal(path).message).toContain(message)
  })

  it('refuses a path in a directory that is not there, exit 2', () => {
    const error = refusal(join(dir(), 'missing', 'trace.jsonl'))
    expect(error.message).toMatch(/cannot create it \(ENOENT/)
    expect(error.exitCode).toBe(2)
  })
})
