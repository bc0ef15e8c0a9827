import {sshFailureFixes} from '../ssh/errors.js'
import type {SshFailure} from '../ssh/failure.js'
import type {MemberStatus} from './pool-status.js'

/** States of a member that answered over ssh: its boot log and a shell are a step away. */
const REACHED: ReadonlySet<string> = new Set(['booting', 'boot-failed', 'agent-down', 'gpu-missing', 'gpu-errors', 'unknown'])

/**
 * The next steps when members of `pool` are not healthy (pool status, --wait-for agent), from their states: a
 * member ssh could not log in to or reach gets the fix of its login (pool logs and pool ssh would fail the same
 * way), a member that answered gets its boot log and a shell, named.
 */
export function unhealthyFixes(pool: string, members: readonly MemberStatus[]): string[] {
  const unhealthy = members.filter((m) => m.state !== 'healthy')
  const fixes = new Set<string>()
  for (const member of unhealthy) {
    for (const fix of sshFailureFixes(member.state as SshFailure, pool) ?? []) fixes.add(fix)
  }
  const reached = unhealthy.find((m) => REACHED.has(m.state))
  if (reached) {
    fixes.add(`velda-do pool logs ${pool} ${reached.name} shows its boot log`)
    fixes.add(`velda-do pool ssh ${pool} ${reached.name} to look around`)
  }
  return [...fixes]
}
