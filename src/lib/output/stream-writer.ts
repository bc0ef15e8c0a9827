/** The streams a command writes to: process.stdout and process.stderr, or a stand-in in a test. */
export type OutStream = Pick<NodeJS.WritableStream, 'write' | 'once' | 'off'> & {destroyed?: boolean}

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
