import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir, userInfo} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {hostsExports} from '../../src/lib/simulator/hosts/ssh-exports.js'

describe('the export lines of velda-do simulator --ssh-hosts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'velda-sim-exports-'))
  const key = join(dir, 'id sim')
  writeFileSync(key, 'private\n')
  writeFileSync(`${key}.pub`, 'ssh-ed25519 AAAA sim\n')
  writeFileSync(join(dir, 'lonely.pub'), 'ssh-ed25519 AAAA lonely\n')

  it('the port, the user the hosts let in (who runs the simulator), and the private key beside --authorized-keys', () => {
    expect(hostsExports(39677, `${key}.pub`)).toEqual([
      '# droplets answer ssh on port 39677 of their 127.1.x.y address; with these, the pool commands reach them:',
      'export VELDA_DO_SSH_PORT=39677',
      `export VELDA_DO_SSH_USER=${userInfo().username}`,
      `export VELDA_DO_IDENTITY_FILE='${key}'`,
    ])
  })

  it('no identity file without a private key beside the public one, nor with the default keys (ssh tries them itself)', () => {
    expect(hostsExports(2222, join(dir, 'lonely.pub')).join('\n')).not.toContain('VELDA_DO_IDENTITY_FILE')
    expect(hostsExports(2222, undefined).join('\n')).not.toContain('VELDA_DO_IDENTITY_FILE')
  })
})
