import {spawnSync} from 'node:child_process'
import {appendFileSync, chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {assetPath} from '../../system/assets.js'
import {shellQuote} from '../../text/shell.js'
import type {SimulatedMachine} from './boot-timeline.js'
import type {SshHostSpec} from './host-spec.js'
import {removeGpu} from './gpu-profile.js'

/**
 * A simulated host's directory: what its host command (assets/sim-host-command.sh) reads to know where it is
 * (host.env), the droplet's commands (root/bin: systemctl, cloud-init and journalctl, from assets/sim-shims), and the droplet's files as its boot stands (root/var-lib-velda,
 * root/var-log, root/machine), which the sandbox shows at the droplet's own paths.
 */
export function prepareHostFiles(spec: SshHostSpec): void {
  mkdirSync(spec.dir, {recursive: true})
  writeFileSync(join(spec.dir, 'authorized_keys'), spec.authorizedKeys, {mode: 0o600})
  // It holds the host's secret: this user's alone (the directory is too).
  writeFileSync(join(spec.dir, 'host.env'), hostEnv(spec), {mode: 0o600})
  for (const path of ['sessions', 'root/var-lib-velda', 'root/var-log', 'root/machine', 'root/bin']) mkdirSync(join(spec.dir, path), {recursive: true})
  const shims = assetPath('sim-shims')
  const commands: [string, string][] = [...readdirSync(shims).map((name): [string, string] => [join(shims, name), name]), [assetPath('gpu-sampler.sh'), 'velda-gpu-sampler']]
  for (const [from, name] of commands) {
    copyFileSync(from, join(spec.dir, 'root/bin', name))
    // Executable whatever mode the package was installed with.
    chmodSync(join(spec.dir, 'root/bin', name), 0o755)
  }
}

/** What a host with GPUs shows: the stand-in amd-smi's output, the sampler's settings, and once a seeded sample. */
export interface HostGpu {
  output: string
  env: string
  /** A gpu.json to start from (set with `idle_since`), written before the sampler's next sample; null: keep the file. */
  seed: string | null
}

/**
 * The droplet's GPUs for the command that begins (gpu-profile.ts): the host command runs the sampler when
 * machine/gpu.env is there. Null: the host has no GPU profile, and no sample.
 */
export function layOutGpu(dir: string, gpu: HostGpu | null): void {
  const root = join(dir, 'root')
  if (gpu === null) {
    removeGpu(join(root, 'machine'))
    return
  }
  replaceFile(join(root, 'machine', 'amd-smi.json'), gpu.output)
  replaceFile(join(root, 'machine', 'gpu.env'), gpu.env)
  if (gpu.seed !== null) replaceFile(join(root, 'var-lib-velda', 'gpu.json'), gpu.seed)
}

/**
 * The droplet's files as its boot stands: written when a command begins, each replaced whole (a command running
 * beside it reads the old file or the new one, never half of one), but for the boot log, which grows as a log
 * does: a `tail -F` that follows it sees the new lines, not the whole file again.
 */
export function layOutMachine(dir: string, machine: SimulatedMachine): void {
  const root = join(dir, 'root')
  const statusFile = join(root, 'var-lib-velda', 'bootstrap.json')
  if (machine.statusFile === null) rmSync(statusFile, {force: true})
  else replaceFile(statusFile, machine.statusFile)
  growFile(join(root, 'var-log', 'velda-bootstrap.log'), machine.log.map((line) => `${line}\n`).join(''))
  replaceFile(join(root, 'machine', 'agent'), `${machine.agent}\n`)
  replaceFile(join(root, 'machine', 'cloud-init'), `${machine.cloudInit}\n`)
  const journal = machine.agent === 'active' ? 'velda-agent[812]: connected to the broker' : 'velda-agent[812]: not started'
  replaceFile(join(root, 'machine', 'journal'), `${journal}\n`)
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

/** What the host command needs to know, as shell variables: where the simulator is, which droplet it is. */
function hostEnv(spec: SshHostSpec): string {
  const simulator = new URL(spec.simulator)
  // An address to dial, not one to listen on: the simulator may listen on every address.
  const address = simulator.hostname.replace(/^\[(.*)\]$/, '$1')
  const dialable = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '::1' : address
  return [
    `SIM_ADDRESS=${shellQuote(dialable)}`,
    `SIM_PORT=${shellQuote(simulator.port || '80')}`,
    `SIM_HOST_SECRET=${shellQuote(spec.secret)}`,
    `DROPLET_ID=${shellQuote(String(spec.dropletId))}`,
    `HOST_NAME=${shellQuote(spec.name)}`,
    `LATENCY_SECONDS=${shellQuote(String(spec.latencyMs / 1000))}`,
    `PID_NAMESPACE=${bwrapCanUnsharePid() ? 'yes' : 'no'}`,
    '',
  ].join('\n')
}

let pidNamespaces: boolean | undefined

/** Whether bwrap can give a command a pid namespace of its own here (not in an unprivileged container: no /proc). */
function bwrapCanUnsharePid(): boolean {
  pidNamespaces ??= spawnSync('bwrap', ['--dev-bind', '/', '/', '--unshare-pid', '--proc', '/proc', '--', 'true'], {stdio: 'ignore'}).status === 0
  return pidNamespaces
}
