import {createInterface} from 'node:readline'

import {printable} from '../text/printable.js'
import type {IO} from './io.js'
import type {StopWatch} from './stop-signals.js'

export interface Choice<Id extends string> {
  id: Id
  /** What it means, on the line after its number. */
  label: string
}

export type Chosen<Id extends string> = {kind: 'chosen'; id: Id} | {kind: 'stopped'} | {kind: 'closed'}

/**
 * Asks to pick one of `choices` on the terminal, as confirm() asks yes/no: Enter takes the first, a number or an id
 * picks one, anything else asks again. Ctrl-C (a key: the terminal is raw while it asks), SIGTERM or SIGHUP end it as
 * `stopped`; end of input (Ctrl-D, a closed pipe) as `closed`. Lines are read from one reader for the whole
 * question, so an answer typed ahead of the prompt (or piped) is never lost between two attempts.
 */
export async function choose<Id extends string>(question: string, choices: readonly Choice<Id>[], stop: StopWatch, io: IO): Promise<Chosen<Id>> {
  const reader = createInterface({input: io.in, output: io.err})
  const lines = reader[Symbol.asyncIterator]()
  const ended = new Promise<'stopped'>((resolve) => {
    reader.on('SIGINT', () => stop.trigger('SIGINT', true))
    const unsubscribe = stop.onStop(() => resolve('stopped'))
    reader.on('close', unsubscribe)
  })
  const menu = choices.map((choice, index) => `  ${index + 1}) ${choice.id}  ${choice.label}`).join('\n')
  io.err.write(`${question}\n${menu}\n`)
  try {
    for (;;) {
      io.err.write(`Choose 1-${choices.length} or a name [1: ${choices[0]?.id}]: `)
      const next = await Promise.race([lines.next(), ended])
      if (next === 'stopped') {
        // The line of the unanswered question is still open.
        io.err.write('\n')
        return {kind: 'stopped'}
      }
      if (next.done) {
        io.err.write('\n')
        return stop.isStopped() ? {kind: 'stopped'} : {kind: 'closed'}
      }
      const picked = pick(String(next.value).trim(), choices)
      if (picked) return {kind: 'chosen', id: picked}
      io.err.write(`"${printable(String(next.value).trim())}" is none of them: answer with its number or its name\n`)
    }
  } finally {
    reader.close()
  }
}

function pick<Id extends string>(answer: string, choices: readonly Choice<Id>[]): Id | null {
  if (answer === '') return choices[0]?.id ?? null
  const byNumber = /^\d+$/.test(answer) ? choices[Number(answer) - 1] : undefined
  return (byNumber ?? choices.find((choice) => choice.id === answer.toLowerCase()))?.id ?? null
}
