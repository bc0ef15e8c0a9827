import {describe, expect, it} from 'vitest'

import {cleanEnv} from '../support/cli.js'
import {canRunHosts, sshWorkspace} from '../support/hosts.js'
import {alive, startHostingSimulator} from '../support/processes.js'

const canHost = canRunHosts('a crashing simulator stops its hosts')
const CRASH_HOOK = new URL('../fixtures/crash/on-signal.mjs', import.meta.url).pathname

describe.runIf(canHost)('a crashing simulator', () => {
  it.each(['exception', 'rejection'])('stops its SSH hosts before it exits (an uncaught %s): no sshd is left running', async (kind) => {
    const {key} = sshWorkspace('velda-crash-')
    const sim = await startHostingSimulator({nodeArgs: ['--import', CRASH_HOOK], authorizedKey: `${key}.pub`, env: cleanEnv({CRASH: kind})})
    try {
      expect(sim.hosts).toHaveLength(2)
      sim.child.kill('SIGUSR2')
      expect((await sim.exited).code).toBe(1)
      expect(sim.hosts.filter(alive)).toEqual([])
      expect(sim.stderr()).toContain(`velda-do simulator crashed, stopping its hosts: Error: a bug, injected by the test (${kind})`)
    } finally {
      // Without the fix the hosts outlive it.
      sim.cleanUp()
    }
  })
})
