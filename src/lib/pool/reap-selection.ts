import type {PoolConfig} from '../config/types.js'
import {formatSpan} from '../text/duration.js'
import {isShared, type PoolDroplet} from './membership.js'

/**
 * What `pool reap` deletes, and why (pure): members whose lease has passed (`expired`), members stuck in `new`
 * longer than `stuckAfterMs` (`stuck`: a create that never came up still holds a slot and may bill), and with
 * `off`, powered-off members (DigitalOcean bills them too). A droplet another configured pool may own is never
 * touched. The lease is the owner's explicit word, so expired members go even below min_agents; stuck and off ones
 * only as far as the pool stays at min_agents (unless `force`).
 */
export type ReapReason = 'expired' | 'stuck' | 'off'

export interface ReapCandidate {
  droplet: PoolDroplet
  reason: ReapReason
  /** For people: `expired 12m ago`, `new for 42m`, `powered off`. */
  detail: string
}

export interface ReapPlan {
  pool: string
  reap: ReapCandidate[]
  /** Candidates left because the pool would go below min_agents. */
  kept: (ReapCandidate & {why: string})[]
  sharedLeftAlone: PoolDroplet[]
}

export interface ReapOptions {
  now: number
  stuckAfterMs: number
  off: boolean
  force: boolean
}

export function selectForReap(pool: PoolConfig, members: readonly PoolDroplet[], options: ReapOptions): ReapPlan {
  const own = members.filter((m) => m.pool === pool.name && !isShared(m))
  const expired: ReapCandidate[] = []
  const stuck: ReapCandidate[] = []
  const off: ReapCandidate[] = []
  for (const droplet of own) {
    const expiresAt = droplet.expires_at === null ? null : Date.parse(droplet.expires_at)
    const age = options.now - Date.parse(droplet.created_at)
    if (expiresAt !== null && expiresAt <= options.now) expired.push({droplet, reason: 'expired', detail: `lease ended ${formatSpan(options.now - expiresAt)} ago`})
    else if (droplet.status === 'new' && age >= options.stuckAfterMs) stuck.push({droplet, reason: 'stuck', detail: `new for ${formatSpan(age)}`})
    else if (options.off && droplet.status === 'off') off.push({droplet, reason: 'off', detail: 'powered off'})
  }
  const byTime = (key: (c: ReapCandidate) => string) => (a: ReapCandidate, b: ReapCandidate) => key(a).localeCompare(key(b)) || a.droplet.id - b.droplet.id
  expired.sort(byTime((c) => c.droplet.expires_at ?? ''))
  stuck.sort(byTime((c) => c.droplet.created_at))
  off.sort(byTime((c) => c.droplet.created_at))
  const room = options.force ? Number.POSITIVE_INFINITY : Math.max(0, own.length - expired.length - pool.minAgents)
  const optional = [...stuck, ...off]
  const kept = optional.slice(room).map((c) => ({...c, why: `pool ${pool.name} would go below its min_agents of ${pool.minAgents}`}))
  return {
    pool: pool.name,
    reap: [...expired, ...optional.slice(0, room)],
    kept,
    sharedLeftAlone: members.filter((m) => isShared(m) && m.candidate_pools?.includes(pool.name)),
  }
}
