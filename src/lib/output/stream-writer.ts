/** The streams a command writes to: process.stdout and process.stderr, or a stand-in in a test. */
export interface OutStream {
  write(chunk: string, callback?: (error?: Error | null) => void): boolean
  once(event: string, listener: () => void): unknown
  off(event: string, listener: () => void): unknown
  readonly destroyed?: boolean
}

/**
 * Resolves once everything written to the stream before it has left the process (or the stream is gone: a closed
 * pipe). On Linux a pipe on stdout is written asynchronously: what the reader has not taken yet waits in the
 * process, and process.exit() (oclif's exit after an error) throws it away. So a command that fails waits for this
 * on stdout and stderr before it exits.
 */
export function flushed(stream: OutStream): Promise<void> {
  if (stream.destroyed) return Promise.resolve()
  // Writes are done in order: the callback of an empty write comes once every write before it is done.
  return new Promise((resolve) => {
    stream.write('', () => resolve())
  })
}

/**
 * Writes text, or chunks of it as they come, and waits for 'drain' whenever the stream says it holds enough: what
 * the reader has not taken is then one chunk, not all of the output (a synchronous loop over a pipe queued every
 * chunk in memory: 16 members' 256 KiB of `y`, each line with its member's name, made some 540 MB of heap). A
 * stream that closes (the reader went: `| head`) ends the wait, and the rest is not written.
 */
export async function writeChunks(stream: OutStream, text: string | Iterable<string>): Promise<void> {
  for (const chunk of typeof text === 'string' ? [text] : text) {
    if (stream.destroyed) return
    if (chunk && !stream.write(chunk)) await drained(stream)
  }
}

function drained(stream: OutStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      for (const event of ['drain', 'close', 'error']) stream.off(event, done)
      resolve()
    }
    for (const event of ['drain', 'close', 'error']) stream.once(event, done)
  })
}
