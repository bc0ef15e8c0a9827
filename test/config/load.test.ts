import {mkdtempSync, symlinkSync, truncateSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {MAX_CONFIG_BYTES, readConfigText} from '../../src/lib/config/load.js'
import {SettingsError} from '../../src/lib/base/errors.js'

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'velda-load-'))
}

function readFailure(path: string): SettingsError {
  try {
    readConfigText({path, source: '--config'})
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError)
    return error as SettingsError
  }
  throw new Error(`${path} was read`)
}

/** FIFOs and /dev/zero are tested through the CLI (test/e2e/config-validate.test.ts): reading them could hang. */
describe('reading the config file', () => {
  it('reads a regular file, also through a symlink', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'velda.yaml'), 'agent_pools: []\n')
    symlinkSync(join(dir, 'velda.yaml'), join(dir, 'link.yaml'))
    expect(readConfigText({path: join(dir, 'link.yaml'), source: '--config'})).toBe('agent_pools: []\n')
  })

  it('accepts a file of exactly the size limit', () => {
    const file = join(tempDir(), 'velda.yaml')
    writeFileSync(file, '')
    truncateSync(file, MAX_CONFIG_BYTES)
    expect(readConfigText({path: file, source: '--config'})).toHaveLength(MAX_CONFIG_BYTES)
  })

  it('refuses a file over the size limit, naming its size and the limit', () => {
    const file = join(tempDir(), 'huge.yaml')
    writeFileSync(file, '')
    truncateSync(file, MAX_CONFIG_BYTES + 1)
    expect(readFailure(file).message).toBe(`the config file ${file} (from --config) is 4,194,305 bytes, over the limit of 4 MiB (4,194,304 bytes)`)
  })

  it('refuses a directory as not a regular file', () => {
    const dir = tempDir()
    expect(readFailure(dir).message).toBe(`the config file ${dir} (from --config) is a directory, not a regular file`)
  })

  it('still says when the file does not exist', () => {
    expect(readFailure('/nonexistent/velda.yaml').message).toMatch(/does not exist$/)
  })
})
