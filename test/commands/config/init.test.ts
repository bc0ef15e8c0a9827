import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import ConfigInit from '../../../src/commands/config/init.js'
import ConfigValidate from '../../../src/commands/config/validate.js'
import {runCommand} from '../../support/command.js'

describe('config init (the command, with a fake IO)', () => {
  it('writes a starter config that config validate accepts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'velda-init-')), 'velda.yaml')
    const run = await runCommand(ConfigInit, [file])
    expect(run.status).toBe(0)
    expect(existsSync(file)).toBe(true)
    const validated = await runCommand(ConfigValidate, ['-c', file, '--json'])
    expect(validated.status).toBe(0)
    expect(JSON.parse(validated.stdout).valid).toBe(true)
  })

  it('never overwrites a file that exists (exit 2), and leaves it as it was', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'velda-init-')), 'velda.yaml')
    writeFileSync(file, 'mine: true\n')
    const run = await runCommand(ConfigInit, [file])
    expect(run.status).toBe(2)
    expect(readFileSync(file, 'utf8')).toBe('mine: true\n')
  })

  it('two different paths (argument and -c) are a usage error', async () => {
    const run = await runCommand(ConfigInit, ['a.yaml', '-c', 'b.yaml'])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('two paths given')
  })
})
