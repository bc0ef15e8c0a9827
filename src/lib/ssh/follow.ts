import {spawn} from 'node:child_process'

import {sharedCloseWatch} from '../system/close-watch.js'
import {LineSplitter, type SplitLine} from './line-splitter.js'
import {printable} from '../text/printable.js'
import {sshSpawnArgs} from './ssh-program.js'
import {plural} from '../text/plural.js'

/** A log line longer than this is no log line: it is dropped and said so (see LineSplitter). */
export const MAX_FOLLOWED_LINE_BYTES = 64 * 1024

/**
 * `pool logs --follow`: ssh runs `tail -F` (or `journalctl -f`) on the member, and what it prints reaches the
 * terminal line by line, as it comes, through the output filter (printable: no escape sequence, title change,
 * clipboard write or C1 control of the member's reaches the terminal raw) and the writers' own secret filter.
 * Not the terminal handed to ssh: the member's bytes are not trusted. Ends when ssh ends, `signal` aborts, or the
 * output is closed (its reader gone).
 */
export function followSsh(
  args: readonly string[],
  options: {signal: AbortSignal; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; ssh?: string; member?: string},
): Promise<FollowedSsh> {
  return new Promise((resolve) => {
    // stdin a pipe held open and never written (nothing typed goes to the member; a passphrase prompt still reads
    // /dev/tty itself): the member sees EOF when ssh or this process is gone, and its watchdog ends tail -F there
    // (remote-commands.ts, watchedCommand: a stock sshd would leave it running). ssh starts with
    // SIGINT and SIGHUP ignored, which OpenSSH keeps (it installs its own handlers only for signals not ignored):
    // Ctrl-C on the terminal reaches this process's group, and ssh, which would otherwise exit 255 on it, possibly
    // before this process has seen the signal; so this process alone decides, and ends ssh itself.
    const child = spawn(...sshSpawnArgs(options.ssh ?? 'ssh', args), {stdio: ['pipe', 'pipe', 'pipe']})
    child.stdin.on('error', () => {})
    const pipes = [
      [child.stdout, options.stdout],
      [child.stderr, options.stderr],
    ] as const
    const bytes = {stdout: 0, stderr: 0}
    const splitters = pipes.map(([from, to], index) => {
      // One wait for 'drain' at a time: the lines of a chunk already read still come after the pause, and each
      // of them finds the output full too.
      let waiting = false
      const splitter = new LineSplitter(MAX_FOLLOWED_LINE_BYTES, (line) => {
        // A slow terminal holds the member back, not this process's memory.
        if (!to.write(shown(line)) && !waiting) {
          waiting = true
          from.pause()
          to.once('drain', () => {
            waiting = false
            from.resume()
          })
        }
      })
      from.on('data', (chunk: Buffer) => {
        bytes[index === 0 ? 'stdout' : 'stderr'] += chunk.length
        splitter.push(chunk)
      })
      return splitter
    })
    let endedHere = false
    const end = () => {
      endedHere = true
      child.kill('SIGTERM')
    }
    // The one listener on the signal that the command's ssh runs share (close-watch.ts).
    const unwatch = sharedCloseWatch(options.signal)(end)
    // The reader went away (`| head`): following on would print to no one, for ever.
    for (const [, to] of pipes) to.once('error', end)
    child.once('error', (error) => options.stderr.write(`${printable(error.message)}\n`))
    child.once('close', (status, signal) => {
      unwatch()
      child.stdin.destroy()
      for (const [, to] of pipes) to.off('error', end)
      for (const splitter of splitters) splitter.end()
      // How ssh ended is told only when it ended by itself or by a signal from elsewhere (Ctrl-C on the terminal
      // reaches ssh too); ended here, it says nothing of the member (ssh exits 255 on our SIGTERM).
      resolve(endedHere ? {status: null, signal: null, bytes} : {status, signal, bytes})
    })
  })
}

export interface FollowedSsh {
  status: number | null
  signal: NodeJS.Signals | null
  /** Bytes read from ssh's stdout and stderr, for the trace: lines too long to show included. */
  bytes?: {stdout: number; stderr: number}
}

function shown(line: SplitLine): string {
  return 'text' in line ? `${printable(line.text)}\n` : `[a line of ${plural(line.droppedBytes, 'byte')}, longer than ${MAX_FOLLOWED_LINE_BYTES / 1024} KiB: not shown]\n`
}
