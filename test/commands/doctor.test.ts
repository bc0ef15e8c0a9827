import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import Doctor from '../../src/commands/doctor.js'
import {runCommand} from '../support/command.js'
import {FakeApi} from '../support/fake-api.js'
import {EXAMPLE_CONFIG} from '../support/cli.js'
import {STARTER_CONFIG} from '../../src/lib/config/starter.js'

/** examples/velda.yaml's broker is broker.example.com, a placeholder doctor refuses: a real one, as pool up takes it. */
const BROKER = ['--broker', 'velda-broker.internal:50051']
const ENV = {TAILSCALE_AUTH_KEY: 'tskey-auth-' + 'k'.repeat(40), DIGITALOCEAN_API_TOKEN: 'dop_v1_' + 'a'.repeat(64)}

describe('doctor (the command, with a fake API)', () => {
  it('every check of every pool passes against an account that has what the config names: exit 0', async () => {
    const run = await runCommand(Doctor, ['-c', EXAMPLE_CONFIG, ...BROKER, '--json'], {api: new FakeApi(), env: ENV})
    const report = JSON.parse(run.stdout)
    expect(report.pools.flatMap((p: {checks: {id: string; ok: boolean}[]}) => p.checks.filter((c) => !c.ok).map((c) => c.id))).toEqual([])
    expect(run.status).toBe(0)
  })

  it('a configured ssh key the account lacks fails that check, with the fix: exit 2', async () => {
    const api = new FakeApi({sshKeys: []})
    const run = await runCommand(Doctor, ['-c', EXAMPLE_CONFIG, ...BROKER], {api, env: ENV})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('3 checks failed: cpu-small: ssh_keys, amd-mi300x: ssh_keys, amd-mi300x-8: ssh_keys')
    // The checklist itself, on stdout, names the missing key.
    expect(run.stdout).toContain('52896465')
  })

  it("config init's starter as written: the broker placeholder, the values marked CHANGE and the missing ssh_key_ids are misses with their fixes (exit 2)", async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'velda-doctor-starter-')), 'velda.yaml')
    writeFileSync(file, STARTER_CONFIG)
    const run = await runCommand(Doctor, ['-c', file], {api: new FakeApi(), env: ENV})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('Error: 3 checks failed: amd-mi300x: ssh_keys, amd-mi300x: broker, amd-mi300x: placeholders')
    expect(run.stdout).toContain('✗ no ssh_key_ids: droplets get no ssh key, so pool ssh, pool status and pool logs cannot reach them\n      fix: add ssh_key_ids: [ID] to pool amd-mi300x')
    expect(run.stdout).toContain('✗ broker address broker.example.com:50051 (from default_broker_info) is a placeholder')
    expect(run.stdout).toContain(`✗ 2 values still marked CHANGE: default_broker_info.address "broker.example.com:50051" (${file}:9:12), provisioners[0].digitalocean_auto.agent_version_override "1.0.0" (${file}:17:31)\n      fix: set each to your own value, then delete the "# CHANGE" comment on their lines in ${file}`)
    expect(run.stdout).not.toMatch(/✓ broker|✓ no ssh_key_ids/)
  })

  it('without a token the starter still gets its config misses, the missing ssh_key_ids included: nothing sent', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'velda-doctor-starter-')), 'velda.yaml')
    writeFileSync(file, STARTER_CONFIG)
    const api = new FakeApi()
    const run = await runCommand(Doctor, ['-c', file, '--json'], {api, env: {}})
    expect(run.status).toBe(2)
    const [pool] = JSON.parse(run.stdout).pools as {checks: {id: string; ok: boolean}[]}[]
    expect(pool?.checks.filter((c) => !c.ok).map((c) => c.id)).toEqual(['token', 'ssh_keys', 'broker', 'placeholders'])
    expect(api.calls).toEqual([])
  })

  it('the starter filled in, its marks deleted and a key added: every check passes (exit 0)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'velda-doctor-filled-')), 'velda.yaml')
    writeFileSync(file, STARTER_CONFIG
      .replace(/"broker\.example\.com:50051" +# CHANGE.*/, '"velda-broker.internal:50051"')
      .replace(/"1\.0\.0" +# CHANGE.*/, '"1.2.0"')
      .replace('# ssh_key_ids: [52896465]', 'ssh_key_ids: [52896465]'))
    const run = await runCommand(Doctor, ['-c', file], {api: new FakeApi(), env: ENV})
    expect(run.stdout).toContain('✓ no value marked CHANGE')
    expect(run.stdout).toContain('all checks passed')
    expect(run.status).toBe(0)
  })
})
