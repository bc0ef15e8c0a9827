/**
 * What the transport tells a trace (`--trace`, `$VELDA_DO_TRACE`) of each attempt of each request: the raw facts,
 * nothing redacted or formatted here (output/trace-format.ts does both, for every sink alike). The request's
 * headers are never told: the token is in them.
 */
export interface HttpExchange {
  /** When the attempt started (the transport's clock, epoch ms). */
  startedAt: number
  method: string
  url: string
  /** 1 for the first attempt. */
  attempt: number
  /** null when no answer came (a timeout, a dropped connection, the client closed). */
  status: number | null
  durationMs: number
  /** The answer's headers; null when no answer came. */
  responseHeaders: Headers | null
  /** Why no answer came, or why an answer could not be read (not JSON); null for an answer as expected. */
  error: string | null
  /** What the transport decided next: `none`, `waiting 0.4s before attempt 2 of 5`, `gave up: ...`. */
  retry: string
  /** The body sent, as text; null without one. */
  requestBody: string | null
  /** The body answered, as text; null when no answer came. */
  responseBody: string | null
}

/** Where the transport reports each attempt; it must not throw (a sink that fails says so itself). */
export type TraceHttp = (exchange: HttpExchange) => void
