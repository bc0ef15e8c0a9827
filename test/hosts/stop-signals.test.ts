import {spawn} from 'node:child_process'
import {mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'

import {describe, expect, it} from 'vitest'

import {BIN, cleanEnv} from '../support/cli.js'
import {canRunHosts, sshWorkspace} from '../support/hosts.js'
import {alive, sshdChildren} from '../support/processes.js'
import {simAdmin} from '../support/sim-admin.js'

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
    const child = spawn(process.execPath, [BIN, 'simulator', '--json', '--quiet', '--ssh-hosts', '--authorized-keys', `${key}.pub`, '--active-after', '0s'], {
      env: cleanEnv({TMPDIR: tmp}),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => child.once('exit', (code, killedBy) => resolve({code, signal: killedBy})))
    const sim = JSON.parse(await new Promise<string>((resolve) => createInterface({input: child.stdout}).once('line', resolve))) as {url: string; token: string}
    let hosts: number[] = []
    try {
      await simAdmin(sim, 'POST', 'droplets', {count: 2})
      await simAdmin(sim, 'GET', 'hosts') // answers once every droplet's sshd listens
      hosts = sshdChildren(child.pid ?? 0)
      expect(hosts).toHaveLength(2)
      expect(hostsFolders()).toHaveLength(1)
      child.kill(signal)
      const ended = await exited
      // Each said on its own: a failure shows all that went wrong.
      expect.soft(hosts.filter(alive)).toEqual([])
      expect.soft(hostsFolders()).toEqual([])
      expect.soft(ended).toEqual({code: exit, signal: null})
      expect.soft(stderr).toBe('')
    } finally {
      // Without the fix the hosts outlive it: end them here, so that one failure leaves nothing behind.
      for (const pid of hosts.filter(alive)) process.kill(pid, 'SIGTERM')
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      rmSync(tmp, {recursive: true, force: true})
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
