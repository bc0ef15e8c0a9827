import {closeSync, constants, fchmodSync, fstatSync, ftruncateSync, openSync, writeSync} from 'node:fs'

import type {RequestLogEntry, SimAnswer} from './core.js'
import {fileKind} from '../system/file-kind.js'
import {redactBody, redactText} from './redact.js'

/**
 * `simulator --record FILE`: each API exchange the simulator answers, written as a trace line in the format
 * VELDA_DO_TRACE writes (docs/simulator.md, "Replaying a trace"), so that `--replay` reads either. What only the
 * client knows is null here: which attempt a request was and the client's retry decision.
 */

export interface AnsweredExchange {
  entry: RequestLogEntry
  answer: SimAnswer
  /** When the answer was sent (or dropped). */
  answeredAt: number
}

/** The answer's headers a client acts on; ratelimit-* and x-request-id have fields of their own. */
const KEPT_HEADERS = ['content-type', 'retry-after', 'location']

/** One trace line (without its newline), secrets cut as the admin API cuts them. */
export function traceLine(exchange: AnsweredExchange, origin: string, token: string): string {
  const {entry, answer} = exchange
  const headers = answer.kind === 'answer' ? answer.headers : {}
  const abandoned = entry.abandonedAt !== undefined
  const status = answer.kind === 'drop' || abandoned ? null : answer.status
  const error = abandoned
    ? `timeout: the client hung up after ${(entry.abandonedAt as number) - entry.at} ms without an answer`
    : answer.kind === 'drop'
      ? 'the connection was dropped without an answer'
      : null
  const header = (name: string) => headers[name] ?? null
  const ratelimit = header('ratelimit-limit') === null ? null : {limit: header('ratelimit-limit'), remaining: header('ratelimit-remaining'), reset: header('ratelimit-reset')}
  const kept = Object.fromEntries(KEPT_HEADERS.flatMap((name) => (headers[name] === undefined ? [] : [[name, headers[name]]])))
  return JSON.stringify({
    v: 1,
    kind: 'http',
    at: new Date(entry.at).toISOString(),
    method: entry.method,
    url: `${origin}${redactText(`${entry.path}${entry.query}`, token)}`,
    attempt: null,
    status,
    duration_ms: Math.max(0, (entry.abandonedAt ?? exchange.answeredAt) - entry.at),
    request_id: header('x-request-id'),
    ratelimit,
    retry: null,
    error,
    request_body: entry.body === '' ? null : jsonOrText(redactBody(entry.body, token)),
    response_headers: status === null ? {} : kept,
    response_body: status === null || answer.kind !== 'answer' || answer.body === null ? null : jsonOrText(redactBody(answer.body, token)),
  })
}

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

export interface TraceRecorder {
  write(line: string): void
  close(): void
}

/**
 * The file, mode 0600 (a trace holds the pool's names, ids and addresses), written line by line as answers go
 * out (a simulator killed mid-run leaves whole lines). Never through a symbolic link (O_NOFOLLOW): a link planted
 * where the trace goes would have the simulator overwrite its target; and not blocked by a pipe with no reader
 * (O_NONBLOCK), refused instead as any file that is not a regular one.
 */
export function openTraceRecorder(path: string, onFailure: (message: string) => void = () => {}): TraceRecorder {
  // Not truncated on open: an earlier recording is emptied only once the file is known to be one we may write.
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o600)
  try {
    const stats = fstatSync(fd)
    if (!stats.isFile()) throw new Error(`${path} is ${fileKind(stats)}, not a regular file`)
    // An existing file keeps its mode on open: made private as a new one is.
    fchmodSync(fd, 0o600)
    ftruncateSync(fd, 0)
  } catch (error) {
    closeSync(fd)
    throw error
  }
  let open = true
  const close = () => {
    if (open) closeSync(fd)
    open = false
  }
  return {
    // A line that cannot be written (a full disk) ends the recording, said once: the simulator answers on, and an
    // answer is never turned into a 500 after the simulator has acted on its request.
    write: (line) => {
      if (!open) return
      try {
        const bytes = Buffer.from(`${line}\n`)
        for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written)
      } catch (error) {
        close()
        onFailure(`--record: stopped writing ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; the simulator answers on, unrecorded`)
      }
    },
    close,
  }
}
