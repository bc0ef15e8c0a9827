import {spawnSync} from 'node:child_process'
import {readdirSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {renderUserData} from '../../src/lib/userdata/render.js'
import {AGENT_VERSION, BROKER, shapePool, SHAPES} from '../support/pools.js'
import {haveTool} from '../support/tools.js'

const BOOTSTRAP = new URL('../../assets/bootstrap.sh', import.meta.url).pathname
const HOST_COMMAND = new URL('../../assets/sim-host-command.sh', import.meta.url).pathname
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

describe.runIf(haveTool('shellcheck', 'shellcheck', 'shellcheck of the boot script'))('shellcheck reports nothing', () => {
  it('on assets/bootstrap.sh itself', () => {
    const result = spawnSync('shellcheck', ['--shell=bash', '--severity=style', BOOTSTRAP], {encoding: 'utf8'})
    expect(result.stdout).toBe('')
    expect(result.status).toBe(0)
  })

  it('on the simulator\'s host command, assets/sim-host-command.sh', () => {
    const result = spawnSync('shellcheck', ['--shell=bash', '--severity=style', HOST_COMMAND], {encoding: 'utf8'})
    expect(result.stdout).toBe('')
    expect(result.status).toBe(0)
  })

  // Read from the folder, so that a shim added later is checked too; sh, not bash: they run under the droplet's sh.
  it.each(readdirSync(SIM_SHIMS))('on the simulated droplet\'s %s, assets/sim-shims/', (shim) => {
    const result = spawnSync('shellcheck', ['--shell=sh', '--severity=style', join(SIM_SHIMS, shim)], {encoding: 'utf8'})
    expect(result.stdout).toBe('')
    expect(result.status).toBe(0)
  })

  it.each(variants)('$shape ($secrets)', ({shape, secrets}) => {
    const result = spawnSync('shellcheck', ['--shell=bash', '--severity=style', '-'], {input: script(shape, secrets), encoding: 'utf8'})
    expect(result.stdout).toBe('')
    expect(result.status).toBe(0)
  })
})
