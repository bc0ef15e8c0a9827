import {type ChildProcess, execFileSync, spawn, spawnSync} from 'node:child_process'
import {appendFileSync, chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {assetPath} from '../../assets.js'
import type {SimulatedMachine} from './boot-timeline.js'

/**
 * One simulated droplet's SSH server: OpenSSH's own sshd, on the droplet's loopback address, with a host key of
 * its own (so that "host key changed" is real) and every command answered by assets/sim-host-command.sh, in a
 * sandbox that shows the droplet's files: those layOut() writes under root/.
 */
export interface SshHostSpec {
  dropletId: number
  name: string
  /** A loopback address of its own, e.g. 127.1.0.5: tests never dial anything outside 127.0.0.0/8. */
  address: string
  port: number
  /** The directory of this host: keys, config, the droplet's files. */
  dir: string
  /** The public keys allowed in (the operator's, in tests a key made for the run). */
  authorizedKeys: string
  /** The simulator's origin, for the droplet's state. */
  simulator: string
  sshd: string
  /** Added to every command's answer: a network's round trip. */
  latencyMs: number
}

export class SshHost {
  private process: ChildProcess | null = null

  constructor(readonly spec: SshHostSpec) {
    mkdirSync(spec.dir, {recursive: true})
    writeFileSync(join(spec.dir, 'authorized_keys'), spec.authorizedKeys, {mode: 0o600})
    writeFileSync(join(spec.dir, 'host.env'), hostEnv(spec))
    for (const path of ['sessions', 'root/var-lib-velda', 'root/var-log', 'root/machine', 'root/bin']) mkdirSync(join(spec.dir, path), {recursive: true})
    for (const [name, body] of Object.entries(SHIMS)) {
      writeFileSync(join(spec.dir, 'root/bin', name), `#!/bin/sh\n${body}\n`)
      chmodSync(join(spec.dir, 'root/bin', name), 0o755)
    }
    this.newHostKey()
    writeFileSync(join(spec.dir, 'sshd_config'), sshdConfig(spec))
  }

  /**
   * The droplet's files as its boot stands: written when a command begins, each replaced whole (a command running
   * beside it reads the old file or the new one, never half of one), but for the boot log, which grows as a log
   * does: a `tail -F` that follows it sees the new lines, not the whole file again.
   */
  layOut(machine: SimulatedMachine): void {
    const root = join(this.spec.dir, 'root')
    const statusFile = join(root, 'var-lib-velda', 'bootstrap.json')
    if (machine.statusFile === null) rmSync(statusFile, {force: true})
    else replaceFile(statusFile, machine.statusFile)
    growFile(join(root, 'var-log', 'velda-bootstrap.log'), machine.log.map((line) => `${line}\n`).join(''))
    replaceFile(join(root, 'machine', 'agent'), `${machine.agent}\n`)
    replaceFile(join(root, 'machine', 'cloud-init'), `${machine.cloudInit}\n`)
    const journal = machine.agent === 'active' ? 'velda-agent[812]: connected to the broker' : 'velda-agent[812]: not started'
    replaceFile(join(root, 'machine', 'journal'), `${journal}\n`)
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
   * file outlives its command, and its pid may be another process's by now: only a process whose command line names
   * this host's directory (the host command, or the bwrap that took its place) is signalled.
   */
  private endSessions(): void {
    const sessions = join(this.spec.dir, 'sessions')
    let pids: string[] = []
    try {
      pids = readdirSync(sessions)
    } catch {
      return
    }
    for (const pid of pids) {
      rmSync(join(sessions, pid), {force: true})
      try {
        if (!readFileSync(`/proc/${Number(pid)}/cmdline`, 'utf8').includes(this.spec.dir)) continue
        process.kill(Number(pid), 'SIGTERM')
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

/** The droplet's commands, answering from the files layOut() writes (seen at /var/lib/velda-sim in the sandbox). */
const SHIMS: Record<string, string> = {
  systemctl: [
    'if [ "$1" = is-active ]; then',
    '  state=$(cat /var/lib/velda-sim/agent)',
    '  echo "$state"',
    '  [ "$state" = active ] && exit 0',
    '  exit 3',
    'fi',
    'echo "systemctl: $1: not simulated" >&2',
    'exit 1',
  ].join('\n'),
  'cloud-init': 'if [ "$1" = status ]; then echo "status: $(cat /var/lib/velda-sim/cloud-init)"; exit 0; fi\nexit 1',
  journalctl: 'cat /var/lib/velda-sim/journal',
}

function replaceFile(path: string, text: string): void {
  writeFileSync(`${path}.new`, text)
  renameSync(`${path}.new`, path)
}

/** Appends what `text` has beyond the file's content when it starts with it; replaces the file otherwise. */
function growFile(path: string, text: string): void {
  let before: string | null = null
  try {
    before = readFileSync(path, 'utf8')
  } catch {
    // Not written yet.
  }
  if (before !== null && text.startsWith(before)) {
    if (text.length > before.length) appendFileSync(path, text.slice(before.length))
  } else {
    replaceFile(path, text)
  }
}

const shellQuote = (text: string | number) => `'${String(text).replaceAll("'", "'\\''")}'`

/** What the host command needs to know, as shell variables: where the simulator is, which droplet it is. */
function hostEnv(spec: SshHostSpec): string {
  const simulator = new URL(spec.simulator)
  // An address to dial, not one to listen on: the simulator may listen on every address.
  const address = simulator.hostname.replace(/^\[(.*)\]$/, '$1')
  const dialable = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '::1' : address
  return [
    `SIM_ADDRESS=${shellQuote(dialable)}`,
    `SIM_PORT=${shellQuote(simulator.port || '80')}`,
    `DROPLET_ID=${shellQuote(spec.dropletId)}`,
    `HOST_NAME=${shellQuote(spec.name)}`,
    `LATENCY_SECONDS=${shellQuote(spec.latencyMs / 1000)}`,
    `PID_NAMESPACE=${bwrapCanUnsharePid() ? 'yes' : 'no'}`,
    '',
  ].join('\n')
}

function sshdConfig(spec: SshHostSpec): string {
  return [
    `ListenAddress ${spec.address}:${spec.port}`,
    `HostKey ${join(spec.dir, 'host_key')}`,
    'PidFile none',
    `AuthorizedKeysFile ${join(spec.dir, 'authorized_keys')}`,
    // The host's files live in a temporary directory, not a home directory sshd would insist on.
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'X11Forwarding no',
    'AllowTcpForwarding no',
    `ForceCommand ${BASH} ${shellQuote(assetPath('sim-host-command.sh'))} ${shellQuote(spec.dir)}`,
    // sshd runs that through the user's shell, and Debian's bash then reads ~/.bashrc (for a command from ssh, unless
    // SHLVL says it is not the first shell): the simulated droplet is not this machine, and keeps its operator's
    // start-up files (a pyenv set-up, say: 150 ms a command) out. sshd has SetEnv since OpenSSH 8.7; an older one
    // would refuse to start with it.
    ...(sshdHasSetEnv(spec.sshd) ? ['SetEnv SHLVL=1'] : []),
    // The post-quantum key exchange, sntrup761, costs ~150 ms of CPU on each side of every connection; the hosts
    // rehearse velda-do, not the exchange, and take hundreds of connections in a test run.
    // (and, for a client held to FIPS algorithms, which has no curve25519, NIST P-256 after it).
    'KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256',
    'LogLevel ERROR',
    '',
  ].join('\n')
}

/** Where bash is: /bin/bash nearly everywhere; else the one on the simulator's PATH (sshd's own PATH is short). */
const BASH = existsSync('/bin/bash') ? '/bin/bash' : spawnSync('sh', ['-c', 'command -v bash'], {encoding: 'utf8'}).stdout.trim() || 'bash'

let pidNamespaces: boolean | undefined

/** Whether bwrap can give a command a pid namespace of its own here (not in an unprivileged container: no /proc). */
function bwrapCanUnsharePid(): boolean {
  pidNamespaces ??= spawnSync('bwrap', ['--dev-bind', '/', '/', '--unshare-pid', '--proc', '/proc', '--', 'true'], {stdio: 'ignore'}).status === 0
  return pidNamespaces
}

const setEnvSupport = new Map<string, boolean>()

/** Whether this sshd knows SetEnv (OpenSSH 8.7 and later), from the version it prints for -V (older ones print it with their usage). */
export function sshdHasSetEnv(sshd: string): boolean {
  let known = setEnvSupport.get(sshd)
  if (known === undefined) {
    const printed = spawnSync(sshd, ['-V'], {encoding: 'utf8'})
    known = sshdVersionHasSetEnv(`${printed.stdout ?? ''}${printed.stderr ?? ''}`)
    setEnvSupport.set(sshd, known)
  }
  return known
}

/** `OpenSSH_9.2, OpenSSL 3.0.19` → true; `OpenSSH_8.4p1 Debian-5` → false; no version at all → false. */
export function sshdVersionHasSetEnv(printed: string): boolean {
  const match = /OpenSSH_(\d+)\.(\d+)/.exec(printed)
  if (!match) return false
  const [major, minor] = [Number(match[1]), Number(match[2])]
  return major > 8 || (major === 8 && minor >= 7)
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

/** sshd, where Debian and most distributions put it; running it as root needs its privilege separation directory. */
export function findSshd(): string | null {
  for (const path of ['/usr/sbin/sshd', '/usr/local/sbin/sshd', '/sbin/sshd']) {
    if (existsSync(path)) {
      if (process.getuid?.() === 0) mkdirSync('/run/sshd', {recursive: true, mode: 0o755})
      return path
    }
  }
  return null
}
