import {mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {cleanEnv} from '../support/cli.js'
import {canRunHosts, sshWorkspace} from '../support/hosts.js'
import {alive, startHostingSimulator} from '../support/processes.js'

const canHost = canRunHosts('a signalled simulator stops its hosts')

const SIGNALS = [
  {signal: 'SIGHUP', exit: 129},
  {signal: 'SIGTERM', exit: 143},
  {signal: 'SIGINT', exit: 130},
] as const

describe.runIf(canHost)('`velda-do simulator --ssh-hosts` stopped by a signal', () => {
  it.each(SIGNALS)('$signal: stops every host (no sshd left), removes the hosts folder with its keys and secrets, exits $exit', async ({signal, exit}) => {
    const {dir, key} = sshWorkspace('velda-stop-')
    // The simulator's own temporary folder: where it puts its hosts' folder, and where the test looks for it.
    const tmp = mkdtempSync(join(tmpdir(), 'velda-stop-tmp-'))
    const hostsFolders = () => readdirSync(tmp).filter((name) => name.startsWith('velda-sim-hosts-'))
    const sim = await startHostingSimulator({authorizedKey: `${key}.pub`, env: cleanEnv({TMPDIR: tmp})})
    try {
      expect(sim.hosts).toHaveLength(2)
      expect(hostsFolders()).toHaveLength(1)
      sim.child.kill(signal)
      const ended = await sim.exited
      // Each said on its own: a failure shows all that went wrong.
      expect.soft(sim.hosts.filter(alive)).toEqual([])
      expect.soft(hostsFolders()).toEqual([])
      expect.soft(ended).toEqual({code: exit, signal: null})
      expect.soft(sim.stderr()).toBe('')
    } finally {
      // Without the fix the hosts outlive it.
      sim.cleanUp()
      rmSync(tmp, {recursive: true, force: true})
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
