import type {PoolConfig} from '../config/types.js'
import {formatSpan} from '../text/duration.js'
import type {GpuVerdict} from './gpu-verdict.js'
import {isShared, type PoolDroplet} from './membership.js'

/**
 * What `pool reap` deletes, and why (pure): members whose lease has passed (`expired`), members stuck in `new`
 * longer than `stuckAfterMs` (`stuck`: a create that never came up still holds a slot and may bill), and with
 * `off`, powered-off members (DigitalOcean bills them too). A droplet another configured pool may own is never
 * touched. The lease is the owner's explicit word, so expired members go even below min_agents; stuck and off ones
 * only as far as the pool stays at min_agents (unless `force`). With `--idle` and `--unhealthy`, members whose GPUs
 * their own sample says are idle (`idle`) or missing or failing (`unhealthy`) go the same way as stuck ones; a
 * member whose GPU state could not be read is kept (`unknown`), never guessed at.
 */
export type ReapReason = 'expired' | 'stuck' | 'off' | 'idle' | 'unhealthy'

export interface ReapCandidate {
  droplet: PoolDroplet
  reason: ReapReason
  /** For people: `expired 12m ago`, `new for 42m`, `powered off`. */
  detail: string
}

export interface ReapPlan {
  pool: string
  reap: ReapCandidate[]
  /** Candidates left because the pool would go below min_agents, and (`unknown`) members whose GPUs could not be judged. */
  kept: KeptMember[]
  sharedLeftAlone: PoolDroplet[]
}

export interface KeptMember {
  droplet: PoolDroplet
  reason: ReapReason | 'unknown'
  detail: string
  why: string
}

export interface ReapOptions {
  now: number
  stuckAfterMs: number
  off: boolean
  force: boolean
}

/** The pool's own members: never a droplet another configured pool may own too. */
function ownMembers(pool: PoolConfig, members: readonly PoolDroplet[]): PoolDroplet[] {
  return members.filter((m) => m.pool === pool.name && !isShared(m))
}

/** Why a member goes by what the API alone says of it (its lease, its status), or null. */
function listedReason(droplet: PoolDroplet, options: ReapOptions): ReapCandidate | null {
  const expiresAt = droplet.expires_at === null ? null : Date.parse(droplet.expires_at)
  const age = options.now - Date.parse(droplet.created_at)
  if (expiresAt !== null && expiresAt <= options.now) return {droplet, reason: 'expired', detail: `lease ended ${formatSpan(options.now - expiresAt)} ago`}
  if (droplet.status === 'new' && age >= options.stuckAfterMs) return {droplet, reason: 'stuck', detail: `new for ${formatSpan(age)}`}
  if (options.off && droplet.status === 'off') return {droplet, reason: 'off', detail: 'powered off'}
  return null
}

/** The members whose GPUs `--idle`/`--unhealthy` must look at: the pool's own that the listing does not already take. */
export function membersToProbe(pool: PoolConfig, members: readonly PoolDroplet[], options: ReapOptions): PoolDroplet[] {
  return ownMembers(pool, members).filter((droplet) => listedReason(droplet, options) === null)
}

/**
 * `verdicts`: what each probed member's GPU sample says (gpu-verdict.ts), by droplet id; empty without `--idle`
 * and `--unhealthy`.
 */
export function selectForReap(pool: PoolConfig, members: readonly PoolDroplet[], options: ReapOptions, verdicts: ReadonlyMap<number, GpuVerdict> = new Map()): ReapPlan {
  const own = ownMembers(pool, members)
  const found: Record<ReapReason, ReapCandidate[]> = {expired: [], stuck: [], off: [], idle: [], unhealthy: []}
  const unknown: KeptMember[] = []
  const idleFor = new Map<number, number>()
  for (const droplet of own) {
    const listed = listedReason(droplet, options)
    if (listed) {
      found[listed.reason].push(listed)
      continue
    }
    const verdict = verdicts.get(droplet.id)
    if (verdict?.kind === 'unknown') unknown.push({droplet, reason: 'unknown', detail: verdict.detail, why: verdict.why})
    else if (verdict?.kind === 'unhealthy') found.unhealthy.push({droplet, reason: 'unhealthy', detail: verdict.detail})
    else if (verdict?.kind === 'idle') {
      found.idle.push({droplet, reason: 'idle', detail: verdict.detail})
      idleFor.set(droplet.id, verdict.idleMs)
    }
  }
  const byTime = (key: (c: ReapCandidate) => string) => (a: ReapCandidate, b: ReapCandidate) => key(a).localeCompare(key(b)) || a.droplet.id - b.droplet.id
  found.expired.sort(byTime((c) => c.droplet.expires_at ?? ''))
  found.stuck.sort(byTime((c) => c.droplet.created_at))
  found.unhealthy.sort(byTime((c) => c.droplet.created_at))
  found.off.sort(byTime((c) => c.droplet.created_at))
  // The longest idle first: what min_agents keeps are the GPUs used last.
  found.idle.sort((a, b) => (idleFor.get(b.droplet.id) ?? 0) - (idleFor.get(a.droplet.id) ?? 0) || a.droplet.id - b.droplet.id)
  const room = options.force ? Number.POSITIVE_INFINITY : Math.max(0, own.length - found.expired.length - pool.minAgents)
  // Broken before merely unused: a stuck create and a failing GPU go before a powered-off or an idle member.
  const optional = [...found.stuck, ...found.unhealthy, ...found.off, ...found.idle]
  const belowMin = optional.slice(room).map((c) => ({...c, why: `pool ${pool.name} would go below its min_agents of ${pool.minAgents}`}))
  return {
    pool: pool.name,
    reap: [...found.expired, ...optional.slice(0, room)],
    kept: [...belowMin, ...unknown],
    sharedLeftAlone: members.filter((m) => isShared(m) && m.candidate_pools?.includes(pool.name)),
  }
}
