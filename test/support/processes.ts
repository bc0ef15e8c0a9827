import {type ChildProcess, spawn} from 'node:child_process'
import {readdirSync, readFileSync} from 'node:fs'
import {createInterface} from 'node:readline'

import {BIN} from './cli.js'
import {simAdmin} from './sim-admin.js'

/** The sshd processes whose parent is `pid` (the simulator's hosts), from /proc. */
export function sshdChildren(pid: number): number[] {
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
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

/** A `velda-do simulator --ssh-hosts` process with two droplets whose sshd listen, as the crash and signal tests need. */
export interface HostingSimulator {
  child: ChildProcess
  /** How it ended: its exit code, or the signal that killed it. */
  exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>
  stderr(): string
  /** The hosts' sshd pids, read while they ran. */
  hosts: number[]
  /** Ends whatever outlived the test (the hosts, the simulator), so that one failure leaves nothing behind. */
  cleanUp(): void
}

export async function startHostingSimulator(options: {nodeArgs?: string[]; authorizedKey: string; env: NodeJS.ProcessEnv}): Promise<HostingSimulator> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, 'simulator', '--json', '--quiet', '--ssh-hosts', '--authorized-keys', options.authorizedKey, '--active-after', '0s'], {
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => child.once('exit', (code, signal) => resolve({code, signal})))
  const cleanUp = () => {
    for (const pid of started.hosts.filter(alive)) process.kill(pid, 'SIGTERM')
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  const started: HostingSimulator = {child, exited, stderr: () => stderr, hosts: [], cleanUp}
  try {
    const sim = JSON.parse(await new Promise<string>((resolve) => createInterface({input: child.stdout!}).once('line', resolve))) as {url: string; token: string}
    await simAdmin(sim, 'POST', 'droplets', {count: 2})
    await simAdmin(sim, 'GET', 'hosts') // answers once every droplet's sshd listens
    started.hosts = sshdChildren(child.pid ?? 0)
  } catch (error) {
    cleanUp()
    throw error
  }
  return started
}
