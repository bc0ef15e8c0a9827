import {readdirSync, readFileSync} from 'node:fs'

/** The sshd processes whose parent is `pid` (the simulator's hosts), from /proc. */
export function sshdChildren(pid: number): number[] {
  const children: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(ppid) === pid && state !== 'Z' && stat.includes('(sshd')) children.push(Number(entry))
    } catch {
      // Gone while listing.
    }
  }
  return children
}

/** Whether the process still runs (a zombie has ended: only its parent has not asked how). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}
