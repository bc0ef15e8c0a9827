import {EventEmitter} from 'node:events'

import {describe, expect, it} from 'vitest'

import {type MemberOutput, memberOutputChunks} from '../../src/lib/output/member-output.js'
import {writeChunks} from '../../src/lib/output/stream-writer.js'

/** A pipe whose reader is slow: each write() is held (false: "enough for now") until the reader takes it all. */
class SlowPipe extends EventEmitter {
  destroyed = false
  readonly received: string[] = []
  private held: string[] = []
  /** The most chunks ever held at once: what the writing process keeps in memory for the reader. */
  mostHeld = 0

  write(chunk: string): boolean {
    if (this.destroyed) throw new Error('write after close')
    this.held.push(chunk)
    this.mostHeld = Math.max(this.mostHeld, this.held.length)
    return false
  }

  /** The reader takes what is held; the stream says it may be written again. */
  take(): void {
    this.received.push(...this.held.splice(0))
    this.emit('drain')
  }
}

const member = (name: string, stdout: string): MemberOutput => ({name, exit_code: 0, state: 'ran', stdout, stderr: '', stdout_cut_bytes: 0, stderr_cut_bytes: 0})

/** Runs the writer against the pipe, the reader taking what is held whenever the writer has nothing more to do. */
async function drive(pipe: SlowPipe, writing: Promise<void>): Promise<void> {
  let done = false
  void writing.then(() => (done = true))
  while (!done) {
    // Every promise callback has run: the writer waits for 'drain', or has finished.
    await new Promise((resolve) => setImmediate(resolve))
    pipe.take()
  }
}

describe('writeChunks: output to a slow pipe waits for it, it does not pile up in memory', () => {
  it('16 members of `yes` to a reader that takes nothing until drain: one chunk held at a time, every byte in order', async () => {
    const results = Array.from({length: 16}, (_, i) => member(`velda-930b7ad6-k3x9${i.toString(16)}`, 'y\n'.repeat(128 * 1024)))
    const pipe = new SlowPipe()
    await drive(pipe, writeChunks(pipe, memberOutputChunks(results, 256 * 1024)))
    expect(pipe.mostHeld).toBe(1)
    expect(pipe.received.length).toBeGreaterThan(100)
    expect(pipe.received.join('')).toBe([...memberOutputChunks(results, 256 * 1024)].join(''))
  })

  it('a pipe that closes while the writer waits (the reader went: | head) ends the write, nothing more written', async () => {
    const pipe = new SlowPipe()
    const writing = writeChunks(pipe, ['a\n', 'b\n', 'c\n'])
    await new Promise((resolve) => setImmediate(resolve))
    pipe.destroyed = true
    pipe.emit('close')
    await writing
    expect(pipe.mostHeld).toBe(1)
  })
})
