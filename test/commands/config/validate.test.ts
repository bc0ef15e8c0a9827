import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import ConfigValidate from '../../../src/commands/config/validate.js'
import {runCommand} from '../../support/command.js'
import {EXAMPLE_CONFIG} from '../../support/cli.js'
import {CPU_DROPLET, MI300X_DROPLET, veldaYaml} from '../../support/configs.js'

describe('config validate (the command, with a fake IO)', () => {
  it('reports each pool of a valid file with where its settings come from', async () => {
    const run = await runCommand(ConfigValidate, ['-c', EXAMPLE_CONFIG, '--json'])
    expect(run.status).toBe(0)
    const report = JSON.parse(run.stdout)
    expect(report.pools.map((p: {name: string}) => p.name)).toEqual(['cpu-small', 'amd-mi300x', 'amd-mi300x-8'])
  })

  it('an unknown key is exit 2 naming file:line:col and the fix', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'velda-validate-')), 'velda.yaml')
    writeFileSync(file, 'agent_pools:\n  - name: x\n    colour: red\n')
    const run = await runCommand(ConfigValidate, ['-c', file])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(`${file}:3:5`)
    expect(run.stderr).toContain('unknown')
  })

  it('a tab in an indent is one error at file:line:col saying to indent with spaces (exit 2)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'velda-validate-')), 'velda.yaml')
    writeFileSync(file, 'default_broker_info:\n  address: "b.internal:50051"\nprovisioners:\n  - digitalocean_auto:\n\t\tregion: atl1\n      pool_details: []\n')
    const run = await runCommand(ConfigValidate, ['-c', file])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(`${file} is invalid (1 problem):\n  ${file}:5:1: error: YAML: this line is indented with a tab: indent with spaces, not tabs\n`)
  })

  it('finds velda.yaml in the working directory when no -c is given, and says so when there is none', async () => {
    const missing = await runCommand(ConfigValidate, [], {files: []})
    expect(missing.status).toBe(2)
    expect(missing.stderr).toContain('no config file found: looked for ./velda-do.yaml and ./velda.yaml')
    expect(missing.stderr).toContain('VELDA_DO_CONFIG=path/to/velda.yaml')
    const found = await runCommand(ConfigValidate, ['--json'], {env: {VELDA_DO_CONFIG: EXAMPLE_CONFIG}})
    expect(found.status).toBe(0)
    expect(JSON.parse(found.stdout).file).toBe(EXAMPLE_CONFIG)
  })

  describe('a pool on the broker\'s default endpoint, the moved host', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'velda-validate-')), 'velda.yaml')
    writeFileSync(file, veldaYaml([
      {name: 'on-default', droplet: MI300X_DROPLET},
      {name: 'named', droplet: {...CPU_DROPLET, api_endpoint: 'https://api.digitalocean.com'}},
    ]))
    const NOTE = 'no api_endpoint: this pool relies on the broker\'s default, https://api-amd.digitalocean.com'
    const notesOf = (stdout: string) => Object.fromEntries((JSON.parse(stdout) as {pools: {name: string; notes: string[]}[]}).pools.map((p) => [p.name, p.notes.filter((n) => n.startsWith('no api_endpoint'))]))

    it('is noted (exit 0: a note, not an error), with the moved-to host and the safer explicit endpoints; a pool that names its endpoint is not', async () => {
      const run = await runCommand(ConfigValidate, ['-c', file, '--json'], {env: {DIGITALOCEAN_API_TOKEN: 'dop_v1_FAKE_validate'}})
      expect(run.status).toBe(0)
      expect(notesOf(run.stdout)).toEqual({
        'on-default': [`${NOTE}, the AMD Developer Cloud's former host, reported to redirect every request to https://api.devcloud.amd.com `
          + '(velda-do refuses redirects; the broker\'s Go client would follow it without the token). An explicit api_endpoint is safer: '
          + 'https://api.devcloud.amd.com with an AMD Developer Cloud token, or https://api.digitalocean.com with a DigitalOcean token (dop_v1_...)'],
        'named': [],
      })
    })

    it('says that velda-do uses $DIGITALOCEAN_API_ENDPOINT now while the broker does not, and shows as a note in the text', async () => {
      const run = await runCommand(ConfigValidate, ['-c', file], {env: {DIGITALOCEAN_API_TOKEN: 'dop_v1_FAKE_validate', DIGITALOCEAN_API_ENDPOINT: 'http://127.0.0.1:8080'}})
      expect(run.status).toBe(0)
      expect(run.stdout).toMatch(new RegExp(`note +${NOTE} \\(velda-do uses \\$DIGITALOCEAN_API_ENDPOINT now; the broker reads no such variable\\), the AMD Developer Cloud's former host`))
      expect(run.stdout.match(/no api_endpoint:/g)).toHaveLength(1)
    })

    it('an api_endpoint written as the moved host gets the same advice; the two hosts that serve get none', async () => {
      const moved = join(mkdtempSync(join(tmpdir(), 'velda-validate-')), 'velda.yaml')
      writeFileSync(moved, veldaYaml([
        {name: 'old-host', droplet: {...MI300X_DROPLET, api_endpoint: 'https://api-amd.digitalocean.com'}},
        {name: 'devcloud', droplet: {...MI300X_DROPLET, api_endpoint: 'https://api.devcloud.amd.com'}},
      ]))
      const run = await runCommand(ConfigValidate, ['-c', moved, '--json'], {env: {DIGITALOCEAN_API_TOKEN: 'dop_v1_FAKE_validate'}})
      expect(run.status).toBe(0)
      const notes = Object.fromEntries((JSON.parse(run.stdout) as {pools: {name: string; notes: string[]}[]}).pools.map((p) => [p.name, p.notes.filter((n) => n.startsWith('api_endpoint'))]))
      expect(notes).toEqual({
        'old-host': ["api_endpoint https://api-amd.digitalocean.com is the AMD Developer Cloud's former host, reported to redirect every request to https://api.devcloud.amd.com "
          + '(velda-do refuses redirects). Use https://api.devcloud.amd.com with an AMD Developer Cloud token, or https://api.digitalocean.com with a DigitalOcean token (dop_v1_...)'],
        'devcloud': [],
      })
    })
  })
})
