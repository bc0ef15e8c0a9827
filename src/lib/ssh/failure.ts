/**
 * What went wrong when `ssh` itself failed (exit 255), from its stderr: each is a state of a member that `pool
 * status` reports, never a crash. The remote command's own exit codes (0 to 254) are not ssh failures.
 */
export type SshFailure = 'refused' | 'timeout' | 'unreachable' | 'host-key-changed' | 'auth-failed' | 'ssh-error'

const PATTERNS: [RegExp, SshFailure][] = [
  [/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed|host key for .* has changed/i, 'host-key-changed'],
  [/Connection refused/i, 'refused'],
  [/Connection timed out|Operation timed out|timed out during banner exchange/i, 'timeout'],
  [/No route to host|Network is unreachable|Could not resolve hostname|Name or service not known/i, 'unreachable'],
  [/Permission denied|Too many authentication failures|no matching host key type/i, 'auth-failed'],
]

export function classifySshFailure(stderr: string): SshFailure {
  return PATTERNS.find(([pattern]) => pattern.test(stderr))?.[1] ?? 'ssh-error'
}

/** For the member's row and its `error`: the line of ssh's stderr that says why, without its warnings banner. */
export function sshFailureLine(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter((line) => line && !/^@+$/.test(line) && !line.startsWith('@ '))
  return lines.find((line) => PATTERNS.some(([pattern]) => pattern.test(line))) ?? lines.at(-1) ?? 'ssh failed'
}
