import {EventEmitter} from 'node:events'

import {describe, expect, it} from 'vitest'

import {watchStopSignals} from '../../src/lib/cli/stop-signals.js'

describe('watchStopSignals', () => {
  it('aborts its signal on the first stop signal, once, so that ssh runs in flight end at once; later signals are only acknowledged', () => {
    const target = new EventEmitter() as unknown as NodeJS.Process
    const said: string[] = []
    const stop = watchStopSignals((message) => said.push(message), target)
    const reasons: unknown[] = []
    stop.aborted.addEventListener('abort', () => reasons.push(stop.signal))
    expect(stop.aborted.aborted).toBe(false)
    target.emit('SIGTERM')
    target.emit('SIGINT')
    expect([stop.aborted.aborted, stop.signal, reasons]).toEqual([true, 'SIGTERM', ['SIGTERM']])
    expect(said).toEqual([expect.stringMatching(/^asked to stop \(SIGTERM\)/), expect.stringMatching(/^interrupted \(Ctrl-C\) again: already stopping/)])
    stop.dispose()
  })
})
