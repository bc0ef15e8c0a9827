import {spawn} from 'node:child_process'
import {readdirSync, readFileSync} from 'node:fs'
import {createInterface} from 'node:readline'

import {describe, expect, it} from 'vitest'

import {BIN, cleanEnv} from '../support/cli.js'
import {canRunHosts, sshWorkspace} from '../support/hosts.js'
import {simAdmin} from '../support/sim-admin.js'

const canHost = canRunHosts('a crashing simulator stops its hosts')
const CRASH_HOOK = new URL('../fixtures/crash/on-signal.mjs', import.meta.url).pathname

/** The sshd processes whose parent is `pid` (the simulator's hosts), from /proc. */
function sshdChildren(pid: number): number[] {
  const children: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(ppid) === pid && state !== 'Z' && stat.includes('(sshd')) children.push(Number(entry))
    } catch {
      // Gone while listing.
    }
  }
  return children
}

/** Whether the process still runs (a zombie has ended: only its parent has not asked how). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

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
