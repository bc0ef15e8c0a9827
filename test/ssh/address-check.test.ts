import {describe, expect, it} from 'vitest'

import {addressRefusal, BadAddressError} from '../../src/lib/ssh/address-check.js'
import {checkedAddress, memberAddress, memberTarget} from '../../src/lib/ssh/member-target.js'
import type {ProbeSettings} from '../../src/lib/ssh/settings.js'

describe('addressRefusal: what velda-do hands ssh as a host', () => {
  it.each([
    ['IPv4', '203.0.113.7'],
    ['IPv4 loopback', '127.1.0.2'],
    ['IPv6', '2001:db8::7'],
    ['IPv6 mapped IPv4', '::ffff:203.0.113.7'],
  ])('a public or private address may be a literal %s: %s', (_what, host) => {
    expect(addressRefusal(host, 'public')).toBeNull()
    expect(addressRefusal(host, 'private')).toBeNull()
  })

  it.each([
    ['an ssh option (older OpenSSH reads it as one)', '-oProxyCommand=touch /tmp/pwned'],
    ['a DNS name: the attacker picks the machine', 'evil.example.com'],
    ['a bracketed IPv6', '[2001:db8::7]'],
    ['an IPv6 zone (`%` is ssh token syntax)', 'fe80::1%eth0'],
    ['leading zeros (read as octal by some resolvers)', '010.0.0.1'],
    ['a space around it', ' 203.0.113.7'],
    ['a newline after it', '203.0.113.7\n'],
    ['user@host', 'root@203.0.113.7'],
    ['empty', ''],
  ])('a public or private address is refused when it is %s: %j', (_what, host) => {
    expect(addressRefusal(host, 'public')).toMatch(/its public address ".*" from the API is not an IP address, so it is not dialled/)
    expect(addressRefusal(host, 'private')).toMatch(/its private address/)
  })

  it.each([
    ['a pool member name', 'velda-930b7ad6-k3x9q'],
    ['a dotted name', 'node-1.tail1234.ts.net'],
    ['one label of 63', 'a'.repeat(63)],
    ['253 characters in all', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`],
    ['digits only', '12345'],
  ])('a tailnet name may be %s', (_what, host) => {
    expect(addressRefusal(host, 'tailnet')).toBeNull()
  })

  it.each([
    ['a leading hyphen (an ssh option)', '-oProxyCommand=id'],
    ['a label that starts with a hyphen', 'velda.-x'],
    ['a label that ends with a hyphen', 'velda-.x'],
    ['a label of 64', 'a'.repeat(64)],
    ['254 characters in all', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`],
    ['an empty label', 'velda..x'],
    ['a trailing dot', 'velda.'],
    ['an underscore', 'velda_x'],
    ['a space', 'velda x'],
    ['shell syntax', 'velda-$(id)'],
    ['non-ASCII', 'veldá'],
    ['a control character', 'velda\u001b[2J'],
    ['empty', ''],
  ])('a tailnet name is refused with %s', (_what, host) => {
    expect(addressRefusal(host, 'tailnet')).toMatch(/its name ".*" is not a hostname/)
  })

  it('shows a refused address inertly: its control characters escaped', () => {
    expect(addressRefusal('x\u001b]0;t\u0007', 'public')).toContain('"x\\x1b]0;t\\x07"')
  })
})

describe('a member whose address is refused: its own error, never dialled', () => {
  const member = {id: 7, name: 'velda-930b7ad6-k3x9q', status: 'active', public_ipv4: '-oProxyCommand=id', private_ipv4: '10.0.0.7'} as Parameters<typeof memberAddress>[0]
  const settings = {user: 'root', port: null, identityFile: null, address: 'public', simulator: null} as unknown as ProbeSettings

  it('checkedAddress gives the address and why; memberAddress gives nothing to dial', () => {
    expect(checkedAddress(member, 'public')).toEqual({address: '-oProxyCommand=id', refusal: expect.stringMatching(/not an IP address/)})
    expect(memberAddress(member, 'public')).toBeNull()
    expect(memberAddress(member, 'private')).toBe('10.0.0.7')
    expect(memberAddress({...member, name: '-oProxyCommand=id'}, 'tailnet')).toBeNull()
  })

  it('memberTarget refuses it with exit 3 and the state bad-address, naming the member', () => {
    const refuse = (m: typeof member, s: ProbeSettings) => {
      try {
        memberTarget(m, s)
      } catch (error) {
        return error
      }
      throw new Error('memberTarget accepted it')
    }
    const error = refuse(member, settings) as BadAddressError
    expect(error).toBeInstanceOf(BadAddressError)
    expect(error.exitCode).toBe(3)
    expect(error.details()).toEqual({state: 'bad-address'})
    expect(error.message).toMatch(/^velda-930b7ad6-k3x9q: its public address "-oProxyCommand=id"/)
    expect(refuse({...member, name: 'velda_x'}, {...settings, address: 'tailnet'})).toBeInstanceOf(BadAddressError)
    expect(memberTarget(member, {...settings, address: 'private'}).host).toBe('10.0.0.7')
  })
})
