import {describe, expect, it} from 'vitest'

import Doctor from '../../src/commands/doctor.js'
import {runCommand} from '../support/command.js'
import {FakeApi} from '../support/fake-api.js'
import {EXAMPLE_CONFIG} from '../support/cli.js'

const ENV = {TAILSCALE_AUTH_KEY: 'tskey-auth-' + 'k'.repeat(40), DIGITALOCEAN_API_TOKEN: 'dop_v1_' + 'a'.repeat(64)}

describe('doctor (the command, with a fake API)', () => {
  it('every check of every pool passes against an account that has what the config names: exit 0', async () => {
    const run = await runCommand(Doctor, ['-c', EXAMPLE_CONFIG, '--json'], {api: new FakeApi(), env: ENV})
    const report = JSON.parse(run.stdout)
    expect(report.pools.flatMap((p: {checks: {id: string; ok: boolean}[]}) => p.checks.filter((c) => !c.ok).map((c) => c.id))).toEqual([])
    expect(run.status).toBe(0)
  })

  it('a configured ssh key the account lacks fails that check, with the fix: exit 2', async () => {
    const api = new FakeApi({sshKeys: []})
    const run = await runCommand(Doctor, ['-c', EXAMPLE_CONFIG], {api, env: ENV})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('3 checks failed: cpu-small: ssh_keys, amd-mi300x: ssh_keys, amd-mi300x-8: ssh_keys')
    // The checklist itself, on stdout, names the missing key.
    expect(run.stdout).toContain('52896465')
  })
})
