import {chmodSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {runSsh} from '../../src/lib/ssh/run.js'
import {findOnPath, requireSsh} from '../../src/lib/ssh/ssh-program.js'

describe('findOnPath / requireSsh: is there an ssh to run, looked up as exec does', () => {
  const has = (...files: string[]) => (file: string) => files.includes(file)

  it('the first folder of PATH holding the program; a name with a slash as it is; null when none has it', () => {
    expect(findOnPath('ssh', '/opt/bin:/usr/bin:/bin', has('/usr/bin/ssh', '/bin/ssh'))).toBe('/usr/bin/ssh')
    expect(findOnPath('ssh', '/opt/bin:/sbin', has('/usr/bin/ssh'))).toBeNull()
    // No PATH at all (env -i): the folders the shell itself searches then, as /bin/sh would find ssh there.
    expect(findOnPath('ssh', undefined, has('/usr/bin/ssh'))).toBe('/usr/bin/ssh')
    expect(findOnPath('/usr/local/bin/ssh', '', has('/usr/local/bin/ssh'))).toBe('/usr/local/bin/ssh')
  })

  it('a file that is not executable, or a folder named ssh, is not an ssh', () => {
    const dir = mkdtempSync(join(tmpdir(), 'velda-find-ssh-'))
    const plain = join(dir, 'plain')
    const folder = join(dir, 'folder')
    const runnable = join(dir, 'runnable')
    mkdirSync(plain)
    writeFileSync(join(plain, 'ssh'), '#!/bin/sh\n')
    chmodSync(join(plain, 'ssh'), 0o644)
    mkdirSync(join(folder, 'ssh'), {recursive: true})
    mkdirSync(runnable)
    writeFileSync(join(runnable, 'ssh'), '#!/bin/sh\n', {mode: 0o755})
    expect(findOnPath('ssh', `${plain}:${folder}`)).toBeNull()
    expect(findOnPath('ssh', `${plain}:${folder}:${runnable}`)).toBe(join(runnable, 'ssh'))
  })

  it('requireSsh: without one, the usage error (exit 2) that names the fix', () => {
    expect(() => requireSsh({PATH: '/nowhere'}, () => false)).toThrow('ssh (the OpenSSH client) was not found on PATH: install openssh-client')
    expect(() => requireSsh({PATH: '/usr/bin'}, (file) => file === '/usr/bin/ssh')).not.toThrow()
  })
})

describe('runSsh when the program is not there (the second line of defence): ssh\'s own 255 and a clear message, not the shell\'s 127', () => {
  it('a missing program ends the run with 255, saying it was not found', async () => {
    const run = await runSsh(['-V'], {timeoutMs: 10_000, ssh: 'velda-no-such-ssh'})
    expect(run.status).toBe(255)
    expect(run.stderr).toBe('velda-do: velda-no-such-ssh (the OpenSSH client) was not found on PATH: install openssh-client\n')
  })
})
