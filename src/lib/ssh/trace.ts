/**
 * What a trace (`--trace`, `$VELDA_DO_TRACE`) tells of one ssh run: which member, the argv as run, how it ended.
 * Raw facts; output/trace-format.ts redacts and formats them for every sink alike.
 */
export interface SshExchange {
  /** When ssh started (the command's clock, epoch ms). */
  startedAt: number
  /** The droplet's name; null when the caller did not say. */
  member: string | null
  /** The host ssh dialled: the argument after `--`. */
  address: string | null
  /** The whole command line, `ssh` first. */
  argv: string[]
  /** ssh's exit code (the remote command's, 255 for ssh's own failure); null when it was ended by a signal. */
  exitCode: number | null
  /** What the member printed, in bytes (what was cut included); null when it went to the terminal, unseen. */
  stdoutBytes: number | null
  stderrBytes: number | null
  durationMs: number
}

/** The host of an ssh argv as velda-do builds it (command.ts, sshArgs: the host follows `--`). */
export function sshHost(args: readonly string[]): string | null {
  const split = args.indexOf('--')
  return split < 0 ? null : (args[split + 1] ?? null)
}
