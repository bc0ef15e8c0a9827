import {mkdtempSync, readFileSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import RenderUserdata from '../../src/commands/render-userdata.js'
import {runCommand} from '../support/command.js'
import {EXAMPLE_CONFIG} from '../support/cli.js'

const TS_KEY = 'tskey-auth-' + 'k'.repeat(40)

describe('render-userdata (the command, with a fake IO)', () => {
  it('prints the boot script of the pool with the Tailscale key redacted', async () => {
    const run = await runCommand(RenderUserdata, ['amd-mi300x', '-c', EXAMPLE_CONFIG], {env: {TAILSCALE_AUTH_KEY: TS_KEY}})
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/^#!\/bin\/bash/)
    expect(run.stdout).toContain('broker.example.com:50051')
    expect(run.stdout).not.toContain(TS_KEY)
  })

  it('--show-secrets --output-file writes the key into a file only its owner reads', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'velda-render-')), 'boot.sh')
    const run = await runCommand(RenderUserdata, ['amd-mi300x', '-c', EXAMPLE_CONFIG, '--show-secrets', '--output-file', file], {env: {TAILSCALE_AUTH_KEY: TS_KEY}})
    expect(run.status).toBe(0)
    expect(readFileSync(file, 'utf8')).toContain(TS_KEY)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(run.stderr).not.toContain(TS_KEY)
  })

  it('an unknown pool is exit 2, naming the pools of the file', async () => {
    const run = await runCommand(RenderUserdata, ['nope', '-c', EXAMPLE_CONFIG])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('amd-mi300x')
  })
})
