import {stripVTControlCharacters} from 'node:util'

import {describe, expect, it} from 'vitest'

import {formatDoctor} from '../../src/lib/doctor/format.js'

describe('the doctor checklist for people', () => {
  it('names the endpoint kind, marks each check, puts the fix under a miss and counts the misses', () => {
    // Colour only where chalk sees a terminal (or FORCE_COLOR): the words are what is checked here.
    const text = stripVTControlCharacters(formatDoctor({
      ok: false,
      pools: [{
        name: 'amd-mi300x',
        endpoint: 'https://api-amd.digitalocean.com',
        checks: [
          {id: 'droplet_limit', ok: true, message: 'droplet limit: 3 of 25 used, room for 22', fix: null},
          {id: 'ssh_keys', ok: false, message: 'ssh key 123456 of pool amd-mi300x is not on the account', fix: 'add it or remove it from ssh_key_ids'},
        ],
      }],
    }))
    expect(text).toBe(`amd-mi300x (https://api-amd.digitalocean.com, the AMD endpoint)
  ✓ droplet limit: 3 of 25 used, room for 22
  ✗ ssh key 123456 of pool amd-mi300x is not on the account
      fix: add it or remove it from ssh_key_ids

1 check failed
`)
  })

  it('text quoted from an API answer reaches the terminal inert', () => {
    const text = formatDoctor({
      ok: false,
      pools: [{name: 'cpu', endpoint: 'http://127.0.0.1:4000', checks: [{id: 'size', ok: false, message: 'the size could not be checked: bad\x1b[2J\rfake', fix: 'x\x07'}]}],
    })
    for (const control of ['\x1b', '\r', '\x07']) expect(text).not.toContain(control)
    expect(text).toContain('cpu (http://127.0.0.1:4000)\n')
  })
})
