import {spawnSync, type SpawnSyncReturns} from 'node:child_process'
import {chmodSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {precondition} from './preconditions.js'

/** The second local user of the tests that play an attacker sharing the machine (made once, kept: it owns nothing). */
const NAME = 'velda-do-test-other'

export interface OtherUser {
  uid: number
  gid: number
  /**
   * Runs `command` as that user, in `dir`. The test run's temp folder is private to root, so the other user could
   * not reach a path in it; `dir` is entered before the switch of user, and the command uses relative paths.
   */
  run(command: string[], dir: string): SpawnSyncReturns<string>
  /** A folder like /tmp (mode 1777: anyone creates, only owners remove), inside the test run's temp folder. */
  sharedDir(): string
}

/**
 * Another local user, where the tests can make one: as root (CI runs as root). Elsewhere null, and the tests are
 * skipped, or fail in CI (./preconditions.ts).
 */
export function otherLocalUser(purpose: string): OtherUser | null {
  if (!precondition(purpose, process.getuid?.() === 0 ? null : `needs root, to add a second local user (useradd ${NAME})`)) return null
  if (!idOf('-u')) {
    const added = spawnSync('useradd', ['--system', '--no-create-home', '--user-group', '--shell', '/usr/sbin/nologin', NAME], {encoding: 'utf8'})
    // 9: another test file added it meanwhile.
    if (added.status !== 0 && added.status !== 9 && !idOf('-u')) throw new Error(`useradd ${NAME} failed: ${added.stderr}`)
  }
  const uid = Number(idOf('-u'))
  const gid = Number(idOf('-g'))
  return {
    uid,
    gid,
    run: (command, dir) => spawnSync(command[0] as string, command.slice(1), {cwd: dir, uid, gid, encoding: 'utf8', timeout: 10_000}),
    sharedDir: () => {
      const dir = mkdtempSync(join(tmpdir(), 'velda-shared-'))
      chmodSync(dir, 0o1777)
      return dir
    },
  }
}

function idOf(flag: '-u' | '-g'): string | null {
  const id = spawnSync('id', [flag, NAME], {encoding: 'utf8'})
  return id.status === 0 ? id.stdout.trim() : null
}
