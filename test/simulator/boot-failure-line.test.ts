import {readFileSync} from 'node:fs'

import {afterEach, describe, expect, it} from 'vitest'

import {type BootProfile, simulateBoot} from '../../src/lib/simulator/hosts/boot-timeline.js'
import {renderUserData} from '../../src/lib/userdata/render.js'
import {agentBinaryUrl} from '../../src/lib/userdata/urls.js'
import {AGENT_VERSION, BROKER, shapePool} from '../support/pools.js'
import {Sandbox} from '../support/sandbox.js'
import {haveTool} from '../support/tools.js'

const BOOTSTRAP = readFileSync(new URL('../../assets/bootstrap.sh', import.meta.url), 'utf8')
const ACTIVE = Date.UTC(2026, 10, 28, 21, 0, 0)
const FAILED = /FAILED in step \S+ at line (\d+) /

/** The line a failed boot's last log line names (NaN when it names none). */
const lineNamed = (log: string) => Number(FAILED.exec(log.trimEnd().split('\n').at(-1) ?? '')?.[1])

/** The line the simulated droplet's boot names once it has failed, running `script` (null: no user data). */
function simulatedLine(profile: BootProfile, script: string | null): number {
  const machine = simulateBoot({profile, gpuVendor: 'none', agentVersion: AGENT_VERSION, activeAt: ACTIVE, now: ACTIVE + 60_000, bootMs: 10_000, script})
  return lineNamed(machine.log.join('\n'))
}

const lineOf = (script: string, line: number) => script.split('\n')[line - 1] ?? ''

/** Each failing profile, and the command of the boot script it fails in. */
const FAILING = [
  ['apt-fails', /^apt_install curl nfs-common$/],
  ['agent-404', /^\s*curl .*"\$VELDA_AGENT_URL"$/],
] as const

describe('a simulated boot failure names the boot script\'s line of the failing command, as bash does', () => {
  it.each(FAILING)('%s: in assets/bootstrap.sh, for a droplet without user data (found by the command, so edits move it along)', (profile, command) => {
    const line = simulatedLine(profile, null)
    expect(lineOf(BOOTSTRAP, line)).toMatch(command)
    // Lines added above the command: the line named follows them.
    const edited = BOOTSTRAP.replace('\nstep packages\n', '\n# one\n# two\n# three\nstep packages\n')
    expect(simulatedLine(profile, edited)).toBe(line + 3)
    expect(lineOf(edited, line + 3)).toMatch(command)
  })

  it.each(FAILING)('%s: in the droplet\'s own rendered boot script, below the pool\'s settings', (profile, command) => {
    const script = renderUserData({pool: shapePool('cpu'), brokerAddress: BROKER, agentVersion: AGENT_VERSION, secrets: 'reveal'})
    const line = simulatedLine(profile, script)
    expect(lineOf(script, line)).toMatch(command)
    expect(line).toBeGreaterThan(simulatedLine(profile, null))
  })

  it.each(FAILING)('%s: user data that is not velda-do\'s boot script gets the line in assets/bootstrap.sh', (profile) => {
    expect(simulatedLine(profile, '#!/bin/sh\necho "my own user data"\n')).toBe(simulatedLine(profile, null))
  })
})

const canSandbox = haveTool('bwrap', 'bubblewrap', 'running the boot script in a sandbox') && Sandbox.canRun()

describe.runIf(canSandbox)('the simulated failure and the real boot script, run in a sandbox, name the same line', () => {
  let sandbox: Sandbox | undefined
  afterEach(() => sandbox?.dispose())

  it('agent-404: the agent download answers 404', () => {
    const script = renderUserData({pool: shapePool('cpu'), brokerAddress: BROKER, agentVersion: 'missing', secrets: 'reveal'})
      .replace(agentBinaryUrl('missing'), 'https://releases.velda.io/not-there')
    sandbox = new Sandbox({tailscaleInstalled: false})
    expect(sandbox.run(script).status).toBe(22)
    expect(lineNamed(sandbox.readFile('/var/log/velda-bootstrap.log'))).toBe(simulatedLine('agent-404', script))
  })

  it('apt-fails: apt-get cannot install the packages', () => {
    const script = renderUserData({pool: shapePool('cpu'), brokerAddress: BROKER, agentVersion: AGENT_VERSION, secrets: 'reveal'})
    sandbox = new Sandbox({tailscaleInstalled: false, failing: {'apt-get': 'E: Could not get lock /var/lib/dpkg/lock-frontend.'}})
    expect(sandbox.run(script).status).toBe(1)
    expect(lineNamed(sandbox.readFile('/var/log/velda-bootstrap.log'))).toBe(simulatedLine('apt-fails', script))
  })
})
