import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import ConfigValidate from '../../../src/commands/config/validate.js'
import {runCommand} from '../../support/command.js'
import {EXAMPLE_CONFIG} from '../../support/cli.js'

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
})
