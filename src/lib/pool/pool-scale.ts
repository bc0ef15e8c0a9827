import type {PoolConfig} from '../config/types.js'
import type {DigitalOceanApi} from '../do/client.js'
import type {Outcome} from '../base/errors.js'
import type {CostEstimate} from './cost.js'
import type {MemberStatus} from './pool-status.js'
import type {ProjectOutcome} from './project.js'
import type {FailedName} from './create-batches.js'
import {selectForScaleDown} from './delete-selection.js'
import {isShared, listPools, type PoolDroplet} from './membership.js'
import {type PoolDownDeps, runPoolDown} from './pool-down.js'
import {poolUp, type PoolUpDeps, type PoolUpOptions} from './pool-up.js'
import type {PoolPart} from './create-chain.js'
import {UsageError} from '../base/errors.js'
import {checkRunSize, MAX_COUNT} from './run-size.js'
import {askTarget} from './scale-up-guards.js'
import {plural} from '../text/plural.js'

/** The pool's own members by status, before a scale: `off` droplets count (and bill) like the others. */
export interface MemberCounts {
  total: number
  new: number
  active: number
  off: number
}

export interface PoolScaleResult {
  pool: string
  before: MemberCounts
  target: number
  created: PoolDroplet[]
  deleted: {id: number; name: string}[]
  /** Names not created, or droplets not deleted. */
  failed: (FailedName | {id: number; name: string; error: string})[]
  /** When creating: the burn rate before and after (see cost.ts). */
  cost?: CostEstimate
  /** `--wait-for agent`: each created member as its last probe found it. */
  agents?: MemberStatus[]
  /** `--project`: where the created droplets went. */
  project?: ProjectOutcome
  /** `--fallback`: what each pool of the chain gave (only then). */
  pools?: PoolPart[]
  /** `--retry-until-up`: how many tries it took (only then). */
  tries?: number
}

/**
 * What a scale did; with `error` when it stopped or failed part-way. A failed create also carries `gone` when some
 * created droplets were deleted by someone else while --wait watched them (pool up's key). Not pool up's
 * `requested`: a scale's is `target` less `before.total`, and a key printed only on failure was one a script
 * could not count on.
 */
export type PoolScaleOutcome = Outcome<PoolScaleResult & {gone?: {id: number; name: string}[]}>

/** What a scale would do, decided from one listing of the pool; nothing is created or deleted yet. */
export type ScalePlan =
  | {action: 'none'; before: MemberCounts; members: PoolDroplet[]}
  | {action: 'create'; count: number; before: MemberCounts; members: PoolDroplet[]}
  | {action: 'delete'; chosen: PoolDroplet[]; before: MemberCounts; members: PoolDroplet[]}

/**
 * Lists the pool once and decides: create the missing (the guards of pool up apply when creating), or delete the
 * surplus in pool down's order (not yet active first, then the newest; min_agents unless `force`), or nothing.
 * A droplet another configured pool may own (isShared) is not the pool's own: it is neither counted nor deleted.
 * With `--fallback` pools the chain's droplets count together, so that running the scale again is a no-op; a chain
 * over the target is not shrunk (which pool to take from is the operator's call): refused, with the commands.
 */
export async function planPoolScale(api: DigitalOceanApi, pool: PoolConfig, target: number, force: boolean, configured: readonly PoolConfig[], fallbacks: readonly PoolConfig[] = []): Promise<ScalePlan> {
  const {members: listed} = await listPools(api, [pool, ...fallbacks], configured)
  const members = listed.filter((m) => m.pool === pool.name || (m.pool === null && !fallbacks.some((f) => m.candidate_pools?.includes(f.name))))
  const own = listed.filter((m) => !isShared(m))
  const before = countMembers(own)
  // pool up's cap, on what this run would do: --to 1500 from 0 creates 1500 in one run, which pool up refuses.
  const step = (toward: number) => [`scale in steps: --to ${toward} first, then --to ${target}`]
  if (target > own.length) checkRunSize(target - own.length, 'create', `--to ${target} creates ${plural(target - own.length, 'droplet')}: that`, step(own.length + MAX_COUNT))
  if (target < own.length && fallbacks.length > 0) throw chainOverTarget(pool, fallbacks, listed, target)
  if (target < own.length) checkRunSize(own.length - target, 'delete', `--to ${target} deletes ${plural(own.length - target, 'droplet')}: that`, step(own.length - MAX_COUNT))
  if (target > own.length) return {action: 'create', count: target - own.length, before, members}
  if (target < own.length) return {action: 'delete', chosen: selectForScaleDown(pool, members, {count: own.length - target}, force), before, members}
  return {action: 'none', before, members}
}

/** `--fallback` only fills: a chain over --to is brought down pool by pool, by the operator (the last fallback first). */
function chainOverTarget(pool: PoolConfig, fallbacks: readonly PoolConfig[], listed: readonly PoolDroplet[], target: number): UsageError {
  const countOf = (p: PoolConfig) => listed.filter((m) => m.pool === p.name).length
  const counts = [pool, ...fallbacks].map((p) => `${p.name} ${countOf(p)}`)
  const last = fallbacks.at(-1) as PoolConfig
  const keep = Math.max(0, countOf(last) - (listed.length - target))
  return new UsageError(`--to ${target} with --fallback: the pools have ${plural(listed.length, 'droplet')} together (${counts.join(', ')}), more than ${target}; with --fallback, pool scale only creates`, {
    suggestions: [`scale the pools one by one, the last fallback first: velda-do pool scale ${last.name} --to ${keep}`],
  })
}

export function countMembers(own: readonly PoolDroplet[]): MemberCounts {
  const count = (status: string) => own.filter((m) => m.status === status).length
  return {total: own.length, new: count('new'), active: count('active'), off: count('off')}
}

export type ScaleUpOptions = Omit<PoolUpOptions, 'count' | 'members' | 'ask'>

/** Carries out the plan with pool up's batched, reconciled create or pool down's bounded-parallel delete. */
export async function runPoolScale(
  api: DigitalOceanApi,
  plan: ScalePlan,
  options: ScaleUpOptions & {target: number; configured: readonly PoolConfig[]},
  deps: PoolUpDeps & PoolDownDeps,
): Promise<PoolScaleOutcome> {
  const {pool, target} = options
  const base: PoolScaleResult = {pool: pool.name, before: plan.before, target, created: [], deleted: [], failed: []}
  if (plan.action === 'none') return base
  if (plan.action === 'create') {
    const up = await poolUp(api, {...options, count: plan.count, members: plan.members, ask: askTarget(target)}, deps)
    const scaled = {...base, created: up.created, failed: up.failed, cost: up.cost, ...(up.project ? {project: up.project} : {}), ...(up.agents ? {agents: up.agents} : {}), ...(up.pools ? {pools: up.pools} : {}), ...(up.tries === undefined ? {} : {tries: up.tries})}
    if (!up.error) return scaled
    return {...scaled, ...(up.gone ? {gone: up.gone} : {}), error: up.error}
  }
  const down = await runPoolDown(api, pool, plan.chosen, {all: false, configured: options.configured}, deps)
  const scaled = {...base, deleted: down.deleted, failed: down.failed}
  return down.error ? {...scaled, error: down.error} : scaled
}
