import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import PoolStatus from '../../../src/commands/pool/status.js'
import {runCommand, sshAnswer} from '../../support/command.js'
import {probeAnswer} from '../../support/member-answers.js'
import {cpuPoolWith} from '../../support/pool-fixture.js'

/**
 * $VELDA_DO_SSH_PORT and $VELDA_DO_IDENTITY_FILE beside $VELDA_DO_SSH_USER. oclif reads a flag's variable from the
 * process's environment, not from the Factory's: each test sets it there and afterEach takes it away again.
 */
const VARIABLES = ['VELDA_DO_SSH_PORT', 'VELDA_DO_IDENTITY_FILE', 'VELDA_DO_SSH_USER'] as const
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]))

afterEach(() => {
  for (const name of VARIABLES) {
    if (saved[name] === undefined) delete process.env[name]
    else process.env[name] = saved[name]
  }
})

/** pool status of one member that answers healthy, with the variables set: the ssh arguments it ran, and the run. */
async function statusWith(variables: Partial<Record<(typeof VARIABLES)[number], string>>, extra: string[] = []) {
  const {config, api} = await cpuPoolWith(1, 'ssh-env')
  for (const [name, value] of Object.entries(variables)) process.env[name] = value
  const sshRuns: string[][] = []
  const run = await runCommand(PoolStatus, ['cpu', '-c', config, ...extra], {
    api,
    ssh: {
      run: async (args) => {
        sshRuns.push([...args])
        return sshAnswer({stdout: probeAnswer({phase: 'running', agent: 'inactive'})})
      },
    },
  })
  return {run, sshArgs: sshRuns[0] ?? []}
}

describe('the ssh settings from the environment', () => {
  it('$VELDA_DO_SSH_PORT and $VELDA_DO_IDENTITY_FILE are -p and -i of every ssh; the suggestions do not repeat them (the same shell has them)', async () => {
    const key = join(mkdtempSync(join(tmpdir(), 'velda-env-key-')), 'id_ed25519')
    writeFileSync(key, 'not a real key\n')
    const {run, sshArgs} = await statusWith({VELDA_DO_SSH_PORT: '39677', VELDA_DO_IDENTITY_FILE: key, VELDA_DO_SSH_USER: 'ops'})
    expect(run.status).toBe(4)
    expect(sshArgs.join(' ')).toContain('-p 39677')
    expect(sshArgs.join(' ')).toContain(`-i ${key}`)
    expect(sshArgs.join(' ')).toContain('-l ops')
    const tryThis = run.stderr.split('Try this:\n')[1] ?? ''
    expect(tryThis).toContain('velda-do pool logs cpu')
    expect(tryThis).not.toContain('--ssh-port')
    expect(tryThis).not.toContain(key)
  })

  it('a flag on the command line wins over the variable', async () => {
    const {sshArgs} = await statusWith({VELDA_DO_SSH_PORT: '39677'}, ['--ssh-port', '2222'])
    expect(sshArgs.join(' ')).toContain('-p 2222')
    expect(sshArgs.join(' ')).not.toContain('39677')
  })

  it.each([['abc'], ['0'], ['65536'], ['22.5']])('$VELDA_DO_SSH_PORT=%s is exit 2 naming the variable and the fix, before anything is sent', async (value) => {
    const {run, sshArgs} = await statusWith({VELDA_DO_SSH_PORT: value})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(`Error: $VELDA_DO_SSH_PORT is "${value}": not a port (a whole number from 1 to 65535)`)
    expect(run.stderr).toContain('export VELDA_DO_SSH_PORT=PORT')
    expect(run.stderr).not.toContain('Parsing --ssh-port')
    expect(sshArgs).toEqual([])
  })

  it('--ssh-port abc names the flag, not the variable', async () => {
    const {run} = await statusWith({}, ['--ssh-port', 'abc'])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('Error: --ssh-port abc: not a port (a whole number from 1 to 65535)')
  })

  it('$VELDA_DO_IDENTITY_FILE that is a folder is exit 2 naming the variable', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'velda-env-key-dir-'))
    const {run, sshArgs} = await statusWith({VELDA_DO_IDENTITY_FILE: folder})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(`Error: $VELDA_DO_IDENTITY_FILE is "${folder}": ${folder} is a directory, not a regular file`)
    expect(sshArgs).toEqual([])
  })
})
