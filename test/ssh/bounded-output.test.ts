import {describe, expect, it} from 'vitest'

import {BoundedOutput} from '../../src/lib/ssh/bounded-output.js'

describe('BoundedOutput: a stream kept within a number of bytes', () => {
  it('tail: starts at the first whole line, so a character (or a secret) whose start was dropped is not shown in part', () => {
    const output = new BoundedOutput(1001, 'tail')
    const bytes = Buffer.from(`${'é'.repeat(99)}\n`.repeat(50))
    // In chunks that split characters, as pipes do.
    for (let at = 0; at < bytes.length; at += 333) output.push(bytes.subarray(at, at + 333))
    const kept = output.text()
    expect(kept.text).not.toContain('\ufffd')
    expect(kept.text).toBe(`${'é'.repeat(99)}\n`.repeat(5))
    expect(kept.cutBytes).toBe(bytes.length - 995)
  })

  it('tail: a kept part that is one cut line is not shown at all, and counts as cut', () => {
    const output = new BoundedOutput(100, 'tail')
    output.push(Buffer.from(`token dop_v1_${'f'.repeat(64)} and more, never a newline`.repeat(10)))
    expect(output.text()).toEqual({text: '', cutBytes: Buffer.byteLength(`token dop_v1_${'f'.repeat(64)} and more, never a newline`.repeat(10))})
  })

  it('tail: memory stays within the limit however much comes', () => {
    const output = new BoundedOutput(4096, 'tail')
    const chunk = Buffer.from(`${'x'.repeat(1023)}\n`.repeat(64))
    for (let i = 0; i < 1000; i++) output.push(chunk)
    const kept = output.text()
    // The cut falls between two lines: the last four are kept whole.
    expect(kept.text).toBe(`${'x'.repeat(1023)}\n`.repeat(4))
    expect(kept.cutBytes).toBe(65536 * 1000 - 4096)
  })

  it('head: keeps the first bytes and says when more came', () => {
    const output = new BoundedOutput(10, 'head')
    expect(output.push(Buffer.from('12345'))).toBe(true)
    expect(output.push(Buffer.from('67890'))).toBe(true)
    expect(output.push(Buffer.from('x'))).toBe(false)
    expect(output.push(Buffer.from('yz'))).toBe(false)
    expect(output.text()).toEqual({text: '1234567890', cutBytes: 3})
  })

  it.each(['tail', 'head'] as const)('%s: output trickling a byte at a time is held in one buffer no larger than the limit, not a Buffer per chunk', (keep) => {
    const output = new BoundedOutput(64 * 1024, keep)
    const bytes = Buffer.from('a line of a member that trickles\n'.repeat(6000))
    for (let at = 0; at < bytes.length; at++) output.push(bytes.subarray(at, at + 1))
    expect(output.storage.buffers).toBe(1)
    expect(output.storage.bytes).toBeLessThanOrEqual(64 * 1024)
    const kept = output.text()
    if (keep === 'tail') {
      expect(kept.text).toBe(bytes.subarray(bytes.length - 64 * 1024).toString().slice(bytes.subarray(bytes.length - 64 * 1024).indexOf(10) + 1))
      expect(kept.text.length + kept.cutBytes).toBe(bytes.length)
    } else expect(kept).toEqual({text: bytes.subarray(0, 64 * 1024).toString(), cutBytes: bytes.length - 64 * 1024})
  })

  it('tail: a small output costs memory of its size, not the limit', () => {
    const output = new BoundedOutput(4 * 1024 * 1024, 'tail')
    output.push(Buffer.from('ok\n'))
    expect(output.storage.bytes).toBeLessThan(4096)
    expect(output.text()).toEqual({text: 'ok\n', cutBytes: 0})
  })

  it('tail: the ring keeps the same bytes as a plain tail whatever the chunk sizes', () => {
    const bytes = Buffer.from(Array.from({length: 3000}, (_, i) => `line ${i} ${'z'.repeat(i % 37)}\n`).join(''))
    for (const size of [1, 7, 100, 999, 1000, 1001, 5000, bytes.length]) {
      const output = new BoundedOutput(1000, 'tail')
      for (let at = 0; at < bytes.length; at += size) output.push(bytes.subarray(at, at + size))
      const tail = bytes.subarray(bytes.length - 1000)
      expect(output.text()).toEqual({text: tail.subarray(tail.indexOf(10) + 1).toString(), cutBytes: bytes.length - 1000 + tail.indexOf(10) + 1})
    }
  })
})
