import {readFileSync} from 'node:fs'
import {dirname} from 'node:path'

import {GuardError} from '../base/errors.js'
import {printableCell} from '../text/printable.js'
import {type ParentProblem, parentProblem, preparePrivateDirectory, type PrivateDirectoryProblem} from '../system/private-dir.js'

/**
 * The lock folder is where two runs learn of each other. In the temp folder anyone may create `velda-do-<uid>`
 * first: whoever owns or may write to it can delete a lock (two `pool up` both pass max_agents), plant one that
 * makes every run wait, or, as a link, make velda-do write where it points. Such a folder is refused (exit 2),
 * never repaired: what is in it cannot be trusted, and removing another user's files is not velda-do's call.
 * The folder that holds it must keep it: the sticky /tmp does (only its owner may rename or remove it); a TMPDIR
 * of another user's, or one anyone may write to without the sticky bit, would let them swap it for a link while a
 * run waits; such a folder is refused too. Checked before each attempt at the lock, not once.
 */
export function checkLockDirectory(dir: string): void {
  const parent = dirname(dir)
  const unsafe = parentProblem(parent)
  if (unsafe) throw new GuardError(`${describeParent(parent, unsafe)}; nothing was done`, {suggestions: [`set TMPDIR to a folder of your own (mode 0700), or unset it to use ${DEFAULT_TMP}`, ELSEWHERE]})
  let problem: PrivateDirectoryProblem | null
  try {
    problem = preparePrivateDirectory(dir)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error)
    throw new GuardError(`cannot make the lock folder ${dir} (${code}): nothing was done`, {suggestions: [ELSEWHERE]})
  }
  if (problem) throw new GuardError(`${describe(dir, problem)}: velda-do keeps its pool locks only in a folder of your own that no one else may write to; nothing was done`, {suggestions: fixes(dir, problem)})
}

const ELSEWHERE = 'or point XDG_RUNTIME_DIR at a directory of your own (mode 0700): locks go to $XDG_RUNTIME_DIR/velda-do'

/** The temp folder where TMPDIR is not set (Node's os.tmpdir()). */
const DEFAULT_TMP = process.platform === 'win32' ? '%TEMP%' : '/tmp'

function describeParent(parent: string, problem: ParentProblem): string {
  const where = `the folder ${parent}, which holds the lock folder,`
  if (problem.kind === 'other-owner') return `${where} is ${ownedBy(problem.owner)}, neither you (uid ${process.getuid?.()}) nor root: its owner may replace the lock folder in it`
  return `${where} (${ownedBy(problem.owner)}) has mode ${octal(problem.mode)}, which lets other users write to it without the sticky bit: they may replace the lock folder in it`
}

function ownedBy(uid: number): string {
  const name = userName(uid)
  return `owned by uid ${uid}${name === null ? '' : ` (${name})`}`
}

function describe(dir: string, problem: PrivateDirectoryProblem): string {
  const owner = ownedBy(problem.owner)
  switch (problem.kind) {
    case 'symbolic-link':
      return `the lock folder ${dir} is a symbolic link (${owner}), which velda-do does not follow`
    case 'not-a-directory':
      return `the lock folder ${dir} is not a directory (${owner})`
    case 'other-owner':
      return `the lock folder ${dir} is ${owner}, not by you (uid ${process.getuid?.()}), and has mode ${octal(problem.mode)}`
    case 'writable-by-others':
      return `the lock folder ${dir} (${owner}) has mode ${octal(problem.mode)}: other users may write to it`
  }
}

function fixes(dir: string, problem: PrivateDirectoryProblem): string[] {
  if (problem.kind === 'writable-by-others') return [`chmod 700 ${dir}`, ELSEWHERE]
  // Removing a link removes the link, not what it points to; another user's folder in /tmp only they or root may remove.
  const remove = problem.kind === 'other-owner' ? `check who made it and why, then have it removed (by its owner or root): rm -r ${dir}` : `check who made it and why, then remove it: rm ${dir}`
  return [remove, ELSEWHERE]
}

function octal(mode: number): string {
  return `0${mode.toString(8)}`
}

/** The login name of `uid` in /etc/passwd, where it is listed (not for users from a directory service): null else. */
function userName(uid: number): string | null {
  try {
    // A line is `name:x:uid:gid:...`; the file is root's, but a name is shown as inert text all the same.
    const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((entry) => entry.split(':')[2] === String(uid))
    return line ? printableCell(line.split(':')[0] ?? '') : null
  } catch {
    return null
  }
}
