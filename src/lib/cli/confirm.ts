import {createInterface} from 'node:readline/promises'

import type {IO} from './io.js'
import type {StopWatch} from './stop-signals.js'

export type Answer = 'yes' | 'no' | 'stopped'

/**
 * Asks a yes/no question on the terminal; anything but y/yes is no. Ctrl-C at the prompt (the terminal is in raw
 * mode, so it arrives as a key, not a signal), SIGTERM or SIGHUP while waiting, end the question as `stopped`:
 * a cancel, not a failure.
 */
export async function confirm(question: string, stop: StopWatch, io: IO): Promise<Answer> {
  const prompt = createInterface({input: io.in, output: io.err})
  const abort = new AbortController()
  prompt.on('SIGINT', () => stop.trigger('SIGINT', true))
  // End of input (Ctrl-D, a closed pipe) is a "no": the question would otherwise never be answered.
  prompt.on('close', () => abort.abort())
  const unsubscribe = stop.onStop(() => abort.abort())
  try {
    const answer = await prompt.question(`${question} [y/N] `, {signal: abort.signal})
    return /^y(es)?$/i.test(answer.trim()) ? 'yes' : 'no'
  } catch (error) {
    // The line of the unanswered question is still open.
    io.err.write('\n')
    if (stop.isStopped()) return 'stopped'
    if (abort.signal.aborted) return 'no'
    throw error
  } finally {
    unsubscribe()
    prompt.close()
  }
}
