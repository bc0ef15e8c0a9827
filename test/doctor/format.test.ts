import {stripVTControlCharacters} from 'node:util'

import {describe, expect, it} from 'vitest'

import {formatDoctor} from '../../src/lib/doctor/format.js'

describe('the doctor checklist for people', () => {
  it('names the endpoint kind, marks each check, puts the fix under a miss and counts the misses', () => {
    // Colour only where chalk sees a terminal (or FORCE_COLOR): the words are what is checked here.
    const text = stripVTControlCharacters(formatDoctor({
      ok: false,
      accounts: [],
      pools: [{
        name: 'amd-mi300x',
        endpoint: 'https://api-amd.digitalocean.com',
        checks: [
          {id: 'droplet_limit', ok: true, message: 'droplet limit: 3 of 25 used, room for 22', fix: null},
          {id: 'ssh_keys', ok: false, message: 'ssh key 123456 of pool amd-mi300x is not on the account', fix: 'add it or remove it from ssh_key_ids'},
        ],
      }],
    }))
    expect(text).toBe(`amd-mi300x (https://api-amd.digitalocean.com, the old AMD endpoint)
  ✓ droplet limit: 3 of 25 used, room for 22
  ✗ ssh key 123456 of pool amd-mi300x is not on the account
      fix: add it or remove it from ssh_key_ids

1 check failed
`)
  })

  it('text quoted from an API answer reaches the terminal inert', () => {
    const text = formatDoctor({
      ok: false,
      accounts: [{endpoint: 'http://127.0.0.1:4000', pools: ['cpu'], token: '$T', answer: 'failed', status: 500, location: null, message: '500: no\x1b[2J'}],
      pools: [{name: 'cpu', endpoint: 'http://127.0.0.1:4000', checks: [{id: 'size', ok: false, message: 'the size could not be checked: bad\x1b[2J\rfake', fix: 'x\x07'}]}],
    })
    for (const control of ['\x1b', '\r', '\x07']) expect(text).not.toContain(control)
    expect(text).toContain('cpu (http://127.0.0.1:4000)\n')
  })

  it('an account block per endpoint and token first: what GET /v2/account answered, and the pools that share it', () => {
    const text = stripVTControlCharacters(formatDoctor({
      ok: false,
      accounts: [
        {endpoint: 'https://api-amd.digitalocean.com', pools: ['amd-mi300x', 'amd-mi300x-8'], token: '$DIGITALOCEAN_API_TOKEN', answer: 'redirect', status: null, location: 'https://api.devcloud.amd.com/v2/account', message: 'a redirect to https://api.devcloud.amd.com/v2/account, not followed: the token was sent to api-amd.digitalocean.com only'},
        {endpoint: 'http://127.0.0.1:4000', pools: ['cpu'], token: null, answer: 'not_sent', status: null, location: null, message: 'not sent: no token'},
      ],
      pools: [],
    }))
    expect(text).toBe(`account on https://api-amd.digitalocean.com (the old AMD endpoint), token from $DIGITALOCEAN_API_TOKEN, for amd-mi300x, amd-mi300x-8
  GET /v2/account: a redirect to https://api.devcloud.amd.com/v2/account, not followed: the token was sent to api-amd.digitalocean.com only

account on http://127.0.0.1:4000, no token, for cpu
  GET /v2/account: not sent: no token

all checks passed
`)
  })
})
