import {randomBytes} from 'node:crypto'
import {closeSync, constants, fstatSync, linkSync, openSync, readFileSync, readSync, renameSync, unlinkSync, writeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {GuardError, InterruptedError} from '../errors.js'
import {printableCell} from '../output/printable.js'
import {checkLockDirectory} from './lock-directory.js'

/**
 * One velda-do at a time per account and pool on this machine: two `pool up -n 8` on a pool with max_agents 10
 * would both pass the guard and end at 16. The lock is a file created exclusively (O_EXCL) that names its holder;
 * a holder that died (kill -9, a crash) leaves a file whose process no longer exists, which is taken over.
 */

/** How long a command waits for another velda-do before giving up: longer than any create, shorter than a CI job. */
export const LOCK_WAIT_MS = 10 * 60_000
/** How often the holder is checked while waiting. */
export const LOCK_POLL_MS = 500
/** A lock file may be empty for the instant between its creation and its first write; not for seconds. */
const UNREADABLE_GRACE_MS = 5_000
/** A holder's JSON is about 200 bytes: anything longer is not velda-do's, and is not read into memory. */
const MAX_LOCK_FILE_BYTES = 4096

export interface LockHolder {
  pid: number
  command: string
  since: string
  nonce: string
  /** Which process `pid` was (boot and start time), where the system tells: a pid is reused after a crash. */
  process?: string | null
}

export interface LockDeps {
  /** The folder of lock files (created private to the user; refused unless it is: see lock-directory.ts). */
  dir: string
  pid: number
  /** This process's identity beyond its pid (processIdentity), or null where the system does not tell. */
  process: string | null
  command: string
  now(): number
  sleep(ms: number): Promise<void>
  isStopped(): boolean
  isAlive(holder: LockHolder): boolean
  onWait(message: string): void
}

export interface PoolLock {
  release(): void
}

/** The default folder: the user's runtime folder (private, cleared at logout), else one of the temp folder's. */
export function defaultLockDir(env: Readonly<Record<string, string | undefined>>): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user'
  return env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'velda-do') : join(tmpdir(), `velda-do-${uid}`)
}

/** Whether the holder still runs: its pid exists and, where the system tells, is still the same process. */
export function isHolderAlive(holder: LockHolder): boolean {
  try {
    process.kill(holder.pid, 0)
  } catch (error) {
    // EPERM: it exists, it is someone else's.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  if (!holder.process) return true
  const now = processIdentity(holder.pid)
  return now === null || now === holder.process
}

/** Linux: the boot and the start time (in clock ticks) of a process; null elsewhere or when it is gone. */
export function processIdentity(pid: number): string | null {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The name in parentheses may hold spaces and parentheses: count fields after the last ')'. starttime is field 22.
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
    return start ? `${boot}:${start}` : null
  } catch {
    return null
  }
}

/** Takes the lock of `pool` on `account`, waiting (and saying so) while another live velda-do holds it. */
export async function lockPool(account: string, pool: string, deps: LockDeps): Promise<PoolLock> {
  checkLockDirectory(deps.dir)
  const path = join(deps.dir, `${account}-${encodeURIComponent(pool)}.lock`)
  const me: LockHolder = {pid: deps.pid, process: deps.process, command: deps.command, since: new Date(deps.now()).toISOString(), nonce: randomBytes(8).toString('hex')}
  const deadline = deps.now() + LOCK_WAIT_MS
  let announced: string | null = null
  let unreadableSince: number | null = null
  for (;;) {
    if (tryCreate(path, me)) return {release: () => releaseIfMine(path, me)}
    const found = inspectLockFile(path)
    const holder = typeof found === 'object' ? found : null
    unreadableSince = found === 'unreadable' ? (unreadableSince ?? deps.now()) : null
    // A file that stays unreadable was left half-written by a holder that died between creating and writing it.
    const abandoned = unreadableSince !== null && deps.now() - unreadableSince >= UNREADABLE_GRACE_MS
    if ((holder && !deps.isAlive(holder)) || abandoned || found === 'not-a-lock') {
      takeOverStale(path, holder)
      unreadableSince = null
      continue
    }
    if (holder && announced !== holder.nonce) {
      // The file is read as untrusted text: its fields reach the terminal as cells (no escape sequence, no new line).
      deps.onWait(`waiting for another velda-do (pid ${holder.pid}, "${printableCell(holder.command)}", since ${printableCell(holder.since)}) to finish with pool ${pool}`)
      announced = holder.nonce
    }
    if (deps.isStopped()) throw new InterruptedError(`stopped while waiting for another velda-do to finish with pool ${pool}: nothing was done`)
    if (deps.now() >= deadline) {
      throw new GuardError(`another velda-do (pid ${holder?.pid ?? '?'}) has been working on pool ${pool} for ${LOCK_WAIT_MS / 60_000} minutes; nothing was done`, {
        suggestions: [`if it is stuck, stop it (kill ${holder?.pid ?? 'PID'}), then run this again`, `its lock file: ${path}`],
      })
    }
    await deps.sleep(LOCK_POLL_MS)
  }
}

function tryCreate(path: string, holder: LockHolder): boolean {
  let fd: number
  try {
    fd = openSync(path, 'wx', 0o600)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  try {
    writeSync(fd, JSON.stringify(holder))
  } catch (error) {
    // A full disk must not leave an empty lock file that makes the next runs wait.
    closeSync(fd)
    unlinkSync(path)
    throw error
  }
  closeSync(fd)
  return true
}

/** The holder named in a lock file; null when there is none to be read (see inspectLockFile). */
export function readHolder(path: string): LockHolder | null {
  const found = inspectLockFile(path)
  return typeof found === 'object' ? found : null
}

/**
 * What is at a lock file's path, read as untrusted: its holder; `unreadable` when it vanished or is being written
 * (a regular file of this user's, not yet JSON); `not-a-lock` for anything velda-do never writes there, which is
 * moved aside at once: a FIFO (a plain read would block for good, deaf to Ctrl-C and SIGTERM), a device, a link
 * (never followed), another user's file, or more than a lock file holds (never read into memory).
 */
function inspectLockFile(path: string): LockHolder | 'unreadable' | 'not-a-lock' {
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'unreadable' : 'not-a-lock'
  }
  try {
    const stat = fstatSync(fd)
    const uid = process.getuid?.()
    if (!stat.isFile() || (uid !== undefined && stat.uid !== uid) || stat.size > MAX_LOCK_FILE_BYTES) return 'not-a-lock'
    const buffer = Buffer.alloc(MAX_LOCK_FILE_BYTES)
    const length = readSync(fd, buffer, 0, buffer.length, 0)
    return parseHolder(buffer.subarray(0, length).toString('utf8')) ?? 'unreadable'
  } catch {
    return 'unreadable'
  } finally {
    closeSync(fd)
  }
}

/** Only a holder with the fields velda-do writes, of the types it writes them: a pid of 0 or -1 would name a group. */
function parseHolder(text: string): LockHolder | null {
  let holder: Partial<Record<keyof LockHolder, unknown>> | null
  try {
    holder = JSON.parse(text) as Partial<Record<keyof LockHolder, unknown>> | null
  } catch {
    return null
  }
  if (typeof holder !== 'object' || holder === null) return null
  const {pid, nonce, command, since, process: identity} = holder
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid < 1 || typeof nonce !== 'string') return null
  return {
    pid,
    nonce,
    command: typeof command === 'string' ? command : '?',
    since: typeof since === 'string' ? since : '?',
    process: typeof identity === 'string' ? identity : null,
  }
}

/**
 * Removes a dead holder's file without ever removing a live one's: the file is first moved aside (atomic), and
 * put back if what was moved is not the stale file that was read (another process took it over meanwhile).
 */
function takeOverStale(path: string, stale: LockHolder | null): void {
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`
  try {
    renameSync(path, aside)
  } catch {
    return
  }
  const moved = readHolder(aside)
  if (moved?.nonce !== stale?.nonce) {
    try {
      linkSync(aside, path)
    } catch {
      // Someone holds the lock again already; theirs stands.
    }
  }
  try {
    unlinkSync(aside)
  } catch {
    // A directory where the lock file belongs: it stays aside, out of the way.
  }
}

function releaseIfMine(path: string, me: LockHolder): void {
  if (readHolder(path)?.nonce !== me.nonce) return
  try {
    unlinkSync(path)
  } catch {
    // Already gone.
  }
}
