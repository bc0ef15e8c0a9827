import type {IncomingMessage, ServerResponse} from 'node:http'

import type {RequestLogEntry} from './core.js'
import type {Replay} from './replay.js'

/** How long a request recorded as timed out is held when its client never hangs up: then it is dropped. */
const LONGEST_HOLD_MS = 10 * 60_000

interface ReplayServing {
  replay: Replay
  /** A mismatch, or a request past the trace's end, in one line: said even with --quiet. */
  onMismatch(line: string): void
  /** Told of every request replayed, as the simulator's request lines are. */
  onRequest?: (entry: RequestLogEntry) => void
  now(): number
}

/**
 * Answers an API request from the trace (replay.ts). The token is not checked: a trace holds `<redacted>` where the
 * token was, and the replay has no state a token would protect, only the trace its operator gave it (the admin API
 * still wants the simulator's token). A 401 the trace recorded is answered 401 all the same.
 */
export async function serveReplay(serving: ReplayServing, req: IncomingMessage, res: ServerResponse, method: string, body: string): Promise<void> {
  const at = serving.now()
  const result = serving.replay.answer({method, url: req.url ?? '/', body})
  const target = new URL(req.url ?? '/', 'http://replay.invalid')
  const status = result.kind === 'answer' || result.kind === 'refuse' ? result.status : null
  const entry: RequestLogEntry = {seq: result.line ?? 0, method, path: target.pathname, query: target.search, status, body, fault: result.kind === 'refuse' ? 'replay mismatch' : null, at}
  serving.onRequest?.(entry)
  switch (result.kind) {
    case 'refuse':
      serving.onMismatch(`velda-do simulator: ${result.message}`)
      res.writeHead(result.status, result.headers)
      res.end(result.body)
      return
    case 'drop':
      req.socket.destroy()
      return
    case 'hold':
      // The client's own timeout ends it, as it ended the recorded one; a client that never gives up is dropped.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, LONGEST_HOLD_MS)
        res.once('close', () => {
          clearTimeout(timer)
          resolve()
        })
      })
      req.socket.destroy()
      return
    case 'answer':
      res.writeHead(result.status, result.headers)
      res.end(result.body ?? undefined)
  }
}
