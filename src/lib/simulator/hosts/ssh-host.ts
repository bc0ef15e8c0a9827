import {type ChildProcess, execFileSync, spawn} from 'node:child_process'
import {readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import type {SimulatedMachine} from './boot-timeline.js'
import {type HostGpu, layOutGpu, layOutMachine, prepareHostFiles} from './host-files.js'
import type {SshHostSpec} from './host-spec.js'
import {sshdConfig} from './sshd.js'

/**
 * One simulated droplet's SSH server: OpenSSH's own sshd, on the droplet's loopback address, with a host key of
 * its own (so that "host key changed" is real) and every command answered by assets/sim-host-command.sh, in a
 * sandbox that shows the droplet's files (host-files.ts).
 */
export class SshHost {
  private process: ChildProcess | null = null

  constructor(readonly spec: SshHostSpec) {
    prepareHostFiles(spec)
    this.newHostKey()
    writeFileSync(join(spec.dir, 'sshd_config'), sshdConfig(spec))
  }

  /** The droplet's files as its boot stands, for the command that begins. */
  layOut(machine: SimulatedMachine, gpu: HostGpu | null): void {
    layOutMachine(this.spec.dir, machine)
    layOutGpu(this.spec.dir, gpu)
  }

  get running(): boolean {
    return this.process !== null
  }

  /** Starts sshd; resolves once it accepts connections. */
  async start(): Promise<void> {
    if (this.process) return
    const child = spawn(this.spec.sshd, ['-D', '-e', '-f', join(this.spec.dir, 'sshd_config')], {stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    this.process = child
    child.once('exit', () => {
      if (this.process === child) this.process = null
    })
    await waitForPort(this.spec.address, this.spec.port, () => (this.process === child ? null : `sshd for ${this.spec.name} exited: ${stderr.trim()}`))
  }

  async stop(): Promise<void> {
    const child = this.process
    this.endSessions()
    if (!child) return
    this.process = null
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  }

  /**
   * The commands still running on this host (a client gone, a slow answer): sshd would leave them be. A session
   * file outlives its command, and its pid may be another process's by now: only a process group with a process in
   * it whose command line names this host's directory (the host command, or the bwrap that took its place) is
   * signalled.
   */
  private endSessions(): void {
    const sessions = join(this.spec.dir, 'sessions')
    let pids: string[] = []
    try {
      pids = readdirSync(sessions)
    } catch {
      return
    }
    const processes = listProcesses(this.spec.dir)
    const own = processGroup('self')
    for (const pid of pids) {
      rmSync(join(sessions, pid), {force: true})
      // The session's whole process group (sshd starts each session in a group of its own): the command and all it
      // started, inside bwrap's pid namespace or not, even once the session's first process is gone (the group
      // lives on in what it started). It is this host's only while one of its processes names this host's
      // directory (the host command, the bwrap that took its place). SIGKILL: a stopped host leaves nothing
      // running, whatever the command ignores.
      const group = processes.find((p) => p.pid === Number(pid))?.pgid ?? Number(pid)
      if (group <= 1 || group === own || !processes.some((p) => p.pgid === group && p.ours)) continue
      try {
        process.kill(-group, 'SIGKILL')
      } catch {
        // Already gone.
      }
    }
  }

  /** A new host key, as after a reinstall (or an attack): clients that remember the old one must refuse it. */
  async changeHostKey(): Promise<void> {
    const wasRunning = this.running
    await this.stop()
    this.newHostKey()
    if (wasRunning) await this.start()
  }

  dispose(): void {
    rmSync(this.spec.dir, {recursive: true, force: true})
  }

  private newHostKey(): void {
    const key = join(this.spec.dir, 'host_key')
    rmSync(key, {force: true})
    rmSync(`${key}.pub`, {force: true})
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', this.spec.name, '-f', key])
  }
}

/** sshd prints nothing when ready: the port answering is the sign. */
async function waitForPort(address: string, port: number, failed: () => string | null): Promise<void> {
  const {connect} = await import('node:net')
  for (let attempt = 0; attempt < 200; attempt++) {
    const why = failed()
    if (why) throw new Error(why)
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({host: address, port})
      socket.once('connect', () => (socket.destroy(), resolve(true)))
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`sshd on ${address}:${port} did not start within 2 s`)
}

/** Every process, its group, and whether its command line names `dir` (from /proc). */
function listProcesses(dir: string): {pid: number; pgid: number; ours: boolean}[] {
  const found: {pid: number; pgid: number; ours: boolean}[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const pgid = processGroup(entry)
    if (pgid === null) continue
    let ours = false
    try {
      ours = readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)
    } catch {
      // Gone while listing.
    }
    found.push({pid: Number(entry), pgid, ours})
  }
  return found
}

/** A process's group, from /proc (null when it is gone). */
function processGroup(pid: string): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // pid (comm) state ppid pgrp ...: comm may hold spaces, so read after its closing parenthesis.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])
  } catch {
    return null
  }
}
