import {spawn} from 'node:child_process'
import {createInterface} from 'node:readline'

import {describe, expect, it} from 'vitest'

import {BIN, cleanEnv} from '../support/cli.js'
import {canRunHosts, sshWorkspace} from '../support/hosts.js'
import {alive, sshdChildren} from '../support/processes.js'
import {simAdmin} from '../support/sim-admin.js'

const canHost = canRunHosts('a crashing simulator stops its hosts')
const CRASH_HOOK = new URL('../fixtures/crash/on-signal.mjs', import.meta.url).pathname

describe.runIf(canHost)('a crashing simulator', () => {
  it.each(['exception', 'rejection'])('stops its SSH hosts before it exits (an uncaught %s): no sshd is left running', async (kind) => {
    const {key} = sshWorkspace('velda-crash-')
    const child = spawn(process.execPath, ['--import', CRASH_HOOK, BIN, 'simulator', '--json', '--quiet', '--ssh-hosts', '--authorized-keys', `${key}.pub`, '--active-after', '0s'], {
      env: cleanEnv({CRASH: kind}),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    const sim = JSON.parse(await new Promise<string>((resolve) => createInterface({input: child.stdout}).once('line', resolve))) as {url: string; token: string}
    let hosts: number[] = []
    try {
      await simAdmin(sim, 'POST', 'droplets', {count: 2})
      await simAdmin(sim, 'GET', 'hosts') // answers once every droplet's sshd listens
      hosts = sshdChildren(child.pid ?? 0)
      expect(hosts).toHaveLength(2)
      child.kill('SIGUSR2')
      expect(await exited).toBe(1)
      expect(hosts.filter(alive)).toEqual([])
      expect(stderr).toContain(`velda-do simulator crashed, stopping its hosts: Error: a bug, injected by the test (${kind})`)
    } finally {
      // Without the fix the hosts outlive it: end them here, so that one failure leaves nothing behind.
      for (const pid of hosts.filter(alive)) process.kill(pid, 'SIGTERM')
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  })
})
