import {lstatSync, mkdirSync, type Stats, statSync} from 'node:fs'

/**
 * A directory of the user's own in a place other users can write to too (the temp directory): the lock files and
 * V8's code cache live in one. Whoever creates such a path first owns it, so one found there is used only if it is
 * a real directory (not a link), owned by this user, and no other user may write to it. Only node:fs here: the
 * code cache (src/entry/code-cache.ts) runs before anything else is loaded, and a cold start pays for each module.
 */

/** Why a directory is not private, for a message: `kind` names what was found, `owner` its uid when it matters. */
export interface PrivateDirectoryProblem {
  kind: 'not-a-directory' | 'symbolic-link' | 'other-owner' | 'writable-by-others'
  /** The uid that owns what is there. */
  owner: number
  /** Its permission bits, e.g. 0o777. */
  mode: number
}

/**
 * Makes `path` (mode 0700) if missing, then checks what is there without following a link. Null when it is private;
 * else the problem. Where the system has no uids (Windows) there is no one to check against: null.
 */
export function preparePrivateDirectory(path: string): PrivateDirectoryProblem | null {
  let stat: Stats
  try {
    mkdirSync(path, {recursive: true, mode: 0o700})
    stat = lstatSync(path)
  } catch (error) {
    // Something in the way: a file (EEXIST, ENOTDIR), a link to nowhere (ENOENT: mkdir follows it to a parent
    // that is missing) or a loop of links (ELOOP). Whatever the error, what is there is described as what it is;
    // the error stands only when there is nothing there (a parent missing or not ours to enter).
    stat = lstatOrNull(path) ?? rethrow(error)
  }
  return problemOf(stat)
}

/** Whether `path` is already a private directory of this user's (a real directory, not a link): nothing is made. */
export function isPrivateDirectory(path: string): boolean {
  const stat = lstatOrNull(path)
  return stat !== null && problemOf(stat) === null
}

function problemOf(stat: Stats): PrivateDirectoryProblem | null {
  const uid = process.getuid?.()
  const found = {owner: stat.uid, mode: stat.mode & 0o7777}
  if (stat.isSymbolicLink()) return {kind: 'symbolic-link', ...found}
  if (!stat.isDirectory()) return {kind: 'not-a-directory', ...found}
  if (uid === undefined) return null
  if (stat.uid !== uid) return {kind: 'other-owner', ...found}
  // Group or others writing to it could delete, replace or plant files (a lock, compiled code) under our names.
  if ((stat.mode & 0o022) !== 0) return {kind: 'writable-by-others', ...found}
  return null
}

/** What is at `path`, links not followed; null when nothing is (or it cannot be looked at). */
export function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path)
  } catch {
    return null
  }
}

function rethrow(error: unknown): never {
  throw error
}

/** Why a folder that holds a private directory (the temp folder) would let another user replace it. */
export interface ParentProblem {
  /** `other-owner`: neither this user's nor root's (its owner may rename anything in it); `writable-not-sticky`: others may write to it and rename what they do not own. */
  kind: 'other-owner' | 'writable-not-sticky'
  owner: number
  mode: number
}

/**
 * Whether the folder `path` (followed if a link: /tmp may be one) keeps what this user makes in it: owned by this
 * user or root, and sticky if others may write to it, as /tmp is (anyone creates, only owners rename or remove).
 * Null when it does; also when it is missing (it is then made, this user's) or there is no uid to check against.
 */
export function parentProblem(path: string): ParentProblem | null {
  const uid = process.getuid?.()
  if (uid === undefined) return null
  let stat: Stats
  try {
    stat = statSync(path)
  } catch {
    return null
  }
  const found = {owner: stat.uid, mode: stat.mode & 0o7777}
  if (stat.uid !== uid && stat.uid !== 0) return {kind: 'other-owner', ...found}
  if ((stat.mode & 0o022) !== 0 && (stat.mode & 0o1000) === 0) return {kind: 'writable-not-sticky', ...found}
  return null
}
