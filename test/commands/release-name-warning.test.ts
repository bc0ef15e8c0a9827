import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import ConfigValidate from '../../src/commands/config/validate.js'
import PoolScale from '../../src/commands/pool/scale.js'
import PoolUp from '../../src/commands/pool/up.js'
import RenderUserdata from '../../src/commands/render-userdata.js'
import {runCommand} from '../support/command.js'
import {FakeApi} from '../support/fake-api.js'
import {CPU_DROPLET, veldaYaml} from '../support/configs.js'

/** A pool whose agent version is `version`, as written in the file. */
function configWith(version: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'velda-release-name-')), 'velda.yaml')
  writeFileSync(file, veldaYaml([{name: 'cpu', droplet: {...CPU_DROPLET, agent_version_override: `"${version}"`}}]))
  return file
}

const warningOf = (file: string) => `${file}: warning: pool cpu's agent_version_override: "1.0.0" does not look like a Velda release name (v1.1.4, v1.1.1-beta1, weekly-20260202-173400): the droplets would download velda-1.0.0-linux-amd64, which no release is named, and fail at boot\n    fix: did you mean v1.0.0? velda-do doctor -c ${file} checks that it exists\n`

describe('an agent version that is not a Velda release name: accepted, with a warning and the likely name', () => {
  it('render-userdata warns on stderr, naming the file and key, and still prints the script (exit 0)', async () => {
    const file = configWith('1.0.0')
    const run = await runCommand(RenderUserdata, ['cpu', '-c', file])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain("VELDA_VERSION='1.0.0'")
    expect(run.stderr).toBe(warningOf(file))
  })

  it('render-userdata with --agent-version names the flag; a real release name is not warned about', async () => {
    const file = configWith('1.0.0')
    const flagged = await runCommand(RenderUserdata, ['cpu', '-c', file, '--agent-version', '1.1.4', '--json'])
    expect(flagged.status).toBe(0)
    expect(flagged.stderr).toContain('--agent-version: warning: "1.1.4" does not look like a Velda release name')
    expect(flagged.stderr).toContain('fix: did you mean v1.1.4?')
    const real = await runCommand(RenderUserdata, ['cpu', '-c', file, '--agent-version', 'v1.1.4'])
    expect(real.status).toBe(0)
    expect(real.stderr).toBe('')
    expect((await runCommand(RenderUserdata, ['cpu', '-c', configWith('weekly-20260202-173400')])).stderr).toBe('')
  })

  it('pool up --dry-run and pool scale --dry-run warn the same, under --json too, before their plan', async () => {
    const file = configWith('1.0.0')
    const up = await runCommand(PoolUp, ['cpu', '-n', '1', '--dry-run', '--json', '-c', file], {api: new FakeApi()})
    expect(up.status, up.stdout).toBe(0)
    expect(up.stderr).toContain(warningOf(file))
    expect(JSON.parse(up.stdout)).toMatchObject({pool: 'cpu', dry_run: true})
    const scale = await runCommand(PoolScale, ['cpu', '--to', '1', '--dry-run', '-c', file], {api: new FakeApi()})
    expect(scale.stderr).toContain(warningOf(file))
  })

  it('config validate says it among the pool\'s notes (exit 0: the broker accepts it)', async () => {
    const run = await runCommand(ConfigValidate, ['-c', configWith('1.0.0'), '--json'])
    expect(run.status).toBe(0)
    const [pool] = JSON.parse(run.stdout).pools as {notes: string[]}[]
    expect(pool?.notes).toContain('agent_version_override "1.0.0" does not look like a Velda release name (v1.1.4, v1.1.1-beta1, weekly-20260202-173400): the droplets would download velda-1.0.0-linux-amd64, which no release is named, and fail at boot; did you mean v1.0.0? velda-do doctor checks that it exists')
    const real = await runCommand(ConfigValidate, ['-c', configWith('v1.1.4'), '--json'])
    const [realPool] = JSON.parse(real.stdout).pools as {notes: string[]}[]
    expect(realPool?.notes.join('\n')).not.toContain('release name')
  })
})
