import type {OutputStream} from './io.js'

type Write = OutputStream['write']

export interface OutputGuard {
  /** Lets one stream's writes past the filter: only for output the user asked to contain secrets. */
  passThrough(stream: OutputStream): void
  restore(): void
}

/**
 * Puts one filter in front of stdout and stderr, so every string that leaves the process (data, progress,
 * warnings, errors, oclif's own messages, a library's stack trace) passes through it: secrets are cut in one
 * place, not message by message. Also keeps a closed terminal or pipe (SIGHUP, `| head`) from crashing the
 * command while it still has droplets to report.
 */
export function guardOutput(filter: (text: string) => string, streams: readonly OutputStream[]): OutputGuard {
  const unguarded = new Set<OutputStream>()
  const originals = streams.map((stream) => {
    const original = stream.write
    const unfiltered = original.bind(stream) as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (unguarded.has(stream)) return unfiltered(chunk, ...rest)
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
      // A string chunk's encoding argument, if any, no longer applies once it is text: keep only the callback.
      const callback = rest.find((arg) => typeof arg === 'function')
      return callback ? unfiltered(filter(text), callback) : unfiltered(filter(text))
    }) as Write
    stream.on('error', ignoreClosed)
    return {stream, original}
  })
  return {
    passThrough(stream) {
      unguarded.add(stream)
    },
    restore() {
      for (const {stream, original} of originals) {
        stream.write = original
        stream.off('error', ignoreClosed)
      }
    },
  }
}

function ignoreClosed(error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE' || error.code === 'EIO') return
  throw error
}
