import {describe, expect, it} from 'vitest'

import SshKeys from '../../src/commands/ssh-keys.js'
import {runCommand} from '../support/command.js'
import {FakeApi} from '../support/fake-api.js'
import {EXAMPLE_CONFIG} from '../support/cli.js'

describe('ssh-keys (the command, with a fake API)', () => {
  it('lists the account\'s keys, and the configured ids the account does not have', async () => {
    const api = new FakeApi({sshKeys: [{id: 7, name: 'other', fingerprint: 'aa:bb'}]})
    const run = await runCommand(SshKeys, ['-c', EXAMPLE_CONFIG, '--json'], {api})
    expect(run.status).toBe(0)
    const output = JSON.parse(run.stdout)
    expect(output.ssh_keys.map((k: {id: number}) => k.id)).toEqual([7])
    // examples/velda.yaml names key 52896465, which this account lacks.
    expect(output.missing_configured_ids).toEqual([52_896_465])
  })

  it('needs no config: without one, nothing is missing', async () => {
    const run = await runCommand(SshKeys, ['--json'], {api: new FakeApi()})
    expect(run.status).toBe(0)
    expect(JSON.parse(run.stdout).missing_configured_ids).toEqual([])
  })
})
