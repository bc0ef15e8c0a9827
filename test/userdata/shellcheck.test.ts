import {spawnSync} from 'node:child_process'
import {mkdtempSync, readdirSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {renderUserData} from '../../src/lib/userdata/render.js'
import {AGENT_VERSION, BROKER, shapePool, SHAPES} from '../support/pools.js'
import {haveTool} from '../support/tools.js'

const BOOTSTRAP = new URL('../../assets/bootstrap.sh', import.meta.url).pathname
const HOST_COMMAND = new URL('../../assets/sim-host-command.sh', import.meta.url).pathname
const GPU_SAMPLER = new URL('../../assets/gpu-sampler.sh', import.meta.url).pathname
const SIM_SHIMS = new URL('../../assets/sim-shims/', import.meta.url).pathname

const variants = Object.keys(SHAPES).flatMap((shape) => (['redact', 'reveal'] as const).map((secrets) => ({shape, secrets})))

function script(shape: string, secrets: 'redact' | 'reveal'): string {
  return renderUserData({pool: shapePool(shape), brokerAddress: BROKER, agentVersion: AGENT_VERSION, secrets})
}

describe('the boot script is valid bash', () => {
  it.each(variants)('bash -n: $shape ($secrets)', ({shape, secrets}) => {
    const result = spawnSync('bash', ['-n'], {input: script(shape, secrets), encoding: 'utf8'})
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
  })
})

interface ShellcheckComment {
  file: string
  line: number
  code: number
  level: string
  message: string
}

/**
 * One shellcheck run over every script checked here (the two assets and each variant, written to a file): its
 * start and the parsing of the common body cost about as much as checking one file, and it ran fourteen times
 * otherwise. Each test then reads its own file's findings; a file shellcheck could not read fails every test
 * (exit 2, the error on stderr).
 */
let checked: {status: number | null; stderr: string; comments: ShellcheckComment[]}
function shellcheckFindings(file: string): {status: number | null; stderr: string; findings: string[]} {
  // A finding in any file makes the run's exit 1: only 2 (a file it could not check) is a failure of every file.
  return {
    status: checked.status === 1 ? 0 : checked.status,
    stderr: checked.stderr,
    findings: checked.comments.filter((c) => c.file === file).map((c) => `line ${c.line}: SC${c.code} (${c.level}) ${c.message}`),
  }
}

const variantDir = mkdtempSync(join(tmpdir(), 'velda-shellcheck-'))
const variantFile = ({shape, secrets}: {shape: string; secrets: 'redact' | 'reveal'}) => join(variantDir, `${shape}-${secrets}.sh`)
for (const variant of variants) writeFileSync(variantFile(variant), script(variant.shape, variant.secrets))
const SCRIPT_FILES = [BOOTSTRAP, GPU_SAMPLER, HOST_COMMAND, ...variants.map(variantFile)]

describe.runIf(haveTool('shellcheck', 'shellcheck', 'shellcheck of the boot script'))('shellcheck reports nothing', () => {
  // Fourteen scripts of 300 lines: seconds of CPU, so minutes on a machine that other work keeps busy.
  beforeAll(() => {
    const result = spawnSync('shellcheck', ['--shell=bash', '--severity=style', '--format=json1', ...SCRIPT_FILES], {encoding: 'utf8'})
    checked = {status: result.status, stderr: result.stderr, comments: result.status === 2 ? [] : (JSON.parse(result.stdout) as {comments: ShellcheckComment[]}).comments}
  }, 300_000)

  it('on assets/bootstrap.sh itself', () => {
    expect(shellcheckFindings(BOOTSTRAP)).toEqual({status: 0, stderr: '', findings: []})
  })

  it('on the GPU sampler, assets/gpu-sampler.sh', () => {
    expect(shellcheckFindings(GPU_SAMPLER)).toEqual({status: 0, stderr: '', findings: []})
  })

  it('on the simulator\'s host command, assets/sim-host-command.sh', () => {
    expect(shellcheckFindings(HOST_COMMAND)).toEqual({status: 0, stderr: '', findings: []})
  })

  // Read from the folder, so that a shim added later is checked too; sh, not bash: they run under the droplet's sh.
  it.each(readdirSync(SIM_SHIMS))('on the simulated droplet\'s %s, assets/sim-shims/', (shim) => {
    const result = spawnSync('shellcheck', ['--shell=sh', '--severity=style', join(SIM_SHIMS, shim)], {encoding: 'utf8'})
    expect(result.stdout).toBe('')
    expect(result.status).toBe(0)
  })

  it.each(variants)('$shape ($secrets)', (variant) => {
    expect(shellcheckFindings(variantFile(variant))).toEqual({status: 0, stderr: '', findings: []})
  })
})
