import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {precondition} from './preconditions.js'

const STUBS = new URL('../fixtures/stubs/', import.meta.url).pathname

export const SANDBOX_HOSTNAME = 'velda-930b7ad6-k3x9q'

/** One stub call: the program's name, then its arguments exactly as received. */
export interface StubCall {
  program: string
  args: string[]
}

export interface SandboxOptions {
  tailscaleInstalled: boolean
  /** Stubs taken off the machine, as on an image without them (e.g. `amd-smi`, `rocm-smi`: no GPU tools). */
  missing?: string[]
  /** Stubs that fail, printing this on stderr: `apt-get` (exit 100), `systemctl`, `tailscale` (exit 1). */
  failing?: Record<string, string>
  /** The log writer (tee) starts reading 0.3 s late, as on a busy machine: the script must wait for it at the end. */
  laggingLog?: boolean
}

export interface SandboxRun {
  status: number | null
  output: string
}

/**
 * A throw-away machine for the boot script: bubblewrap with the host's /usr read-only, an empty /etc, /var,
 * /bin and systemd unit directory that persist between runs (so a second run can be compared with the first),
 * no network, and recording stubs first on PATH in place of apt-get, curl, systemctl, tailscale and the GPU tools.
 */
export class Sandbox {
  readonly root = mkdtempSync(join(tmpdir(), 'velda-sandbox-'))
  private readonly script = join(this.root, 'boot.sh')

  constructor(options: SandboxOptions) {
    for (const dir of ['bin', 'etc', 'var', 'units', 'local-sbin', 'stubs/.state/installed', 'stubs/.fail']) mkdirSync(join(this.root, dir), {recursive: true})
    cpSync(STUBS, join(this.root, 'stubs'), {recursive: true})
    if (options.tailscaleInstalled) cpSync(join(STUBS, '.tailscale'), join(this.root, 'stubs', 'tailscale'))
    for (const program of options.missing ?? []) rmSync(join(this.root, 'stubs', program))
    for (const [program, message] of Object.entries(options.failing ?? {})) writeFileSync(join(this.root, 'stubs', '.fail', program), `${message}\n`)
    writeFileSync(join(this.root, 'stubs', '.calls'), '')
    if (options.laggingLog) {
      // The real sleep and tee: /stubs/sleep records and returns at once.
      writeFileSync(join(this.root, 'stubs', 'tee'), '#!/bin/bash\n/usr/bin/sleep 0.3\nexec /usr/bin/tee "$@"\n', {mode: 0o755})
    }
  }

  /**
   * Whether this machine can hold the sandbox (bwrap aside: haveTool): its unit directory is mounted over
   * /usr/lib/systemd/system, which must exist in the host's /usr (bubblewrap makes no mount point in a read-only
   * bind). When it cannot, the tests are skipped with the reason, or fail in CI (./preconditions.ts).
   */
  static canRun(purpose = 'running the boot script in a sandbox'): boolean {
    return precondition(purpose, existsSync('/usr/lib/systemd/system') ? null : 'no /usr/lib/systemd/system to mount the sandbox\'s unit directory on (apt-get install -y systemd)')
  }

  run(script: string): SandboxRun {
    writeFileSync(this.script, script)
    chmodSync(this.script, 0o755)
    const asRoot = process.getuid?.() === 0
    const args = [
      '--die-with-parent', '--unshare-all', '--hostname', SANDBOX_HOSTNAME,
      ...(asRoot ? [] : ['--unshare-user', '--uid', '0', '--gid', '0']),
      '--ro-bind', '/usr', '/usr', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--symlink', 'usr/sbin', '/sbin',
      '--bind', join(this.root, 'bin'), '/bin',
      '--ro-bind', '/usr/bin/bash', '/bin/bash', '--ro-bind', '/usr/bin/dash', '/bin/sh',
      '--bind', join(this.root, 'etc'), '/etc',
      '--bind', join(this.root, 'var'), '/var',
      '--bind', join(this.root, 'units'), '/usr/lib/systemd/system',
      '--bind', join(this.root, 'local-sbin'), '/usr/local/sbin',
      '--bind', join(this.root, 'stubs'), '/stubs',
      '--ro-bind', this.script, '/velda-boot.sh',
      '--tmpfs', '/tmp', '--proc', '/proc', '--dev', '/dev',
      '--clearenv', '--setenv', 'PATH', '/stubs:/usr/local/bin:/usr/bin:/usr/sbin', '--setenv', 'STUB_LOG', '/stubs/.calls',
      '--setenv', 'HOME', '/root',
      '/velda-boot.sh',
    ]
    const result = spawnSync('bwrap', args, {encoding: 'utf8', timeout: 60_000})
    return {status: result.status, output: `${result.stdout}${result.stderr}`}
  }

  calls(): StubCall[] {
    const log = readFileSync(join(this.root, 'stubs', '.calls'), 'utf8')
    return log
      .split('\x1e')
      .filter((record) => record !== '')
      .map((record) => {
        const [program = '', ...args] = record.split('\x1f').slice(0, -1)
        return {program, args}
      })
  }

  readFile(path: string): string {
    return readFileSync(this.hostPath(path), 'utf8')
  }

  mode(path: string): number {
    return statSync(this.hostPath(path)).mode & 0o777
  }

  exists(path: string): boolean {
    return existsSync(this.hostPath(path))
  }

  /** What the GPU tools' stubs print when asked for figures (`amd-smi metric`, `nvidia-smi --query-gpu`, `rocm-smi --json`). */
  gpuOutput(text: string): void {
    writeFileSync(join(this.root, 'stubs', '.gpu-output'), text)
  }

  /** Writes a file the script could have written (a gpu.json left by an earlier sample, say). */
  writeFile(path: string, text: string): void {
    mkdirSync(join(this.hostPath(path), '..'), {recursive: true})
    writeFileSync(this.hostPath(path), text)
  }

  remove(path: string): void {
    rmSync(this.hostPath(path))
  }

  /** Every file the script can write, with its mode and a hash of its content. */
  snapshot(except: string[] = []): Record<string, string> {
    const files: Record<string, string> = {}
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, {withFileTypes: true})) {
        const path = join(dir, entry.name)
        if (entry.isDirectory()) walk(path)
        else if (!except.some((e) => path.endsWith(e))) {
          const stat = statSync(path)
          files[path.slice(this.root.length)] = `${(stat.mode & 0o777).toString(8)} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`
        }
      }
    }
    for (const dir of ['bin', 'etc', 'var', 'units', 'local-sbin', 'stubs']) walk(join(this.root, dir))
    return files
  }

  dispose(): void {
    rmSync(this.root, {recursive: true, force: true})
  }

  private hostPath(path: string): string {
    const mounts: [string, string][] = [['/usr/lib/systemd/system/', 'units/'], ['/usr/local/sbin/', 'local-sbin/'], ['/etc/', 'etc/'], ['/var/', 'var/'], ['/bin/', 'bin/']]
    for (const [inside, outside] of mounts) if (path.startsWith(inside)) return join(this.root, outside, path.slice(inside.length))
    throw new Error(`${path} is not a writable path of the sandbox`)
  }
}
