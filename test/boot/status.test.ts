import {describe, expect, it} from 'vitest'

import {parseBootStatus} from '../../src/lib/boot/status.js'

const DONE = {
  version: 1, phase: 'done', step: 'done', started_at: '2026-11-28T21:00:00Z', updated_at: '2026-11-28T21:02:10Z', finished_at: '2026-11-28T21:02:10Z',
  exit_code: null, gpu: {vendor: 'amd', check: 'ok'}, agent_version: '1.0.0', log_tail: [],
}

describe('the boot status file, as pool status and the sandbox tests read it', () => {
  it('reads a finished boot', () => {
    expect(parseBootStatus(JSON.stringify(DONE))).toEqual({...DONE, version: undefined})
  })

  it('reads a failed one, with its step, exit code and log tail', () => {
    const failed = {...DONE, phase: 'failed', step: 'agent', exit_code: 22, log_tail: ['curl: (22) The requested URL returned error: 404']}
    expect(parseBootStatus(JSON.stringify(failed))).toMatchObject({phase: 'failed', step: 'agent', exit_code: 22, log_tail: failed.log_tail})
  })

  it.each([
    ['', /not JSON/],
    ['{"version": 1', /not JSON/],
    ['[]', /the document is not an object/],
    [JSON.stringify({...DONE, version: 2}), /version 2, not 1/],
    [JSON.stringify({...DONE, phase: 'exploded'}), /phase "exploded" is not one of running, done, failed/],
    [JSON.stringify({...DONE, step: 'rm -rf'}), /step "rm -rf" is not one of/],
    [JSON.stringify({...DONE, started_at: 'yesterday'}), /started_at "yesterday" is not a UTC time/],
    [JSON.stringify({...DONE, gpu: null}), /gpu is not an object/],
    [JSON.stringify({...DONE, gpu: {vendor: 'amd', check: 'maybe'}}), /gpu.check "maybe"/],
    [JSON.stringify({...DONE, exit_code: 1.5}), /exit_code is not a whole number/],
    [JSON.stringify({...DONE, log_tail: [1]}), /log_tail is not a list of lines/],
    [JSON.stringify({...DONE, phase: 'failed'}), /phase failed with exit_code null/],
    [JSON.stringify({...DONE, exit_code: 3}), /phase done with exit_code 3/],
  ])('refuses %s', (text, reason) => {
    expect(() => parseBootStatus(text)).toThrow(reason)
  })
})
