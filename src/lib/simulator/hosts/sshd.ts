import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync} from 'node:fs'
import {join} from 'node:path'

import {assetPath} from '../../system/assets.js'
import {shellQuote} from '../../text/shell.js'
import type {SshHostSpec} from './host-spec.js'

/**
 * OpenSSH's sshd as the simulated hosts run it: where it is, what it supports, and each host's configuration: its
 * own address, host key and keys let in, and every command through the host command.
 */
export function sshdConfig(spec: SshHostSpec): string {
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
