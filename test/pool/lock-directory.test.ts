import {chmodSync, mkdirSync, mkdtempSync, readdirSync, renameSync, statSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {ExitCode} from '../../src/lib/base/errors.js'
import {defaultLockDir, type LockDeps, lockPool} from '../../src/lib/pool/lock.js'
import {failure} from '../support/failure.js'
import {otherLocalUser} from '../support/other-user.js'

/** One velda-do of this user taking a lock in `dir`, on a clock of its own. */
function deps(dir: string): LockDeps {
  let now = Date.UTC(2026, 11, 4, 12, 0, 0)
  return {
    dir, pid: process.pid, process: null, command: 'velda-do pool up cpu', now: () => now, isStopped: () => false, isAlive: () => true, onWait: () => {},
    sleep: async (ms) => {
      now += ms
    },
  }
}

const other = otherLocalUser('the lock folder made first by another local user')
const uid = process.getuid?.()

describe.runIf(other)('the lock folder in the temp folder, made first by another local user', () => {
  it('is refused when the other user owns it (mode 0777): exit 2, naming the folder, its owner and the fix; nothing is written in it', async () => {
    const shared = other!.sharedDir()
    expect(other!.run(['mkdir', '-m', '777', `velda-do-${uid}`], shared).status).toBe(0)
    const dir = join(shared, `velda-do-${uid}`)
    const error = await failure(lockPool('acct', 'cpu', deps(dir)))
    expect(error.exitCode).toBe(ExitCode.usage)
    expect(error.message).toBe(`the lock folder ${dir} is owned by uid ${other!.uid} (velda-do-test-other), not by you (uid ${uid}), and has mode 0777: velda-do keeps its pool locks only in a folder of your own that no one else may write to; nothing was done`)
    expect(error.suggestions).toEqual([`check who made it and why, then have it removed (by its owner or root): rm -r ${dir}`, expect.stringMatching(/XDG_RUNTIME_DIR/)])
    expect(readdirSync(dir)).toEqual([])
  })

  it('is refused when it is a symbolic link the other user made, and nothing is written where it points', async () => {
    const shared = other!.sharedDir()
    expect(other!.run(['mkdir', '-m', '777', 'theirs'], shared).status).toBe(0)
    expect(other!.run(['ln', '-s', 'theirs', `velda-do-${uid}`], shared).status).toBe(0)
    const dir = join(shared, `velda-do-${uid}`)
    const error = await failure(lockPool('acct', 'cpu', deps(dir)))
    expect(error.exitCode).toBe(ExitCode.usage)
    expect(error.message).toMatch(new RegExp(`^the lock folder ${dir} is a symbolic link \\(owned by uid ${other!.uid} \\(velda-do-test-other\\)\\), which velda-do does not follow: `))
    expect(error.suggestions[0]).toBe(`check who made it and why, then remove it: rm ${dir}`)
    expect(readdirSync(join(shared, 'theirs'))).toEqual([])
  })

  it('is refused as a symbolic link, naming its owner, when the other user made it a link to nowhere (mkdir fails with ENOENT)', async () => {
    const shared = other!.sharedDir()
    expect(other!.run(['ln', '-s', 'not-yet-made', `velda-do-${uid}`], shared).status).toBe(0)
    const dir = join(shared, `velda-do-${uid}`)
    const error = await failure(lockPool('acct', 'cpu', deps(dir)))
    expect(error.exitCode).toBe(ExitCode.usage)
    expect(error.message).toMatch(new RegExp(`^the lock folder ${dir} is a symbolic link \\(owned by uid ${other!.uid} \\(velda-do-test-other\\)\\), which velda-do does not follow: `))
    expect(error.suggestions[0]).toBe(`check who made it and why, then remove it: rm ${dir}`)
    // Nothing was made where it points: the other user would own what root writes there.
    expect(readdirSync(shared).sort()).toEqual([`velda-do-${uid}`])
  })

  it('an XDG_RUNTIME_DIR of the other user (su without -, sudo -E) is passed over for the temp folder', () => {
    const shared = other!.sharedDir()
    expect(other!.run(['mkdir', '-m', '700', 'runtime'], shared).status).toBe(0)
    expect(defaultLockDir({XDG_RUNTIME_DIR: join(shared, 'runtime')})).toBe(join(tmpdir(), `velda-do-${uid}`))
  })

  it.each([['1777'], ['700']])('refuses a TMPDIR of the other user\'s (mode %s): exit 2, naming the folder and its owner; nothing made in it', async (mode) => {
    const shared = other!.sharedDir()
    expect(other!.run(['mkdir', '-m', mode, 'tmp'], shared).status).toBe(0)
    const parent = join(shared, 'tmp')
    const error = await failure(lockPool('acct', 'cpu', deps(join(parent, `velda-do-${uid}`))))
    expect(error.exitCode).toBe(ExitCode.usage)
    expect(error.message).toBe(`the folder ${parent}, which holds the lock folder, is owned by uid ${other!.uid} (velda-do-test-other), neither you (uid ${uid}) nor root: its owner may replace the lock folder in it; nothing was done`)
    expect(error.suggestions[0]).toMatch(/^set TMPDIR to a folder of your own/)
    expect(readdirSync(parent)).toEqual([])
  })

  it('is checked again before each attempt: swapped for a link to the other user\'s folder while waiting, it is refused and nothing is written there', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'velda-lockdir-'))
    const dir = join(parent, 'velda-do')
    const shared = other!.sharedDir()
    expect(other!.run(['mkdir', '-m', '777', 'theirs'], shared).status).toBe(0)
    const holder = await lockPool('acct', 'cpu', deps(dir))
    let holderAlive = true
    const error = await failure(lockPool('acct', 'cpu', {
      ...deps(dir),
      pid: process.pid + 1,
      isAlive: () => holderAlive,
      sleep: async () => {
        // While this run waits, the folder is swapped for a link and its holder dies: a run that did not look
        // again would take the lock through the link, in the other user's folder.
        renameSync(dir, `${dir}.old`)
        symlinkSync(join(shared, 'theirs'), dir)
        holderAlive = false
      },
    }))
    expect(error.exitCode).toBe(ExitCode.usage)
    expect(error.message).toMatch(new RegExp(`^the lock folder ${dir} is a symbolic link `))
    expect(readdirSync(join(shared, 'theirs'))).toEqual([])
    holder.release()
  })
})

describe('the lock folder of this user', () => {
  it('is refused while others may write to it, with chmod 700 as the fix', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'velda-lockdir-')), 'velda-do')
    mkdirSync(dir)
    chmodSync(dir, 0o777)
    const error = await failure(lockPool('acct', 'cpu', deps(dir)))
    expect(error.exitCode).toBe(ExitCode.usage)
    expect(error.message).toMatch(/has mode 0777: other users may write to it/)
    expect(error.suggestions[0]).toBe(`chmod 700 ${dir}`)
    expect(readdirSync(dir)).toEqual([])
  })

  it.each([
    ['a link to nowhere (mkdir fails with ENOENT)', (dir: string) => symlinkSync(join(dirname(dir), 'missing'), dir)],
    ['a loop of links (mkdir fails with ELOOP)', (dir: string) => {
      symlinkSync(`${dir}-loop`, dir)
      symlinkSync(dir, `${dir}-loop`)
    }],
  ])('is refused as a symbolic link, naming its owner, when it is %s', async (_, makeLink) => {
    const dir = join(mkdtempSync(join(tmpdir(), 'velda-lockdir-')), 'velda-do')
    makeLink(dir)
    const error = await failure(lockPool('acct', 'cpu', deps(dir)))
    expect(error.exitCode).toBe(ExitCode.usage)
    expect(error.message).toMatch(new RegExp(`^the lock folder ${dir} is a symbolic link \\(owned by uid ${uid}\\b.*\\), which velda-do does not follow: `))
    expect(error.suggestions[0]).toBe(`check who made it and why, then remove it: rm ${dir}`)
  })

  it('refuses a TMPDIR anyone may write to without the sticky bit (0777): exit 2, naming it; nothing made in it', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'velda-lockdir-'))
    chmodSync(parent, 0o777)
    const error = await failure(lockPool('acct', 'cpu', deps(join(parent, 'velda-do'))))
    expect(error.exitCode).toBe(ExitCode.usage)
    expect(error.message).toMatch(new RegExp(`^the folder ${parent}, which holds the lock folder, \\(owned by uid ${uid}\\b.*\\) has mode 0777, which lets other users write to it without the sticky bit: they may replace the lock folder in it; nothing was done$`))
    expect(readdirSync(parent)).toEqual([])
  })

  it('accepts a sticky temp folder anyone may write to (1777, as /tmp is)', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'velda-lockdir-'))
    chmodSync(parent, 0o1777)
    const lock = await lockPool('acct', 'cpu', deps(join(parent, 'velda-do')))
    lock.release()
  })

  it.each([
    ['its own private XDG_RUNTIME_DIR is used', 0o700, true],
    ['an XDG_RUNTIME_DIR others may write to is passed over for the temp folder', 0o777, false],
  ])('%s', (_, mode, used) => {
    const runtime = mkdtempSync(join(tmpdir(), 'velda-runtime-'))
    chmodSync(runtime, mode)
    expect(defaultLockDir({XDG_RUNTIME_DIR: runtime})).toBe(used ? join(runtime, 'velda-do') : join(tmpdir(), `velda-do-${uid}`))
  })

  it('is made private (0700) when missing, and used', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'velda-lockdir-')), 'velda-do')
    const lock = await lockPool('acct', 'cpu', deps(dir))
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(readdirSync(dir)).toEqual(['acct-cpu.lock'])
    lock.release()
  })
})
