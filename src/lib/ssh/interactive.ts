import {spawn} from 'node:child_process'

/**
 * Runs `ssh` on the user's terminal (stdin, stdout, stderr its own); resolves with its exit code. `member` names
 * the droplet in the trace (`--trace`).
 */
export function runSshInteractive(args: readonly string[], {ssh = 'ssh'}: {ssh?: string; member?: string} = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(ssh, [...args], {stdio: 'inherit'})
    child.once('error', () => resolve(255))
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 255)))
  })
}
