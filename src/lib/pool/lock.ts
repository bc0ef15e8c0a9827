import {createHash, randomBytes} from 'node:crypto'
import {type BigIntStats, closeSync, constants, fstatSync, linkSync, lstatSync, openSync, readFileSync, readSync, renameSync, unlinkSync, writeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {GuardError, InterruptedError} from '../base/errors.js'
import {printableCell} from '../text/printable.js'
import {isPrivateDirectory} from '../system/private-dir.js'
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
  /**
   * Opens a lock file to read it, never following a link nor waiting on a FIFO (O_NOFOLLOW | O_NONBLOCK): a seam
   * for the tests, which make it fail as a full file table (EMFILE) or a failing disk (EIO) would.
   */
  openToRead?: (path: string) => number
}

export interface PoolLock {
  release(): void
}

/**
 * The default folder: the user's runtime folder (private, cleared at logout), else one of the temp folder's. The
 * runtime folder is used only if it is this user's own private directory: `su` without `-` and `sudo -E` hand
 * root the XDG_RUNTIME_DIR of the user they came from (/run/user/1000), who could swap root's lock folder in it
 * for a link while root waits. Another user's is passed over, silently, for the temp folder's.
 */
export function defaultLockDir(env: Readonly<Record<string, string | undefined>>): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user'
  const runtime = env.XDG_RUNTIME_DIR
  return runtime && isPrivateDirectory(runtime) ? join(runtime, 'velda-do') : join(tmpdir(), `velda-do-${uid}`)
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

/** The longest a pool's part of a lock file's name may be as written; a longer one is cut and hashed. */
const MAX_POOL_PART = 100

/**
 * `<account>-<pool, URL-encoded>.lock`; a pool name longer than the folder's names allow (255 bytes, with the drafts
 * and claims that add to it: a config may name a pool with 244 characters, and each `:` takes 3) keeps its start and
 * gets a hash of the whole name, so that it still names one pool.
 */
export function lockFileName(account: string, pool: string): string {
  const encoded = encodeURIComponent(pool)
  const part = encoded.length <= MAX_POOL_PART ? encoded : `${encoded.slice(0, 64).replace(/%[0-9A-F]?$/, '')}~${shortHash(pool)}`
  return `${account}-${part}.lock`
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16)
}

/** Takes the lock of `pool` on `account`, waiting (and saying so) while another live velda-do holds it. */
export async function lockPool(account: string, pool: string, deps: LockDeps): Promise<PoolLock> {
  const path = join(deps.dir, lockFileName(account, pool))
  const me: LockHolder = {pid: deps.pid, process: deps.process, command: deps.command, since: new Date(deps.now()).toISOString(), nonce: randomBytes(8).toString('hex')}
  const open = deps.openToRead ?? openToRead
  const deadline = deps.now() + LOCK_WAIT_MS
  let announced: string | null = null
  let unreadableSince: number | null = null
  // Which file was found unreadable since then: another one (a new run's, being written) starts the grace again.
  let unreadableId: string | null = null
  for (;;) {
    // Before each attempt, not once: the folder may have been swapped (for a link) while this run waited.
    checkLockDirectory(deps.dir)
    // Created whole (written aside, then linked into place): another run never sees this lock half-written.
    if (createWhole(path, me)) return {release: () => releaseIfMine(path, me, open)}
    const {found, id} = inspectLockFileWithId(path, open)
    // A lock that cannot be read may be a live run's: it is never taken over, and waiting would not read it either.
    if (typeof found === 'object' && 'cannotRead' in found) {
      throw new GuardError(`cannot read the lock file ${path} (${found.cannotRead}): it may be another velda-do's, working on pool ${pool}, and is not taken over; nothing was done`, {
        suggestions: ['run this again once the cause is gone (EMFILE, ENFILE: too many open files; EIO: a disk error)', `if no velda-do is working on pool ${pool}, remove it: rm ${path}`],
      })
    }
    const holder = typeof found === 'object' ? found : null
    if (found === 'partial' && id !== unreadableId) unreadableSince = null
    unreadableSince = found === 'vanished' || found === 'partial' ? (unreadableSince ?? deps.now()) : null
    unreadableId = found === 'partial' ? id : unreadableId
    // A file that stays unreadable was left half-written by a holder that died between creating and writing it.
    const abandoned = found === 'partial' && unreadableSince !== null && deps.now() - unreadableSince >= UNREADABLE_GRACE_MS
    const stale = (holder && !deps.isAlive(holder)) || abandoned || found === 'not-a-lock'
    if (stale && id !== null) {
      const taker: TakeOver = {me, isAlive: deps.isAlive, open}
      // Another run taking it over (alive): it is left to that run, and this one waits its turn as for a holder.
      if (takeOverStale(path, found, id, taker)) {
        unreadableSince = null
        continue
      }
    }
    if (holder && !stale && announced !== holder.nonce) {
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

function openToRead(path: string): number {
  return openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
}

/**
 * What is at a lock file's path, read as untrusted: its holder; `vanished` (nothing there); `partial`, a regular
 * file of this user's that is not (yet) a holder's JSON, being written; `not-a-lock` for anything velda-do never
 * writes there, which is moved aside at once: a FIFO (a plain read would block for good, deaf to Ctrl-C and
 * SIGTERM), a device, a socket (ENXIO), a link (ELOOP: never followed), a file not this user's (or EACCES, EPERM),
 * or more than a lock file holds (never read into memory); `cannotRead` when opening or reading it failed for
 * another reason (EMFILE, ENFILE, EIO...), which says nothing of what the file is: it may be a live holder's.
 */
type Inspection = LockHolder | 'vanished' | 'partial' | 'not-a-lock' | {cannotRead: string}

/** Open errors that say the path holds something velda-do never writes there: a link, a socket, another's file. */
const NOT_A_LOCK_ERRORS = new Set(['ELOOP', 'ENXIO', 'EACCES', 'EPERM'])

function inspectLockFile(path: string, open: (path: string) => number): Inspection {
  return inspectLockFileWithId(path, open).found
}

/**
 * What is at a lock file's path, and which file it is (null when nothing is, or it could not be told): a holder's
 * nonce (unique to one run), else the file itself (device, inode and change time: an inode number alone is reused).
 */
function inspectLockFileWithId(path: string, open: (path: string) => number): {found: Inspection; id: string | null} {
  let fd: number
  try {
    fd = open(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error)
    if (code === 'ENOENT') return {found: 'vanished', id: null}
    if (!NOT_A_LOCK_ERRORS.has(code)) return {found: {cannotRead: code}, id: null}
    try {
      return {found: 'not-a-lock', id: fileId(lstatSync(path, {bigint: true}))}
    } catch {
      return {found: 'not-a-lock', id: null}
    }
  }
  let id: string | null = null
  try {
    const stat = fstatSync(fd, {bigint: true})
    id = fileId(stat)
    const uid = process.getuid?.()
    if (!stat.isFile() || (uid !== undefined && stat.uid !== BigInt(uid)) || stat.size > MAX_LOCK_FILE_BYTES) return {found: 'not-a-lock', id}
    const buffer = Buffer.alloc(MAX_LOCK_FILE_BYTES)
    const length = readSync(fd, buffer, 0, buffer.length, 0)
    const holder = parseHolder(buffer.subarray(0, length).toString('utf8'))
    return holder ? {found: holder, id: `n${shortHash(holder.nonce)}`} : {found: 'partial', id}
  } catch (error) {
    return {found: {cannotRead: (error as NodeJS.ErrnoException).code ?? String(error)}, id: null}
  } finally {
    closeSync(fd)
  }
}

function fileId(stat: BigIntStats): string {
  return `f${stat.dev}-${stat.ino}-${stat.ctimeNs}`
}

function isHolder(found: Inspection): found is LockHolder {
  return typeof found === 'object' && 'nonce' in found
}

/**
 * Whether the file moved aside is the one judged stale: the same holder (its nonce), or, where none could be read,
 * the same kind of thing velda-do never wrote or a file still half-written. A file that could not be read, or
 * nothing, matches nothing: two unknowns are not the same file.
 */
function sameAsJudged(judged: Inspection, moved: Inspection): boolean {
  if (isHolder(judged) || isHolder(moved)) return isHolder(judged) && isHolder(moved) && judged.nonce === moved.nonce
  return (judged === 'not-a-lock' || judged === 'partial') && judged === moved
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

interface TakeOver {
  me: LockHolder
  isAlive(holder: LockHolder): boolean
  open(path: string): number
}

/**
 * Removes a stale file (a dead holder's, one left half-written, or something velda-do never writes) from `path`
 * without ever removing a live holder's, whatever other runs do meanwhile; true when this run did what there was to
 * do (removed it, or found it already gone), false when another live run is at it (wait a round).
 *
 * Why a claim. Moving the file aside and putting it back when it is not the one judged is not enough: two runs B
 * and C judge the same stale S; C removes it and takes the lock; B moves C's live lock aside; D creates the lock
 * meanwhile (O_EXCL, the path being free); B cannot put C's back, and C and D both run. So a stale file is only
 * ever removed by the one run that holds its claim, `<path>.takeover-<id>` (id: which file it is, see
 * inspectLockFileWithId), created exclusively and whole (written to a file of its own first, then linked: never
 * seen half-written) in the same private folder. Holding the claim, the run reads the path again and removes what is
 * there only if it is still that very file. Nothing else can change the path between that read and the removal:
 * a new lock is created only where there is none (and there is one: the stale file); a holder removes only its own
 * (the stale file's holder is dead; a file left half-written or not velda-do's is nobody's); and any other run
 * removing that file must hold the same claim, which is this run's. So a live lock is never moved, and there is
 * never more than one live holder. The claim is removed by its holder once done (a run that judged the same file
 * stale and claims it afterwards finds the path holds another file, and does nothing). A claim whose holder died
 * (kill -9 within these few system calls) is itself a stale file of the folder: taken over the same way, under a
 * claim of its own, and the next round claims the lock file again.
 */
function takeOverStale(path: string, judged: Inspection, id: string, taker: TakeOver): boolean {
  // The id hashed: a file's id is long, and the claim's own drafts and claims add to a name limited to 255 bytes.
  const claim = `${path}.takeover-${shortHash(id)}`
  if (!createWhole(claim, {...taker.me, nonce: randomBytes(8).toString('hex')})) {
    const {found, id: claimId} = inspectLockFileWithId(claim, taker.open)
    if (found === 'vanished') return true
    // Not a live run's claim (its holder died, or it is nothing velda-do writes): cleared for the next round.
    if (claimId !== null && ((isHolder(found) && !taker.isAlive(found)) || found === 'not-a-lock')) return takeOverStale(claim, found, claimId, taker)
    return false
  }
  try {
    const now = inspectLockFileWithId(path, taker.open)
    if (now.id !== id || !sameAsJudged(judged, now.found)) return true
    const aside = besideOf(path)
    try {
      // Moved aside first: a directory planted there cannot be removed, and stays aside, out of the way.
      renameSync(path, aside)
    } catch {
      return true
    }
    try {
      unlinkSync(aside)
    } catch {
      // A directory: it stays aside.
    }
    return true
  } finally {
    try {
      unlinkSync(claim)
    } catch {
      // Nothing can remove a live run's claim; it is gone all the same.
    }
  }
}

/** Creates `path` exclusively with the holder's JSON in it, whole: written to a file of its own, then linked there. */
function createWhole(path: string, holder: LockHolder): boolean {
  const draft = besideOf(path)
  const fd = openSync(draft, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600)
  try {
    try {
      writeSync(fd, JSON.stringify(holder))
    } finally {
      closeSync(fd)
    }
    linkSync(draft, path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  } finally {
    unlinkSync(draft)
  }
}

/** A new name beside `path`, this run's alone: for a file written before it is linked there, or moved out of it. */
function besideOf(path: string): string {
  return `${path}.${process.pid}.${randomBytes(4).toString('hex')}`
}

function releaseIfMine(path: string, me: LockHolder, open: (path: string) => number): void {
  const found = inspectLockFile(path, open)
  if (!isHolder(found) || found.nonce !== me.nonce) return
  try {
    unlinkSync(path)
  } catch {
    // Already gone.
  }
}
