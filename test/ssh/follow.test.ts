import {EventEmitter} from 'node:events'
import {PassThrough} from 'node:stream'

import {describe, expect, it} from 'vitest'

import {followSsh} from '../../src/lib/ssh/follow.js'

/** Collects what followSsh writes, and tells when a line has come. */
function sink() {
  const stream = new PassThrough()
  let text = ''
  const waiters: {pattern: RegExp; resolve: () => void}[] = []
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8')
    for (const waiter of waiters.filter((w) => w.pattern.test(text))) waiter.resolve()
  })
  return {stream, text: () => text, shows: (pattern: RegExp) => new Promise<void>((resolve) => (pattern.test(text) ? resolve() : waiters.push({pattern, resolve})))}
}

describe('pool logs --follow: ssh', () => {
  it('is not ended by a Ctrl-C that reaches it too (the terminal signals the whole group): only velda-do stops it, and says it did', async () => {
    // A stand-in for ssh that, like OpenSSH, exits 255 on SIGINT unless SIGINT was ignored when it started; it
    // sends itself the terminal's Ctrl-C, then follows a log that never ends.
    const script = 'trap "echo caught-sigint; exit 255" INT; echo ready; kill -INT $$; echo still-following; exec tail -f /dev/null'
    const out = sink()
    const stop = new AbortController()
    const ended = followSsh(['-c', script], {signal: stop.signal, stdout: out.stream, stderr: new PassThrough(), ssh: 'sh'})
    await out.shows(/still-following\n|caught-sigint\n/)
    stop.abort()
    // Ended here: no exit status of ssh's to mistake for a failure of the member (exit 2, "ssh failed").
    expect(await ended).toMatchObject({status: null, signal: null})
    expect(out.text()).toBe('ready\nstill-following\n')
  })

  it('shows what the member prints through the output filter, line by line', async () => {
    const out = sink()
    const ended = await followSsh(['-c', 'printf "\\033]0;title\\007 one\\ntwo"'], {signal: new AbortController().signal, stdout: out.stream, stderr: new PassThrough(), ssh: 'sh'})
    // The bytes as the member printed them (for --trace), not as shown.
    expect(ended).toEqual({status: 0, signal: null, bytes: {stdout: 18, stderr: 0}})
    expect(out.text()).toBe('\\x1b]0;title\\x07 one\ntwo\n')
  })

  it('waits for one drain at a time when the output is full: the lines already read add no listener each', async () => {
    // An output that is always full (write() false), and drains a moment later, as a slow terminal does.
    const out = new (class extends EventEmitter {
      lines = 0
      mostDrainListeners = 0
      write(): boolean {
        this.lines++
        this.mostDrainListeners = Math.max(this.mostDrainListeners, this.listenerCount('drain'))
        setImmediate(() => this.emit('drain'))
        return false
      }
    })()
    // 200 lines in one write: one chunk, split into lines after the pause.
    const script = 'printf "line %s\\n" $(seq 200)'
    const ended = await followSsh(['-c', script], {signal: new AbortController().signal, stdout: out as unknown as NodeJS.WritableStream, stderr: new PassThrough(), ssh: 'sh'})
    expect(ended).toEqual({status: 0, signal: null, bytes: {stdout: 1692, stderr: 0}})
    expect(out.lines).toBe(200)
    expect(out.listenerCount('drain')).toBeLessThanOrEqual(1)
    // Checked as each line was written: never more than the one wait.
    expect(out.mostDrainListeners).toBeLessThanOrEqual(1)
  })
})
