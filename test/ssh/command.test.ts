import {describe, expect, it} from 'vitest'

import {sshArgs} from '../../src/lib/ssh/command.js'
import {knownHostsFile} from '../../src/lib/ssh/known-hosts.js'
import {classifySshFailure, sshFailureLine} from '../../src/lib/ssh/failure.js'
import {memberAddress} from '../../src/lib/ssh/member-target.js'

describe('the ssh command line for a member', () => {
  const settings = {knownHosts: '/home/op/.local/state/velda-do/known_hosts', connectTimeoutSeconds: 10, batch: true}

  it('remembers the host key by droplet, accepts a new one into its own file, refuses a changed one, never prompts', () => {
    expect(sshArgs({dropletId: 42, host: '203.0.113.7', user: 'root', port: null, identityFile: null}, settings, ['uptime'])).toEqual([
      '-o', 'HostKeyAlias=velda-droplet-42',
      '-o', 'StrictHostKeyChecking=accept-new',
      '-o', 'UserKnownHostsFile=/home/op/.local/state/velda-do/known_hosts',
      '-o', 'ConnectTimeout=10',
      '-o', 'BatchMode=yes',
      '-l', 'root', '--', '203.0.113.7', 'uptime',
    ])
  })

  it('passes the port and identity file when given, and prompts only at a terminal', () => {
    const args = sshArgs({dropletId: 7, host: 'velda-930b7ad6-k3x9q', user: 'ubuntu', port: 2222, identityFile: '/keys/pool'}, {...settings, batch: false})
    expect(args).not.toContain('BatchMode=yes')
    expect(args.slice(-8)).toEqual(['-p', '2222', '-i', '/keys/pool', '-l', 'ubuntu', '--', 'velda-930b7ad6-k3x9q'])
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
