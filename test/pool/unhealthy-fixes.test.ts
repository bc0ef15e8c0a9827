import {describe, expect, it} from 'vitest'

import type {MemberState, MemberStatus} from '../../src/lib/pool/pool-status.js'
import {unhealthyFixes} from '../../src/lib/pool/unhealthy-fixes.js'

const member = (name: string, state: MemberState): MemberStatus => ({id: 1, name, status: 'active', address: '203.0.113.10', state, detail: '', boot: null, gpu: null, agent: null, last_line: null})

const LOGIN = [
  'log in as the right user with the right key: --ssh-user USER (root on DigitalOcean images) and -i PATH (the private key of one of the ssh_key_ids), or your ssh agent',
  'or once for the shell: export VELDA_DO_SSH_USER=USER VELDA_DO_IDENTITY_FILE=PATH',
]
const REACH = ['is the droplet up and is sshd listening? velda-do pool list gpu shows its status', 'sshd on another port: --ssh-port PORT (or VELDA_DO_SSH_PORT); over a VPC: --private']
const LOOK = (name: string) => [`velda-do pool logs gpu ${name} shows its boot log`, `velda-do pool ssh gpu ${name} to look around`]

describe('unhealthyFixes: the next steps, from the members\' states', () => {
  it.each<[string, MemberStatus[], string[]]>([
    ['a login refused: the user and the key, never pool logs (it logs in the same way)', [member('a', 'auth-failed'), member('b', 'auth-failed')], LOGIN],
    ['unreachable: is it up, another port, the VPC', [member('a', 'timeout'), member('b', 'refused')], REACH],
    ['answered but not healthy: its boot log and a shell, by name', [member('a', 'healthy'), member('b', 'boot-failed'), member('c', 'agent-down')], LOOK('b')],
    ['a GPU missing or counting errors: its boot log and a shell, by name', [member('a', 'gpu-errors'), member('b', 'gpu-missing')], LOOK('a')],
    ['a mix: each fix once, in the order of the members', [member('a', 'auth-failed'), member('b', 'booting'), member('c', 'unreachable')], [...LOGIN, ...REACH, ...LOOK('b')]],
    ['states no fix is known for (host key changed, no address): none', [member('a', 'host-key-changed'), member('b', 'no-address')], []],
  ])('%s', (_why, members, expected) => {
    expect(unhealthyFixes('gpu', members)).toEqual(expected)
  })
})
