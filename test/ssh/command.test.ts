import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {sshArgs} from '../../src/lib/ssh/command.js'
import {hostKeyAlias, knownHostsFile, prepareKnownHosts, sshConfigValue} from '../../src/lib/ssh/known-hosts.js'
import {classifySshFailure, sshFailureLine} from '../../src/lib/ssh/failure.js'
import {memberAddress} from '../../src/lib/ssh/member-target.js'

describe('the ssh command line for a member', () => {
  const settings = {knownHosts: '/home/op/.local/state/velda-do/known_hosts', connectTimeoutSeconds: 10, batch: true}

  it('remembers the host key by droplet, accepts a new one into its own file, refuses a changed one, never prompts', () => {
    expect(sshArgs({hostKeyAlias: 'velda-droplet-42', host: '203.0.113.7', user: 'root', port: null, identityFile: null}, settings, ['uptime'])).toEqual([
      '-o', 'HostKeyAlias=velda-droplet-42',
      '-o', 'StrictHostKeyChecking=accept-new',
      '-o', 'UserKnownHostsFile="/home/op/.local/state/velda-do/known_hosts"',
      '-o', 'ConnectTimeout=10',
      '-o', 'BatchMode=yes',
      '-l', 'root', '--', '203.0.113.7', 'uptime',
    ])
  })

  it('passes the port and identity file when given, and prompts only at a terminal', () => {
    const args = sshArgs({hostKeyAlias: 'velda-droplet-7', host: 'velda-930b7ad6-k3x9q', user: 'ubuntu', port: 2222, identityFile: '/keys/pool'}, {...settings, batch: false})
    expect(args).not.toContain('BatchMode=yes')
    expect(args.slice(-8)).toEqual(['-p', '2222', '-i', '/keys/pool', '-l', 'ubuntu', '--', 'velda-930b7ad6-k3x9q'])
  })

  it('quotes the known_hosts path as ssh\'s option syntax wants: a space or % in it names no other file', () => {
    expect(sshConfigValue('/home/o p/100%/known_hosts')).toBe('"/home/o p/100%%/known_hosts"')
  })

  it.each([
    ['a double quote', 'say "hi"', 'a double quote, which OpenSSH before 8.7 cannot read in an option'],
    ['a backslash', 'back\\slash', 'a backslash, which OpenSSH before 8.7 cannot read in an option'],
  ])('refuses a state folder with %s (escaped only by OpenSSH 8.7+, another file before): exit 2, naming the path and XDG_STATE_HOME as the fix', (_, name, why) => {
    const state = join(mkdtempSync(join(tmpdir(), 'velda-known-')), name)
    const path = join(state, 'velda-do', 'known_hosts')
    expect(() => prepareKnownHosts({XDG_STATE_HOME: state}, 'https://api.digitalocean.com')).toThrow(expect.objectContaining({
      exitCode: 2,
      message: `velda-do's known_hosts path ${JSON.stringify(path)} has ${why}: ssh cannot be given it, and host keys would go unchecked`,
      suggestions: ['set XDG_STATE_HOME (or HOME) to a path without one'],
    }))
    expect(() => sshConfigValue(path)).toThrow(RangeError)
  })

  it('refuses a state folder ssh cannot be given (a line break, ${VAR}): exit 2, naming the path and the fix', () => {
    for (const state of ['/tmp/a\nb', '/tmp/${HOME}']) {
      expect(() => prepareKnownHosts({XDG_STATE_HOME: state}, 'https://api.digitalocean.com')).toThrow(expect.objectContaining({exitCode: 2, suggestions: ['set XDG_STATE_HOME (or HOME) to a path without one']}))
    }
  })

  it('keeps a simulator\'s hosts (an endpoint on this machine) in a file of their own, named by simulator, droplet and creation time', () => {
    const state = mkdtempSync(join(tmpdir(), 'velda-known-'))
    expect(prepareKnownHosts({XDG_STATE_HOME: state}, 'https://api.digitalocean.com')).toEqual({knownHosts: join(state, 'velda-do', 'known_hosts'), simulator: null})
    expect(prepareKnownHosts({XDG_STATE_HOME: state}, 'HTTP://127.0.0.1:8080/')).toEqual({knownHosts: join(state, 'velda-do', 'known_hosts.simulator'), simulator: '127.0.0.1-8080'})
    expect(prepareKnownHosts({XDG_STATE_HOME: state}, 'http://[::1]').simulator).toBe('..1-80')
    const droplet = {id: 400_123_456, created_at: '2026-12-04T15:04:05Z'}
    expect(hostKeyAlias(droplet, null)).toBe('velda-droplet-400123456')
    expect(hostKeyAlias(droplet, '127.0.0.1-8080')).toBe('velda-sim-127.0.0.1-8080-droplet-400123456-20261204150405')
  })

  it.each([
    [{XDG_STATE_HOME: '/state', HOME: '/home/op'}, '/state/velda-do/known_hosts'],
    [{HOME: '/home/op'}, '/home/op/.local/state/velda-do/known_hosts'],
  ])('keeps its known_hosts under %j', (env, path) => {
    expect(knownHostsFile(env)).toBe(path)
  })
})

describe('why ssh failed, as a state of the member', () => {
  const CHANGED = [
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
    '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
    'IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!',
    'Host key for velda-droplet-42 has changed and you have requested strict checking.',
    'Host key verification failed.',
  ].join('\n')

  it.each([
    ['ssh: connect to host 127.0.0.1 port 2201: Connection refused', 'refused'],
    ['ssh: connect to host 203.0.113.7 port 22: Connection timed out', 'timeout'],
    ['Connection timed out during banner exchange', 'timeout'],
    ['ssh: connect to host 10.0.0.9 port 22: No route to host', 'unreachable'],
    ['ssh: Could not resolve hostname velda-x: Name or service not known', 'unreachable'],
    [CHANGED, 'host-key-changed'],
    ['root@127.0.0.1: Permission denied (publickey).', 'auth-failed'],
    ['kex_exchange_identification: read: Connection reset by peer', 'ssh-error'],
  ])('%s: %s', (stderr, failure) => {
    expect(classifySshFailure(stderr)).toBe(failure)
  })

  it('says the line that tells why, not the banner', () => {
    expect(sshFailureLine(CHANGED)).toBe('Host key for velda-droplet-42 has changed and you have requested strict checking.')
  })
})

describe('which address of a member ssh dials', () => {
  const member = {name: 'velda-930b7ad6-k3x9q', status: 'active', public_ipv4: '203.0.113.7', private_ipv4: '10.0.0.7'} as Parameters<typeof memberAddress>[0]
  it.each([
    ['public', member, '203.0.113.7'],
    ['private', member, '10.0.0.7'],
    ['tailnet', member, 'velda-930b7ad6-k3x9q'],
    ['tailnet', {...member, status: 'new'}, null],
    ['public', {...member, public_ipv4: null}, null],
  ] as const)('%s: %s', (kind, droplet, address) => {
    expect(memberAddress(droplet, kind)).toBe(address)
  })
})
