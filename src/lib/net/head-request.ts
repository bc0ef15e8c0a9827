/**
 * One HEAD request, for asking whether a file exists without downloading it (doctor's release check). No token or
 * cookie goes with it, a redirect is reported (status and Location), never followed: where it points is for the
 * caller to judge, and nothing is sent there.
 */

export type HeadAnswer = {kind: 'answer'; status: number; location: string | null} | {kind: 'failed'; reason: string}

export type HeadRequest = (url: string, options: {timeoutMs: number}) => Promise<HeadAnswer>

export const headRequest: HeadRequest = async (url, {timeoutMs}) => {
  try {
    const response = await fetch(url, {method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs)})
    // A HEAD has no body, but a server may send one: never read, never kept open.
    await response.body?.cancel()
    return {kind: 'answer', status: response.status, location: response.headers.get('location')}
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') return {kind: 'failed', reason: `no answer within ${Math.round(timeoutMs / 1000)}s`}
    const cause = (error as {cause?: {code?: unknown; message?: unknown}}).cause
    const why = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : String(error)
    return {kind: 'failed', reason: `no answer (${why})`}
  }
}
