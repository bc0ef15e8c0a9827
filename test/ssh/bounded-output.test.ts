import {describe, expect, it} from 'vitest'

import {BoundedOutput} from '../../src/lib/ssh/bounded-output.js'

describe('BoundedOutput: a stream kept within a number of bytes', () => {
  it('tail: a character whose first bytes were dropped is not shown mangled (no U+FFFD)', () => {
    const output = new BoundedOutput(1001, 'tail')
    const text = 'é'.repeat(5000)
    // In chunks that split characters, as pipes do.
    const bytes = Buffer.from(text)
    for (let at = 0; at < bytes.length; at += 333) output.push(bytes.subarray(at, at + 333))
    const kept = output.text()
    expect(kept.text).not.toContain('\ufffd')
    expect(kept.text).toBe('é'.repeat(500))
    expect(kept.cutBytes).toBe(bytes.length - 1000)
  })

  it('tail: memory stays within the limit however much comes', () => {
    const output = new BoundedOutput(4096, 'tail')
    const chunk = Buffer.alloc(65536, 'x')
    for (let i = 0; i < 1000; i++) output.push(chunk)
    const kept = output.text()
    expect(kept.text).toHaveLength(4096)
    expect(kept.cutBytes).toBe(65536 * 1000 - 4096)
  })

  it('head: keeps the first bytes and says when more came', () => {
    const output = new BoundedOutput(10, 'head')
    expect(output.push(Buffer.from('12345'))).toBe(true)
    expect(output.push(Buffer.from('67890'))).toBe(true)
    expect(output.push(Buffer.from('x'))).toBe(false)
    expect(output.text()).toEqual({text: '1234567890', cutBytes: 1})
  })
})
