import {mkdtempSync, readdirSync, readFileSync, statSync} from 'node:fs'
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

  it('-o json is --json: the document, the script in user_data', async () => {
    const env = {TAILSCALE_AUTH_KEY: TS_KEY}
    const json = await runCommand(RenderUserdata, ['amd-mi300x', '-c', EXAMPLE_CONFIG, '--json'], {env})
    const run = await runCommand(RenderUserdata, ['amd-mi300x', '-c', EXAMPLE_CONFIG, '-o', 'json'], {env})
    expect(run.status).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(json.stdout))
    expect(JSON.parse(run.stdout).user_data).toMatch(/^#!\/bin\/bash/)
  })

  it('-o FILE (its old spelling of --output-file) is exit 2 naming the formats and --output-file, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'velda-render-'))
    const run = await runCommand(RenderUserdata, ['amd-mi300x', '-c', EXAMPLE_CONFIG, '-o', join(dir, 'boot.sh')], {env: {TAILSCALE_AUTH_KEY: TS_KEY}})
    expect(run.status).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe([
      `Error: -o/--output ${join(dir, 'boot.sh')}: not an output format; -o takes json, text or wide`,
      'Try this:',
      '  -o json for the JSON document, -o text (the default), -o wide for every column of a table',
      `  --output-file ${join(dir, 'boot.sh')} writes to that file`,
      '',
    ].join('\n'))
    expect(readdirSync(dir)).toEqual([])
  })

  it('-o wide prints no table here: it is the text, the script', async () => {
    const text = await runCommand(RenderUserdata, ['amd-mi300x', '-c', EXAMPLE_CONFIG], {env: {TAILSCALE_AUTH_KEY: TS_KEY}})
    const wide = await runCommand(RenderUserdata, ['amd-mi300x', '-c', EXAMPLE_CONFIG, '-o', 'wide'], {env: {TAILSCALE_AUTH_KEY: TS_KEY}})
    expect(wide.status).toBe(0)
    expect(wide.stdout).toBe(text.stdout)
  })
})
