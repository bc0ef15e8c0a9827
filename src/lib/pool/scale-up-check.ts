import type {PoolConfig} from '../config/types.js'
import type {DigitalOceanApi} from '../do/client.js'
import type {Size, SshKey} from '../do/types.js'
import {ExitCode, VeldaError} from '../base/errors.js'
import {listPools, type PoolDroplet} from './membership.js'
import {type Ask, askCount, checkScaleUpGuards} from './scale-up-guards.js'
import {checkMaxHourlyCost, type CostEstimate, estimateGrowth} from './cost.js'
import {findProject, type ProjectRef} from './project.js'

// What a create checks before it sends anything, read once and judged by pure guards: `pool up`, `pool scale` and
// their dry runs all come through here, so a dry run says exactly what the run would refuse.

/** What the guards read of DigitalOcean before a create. */
export interface ScaleUpReads {
  members: PoolDroplet[]
  sizes: Size[]
  /** null when the pool has no ssh keys (then the account's keys are not fetched). */
  sshKeys: SshKey[] | null
  account: {dropletLimit: number; droplets: number}
  /** `--project`, resolved (an unknown one is refused here, before anything is created). */
  project: ProjectRef | null
}

export interface ScaleUpAsk {
  pool: PoolConfig
  count: number
  force: boolean
  /** `--max-hourly-cost`, dollars an hour. */
  maxHourlyCost?: number | null
  /** How the droplets were asked for (askCount unless given): the refusal names that flag. */
  ask?: Ask
}

/**
 * One request each, in parallel; at most one ssh-key listing per command and pool: DigitalOcean allows 10 a
 * minute, so a run that reads again (--retry-until-up) passes the keys it read the first time.
 */
export async function readForScaleUp(api: DigitalOceanApi, pool: PoolConfig, options: {members?: PoolDroplet[]; project?: string | null; sshKeys?: SshKey[] | null}): Promise<ScaleUpReads> {
  const [members, sizes, sshKeys, account, project] = await Promise.all([
    options.members ?? listPools(api, [pool], [pool]).then((listed) => listed.members),
    api.listSizes(),
    options.sshKeys !== undefined ? Promise.resolve(options.sshKeys) : pool.sshKeyIds.length > 0 ? api.listSshKeys() : Promise.resolve(null),
    accountUsage(api),
    options.project ? api.listProjects().then((projects) => findProject(projects, options.project ?? '')) : Promise.resolve(null),
  ])
  return {members, sizes, sshKeys, account, project}
}

/** What the creates will cost, from the sizes' price and the members' (see cost.ts). Pure. */
function estimateScaleUp(reads: ScaleUpReads, asked: ScaleUpAsk): CostEstimate {
  const {pool} = asked
  return estimateGrowth({size: pool.size, sizePrice: reads.sizes.find((s) => s.slug === pool.size)?.price_hourly ?? null, count: asked.count, memberPrices: reads.members.map((m) => m.price_hourly)})
}

/** Every guard on what was read: throws the refusal (exit 2), or answers what the creates will cost. Pure. */
export function guardScaleUp(reads: ScaleUpReads, asked: ScaleUpAsk): CostEstimate {
  const {pool, count} = asked
  checkScaleUpGuards({pool, count, force: asked.force, ask: asked.ask, facts: {current: reads.members.length, sizes: reads.sizes, sshKeys: reads.sshKeys, account: reads.account}})
  const cost = estimateScaleUp(reads, asked)
  checkMaxHourlyCost(pool.name, cost, asked.maxHourlyCost ?? null, asked.ask ?? askCount(count))
  return cost
}

/** What a dry run found: the cost when it could read it, and the refusal the run would give. */
export interface ScaleUpVerdict {
  /** null without a token, or when the reads were refused (an unknown project): no price was read. */
  cost: CostEstimate | null
  /** The refusal, exactly as the real run would throw it (exit 2); absent when the create would go ahead. */
  refusal?: VeldaError
}

/**
 * A dry run's guards: with the API (a token at hand), the same reads and guards as the run; without it, what the
 * config alone decides (more than max_agents is too many whatever the pool holds). A refusal is answered, not
 * thrown, so the plan can be shown beside it; an API failure is thrown, as the run would fail on it.
 */
export async function judgeScaleUp(api: DigitalOceanApi | null, asked: ScaleUpAsk & {members?: PoolDroplet[]; project?: string | null}): Promise<ScaleUpVerdict> {
  if (api === null) return {cost: null, ...refusalOf(() => checkScaleUpGuards({...asked, facts: null}))}
  const reads = await refusalOr(() => readForScaleUp(api, asked.pool, asked))
  if ('refusal' in reads) return {cost: null, refusal: reads.refusal}
  // The price is told even when the ceiling refuses: how far over is part of the answer.
  return {cost: estimateScaleUp(reads.value, asked), ...refusalOf(() => guardScaleUp(reads.value, asked))}
}

/** A refusal before anything is sent (a guard, an unknown project: exit 2) is the verdict; anything else is thrown. */
function isRefusal(error: unknown): error is VeldaError {
  return error instanceof VeldaError && error.exitCode === ExitCode.usage
}

function refusalOf(check: () => unknown): {refusal?: VeldaError} {
  try {
    check()
    return {}
  } catch (error) {
    if (isRefusal(error)) return {refusal: error}
    throw error
  }
}

async function refusalOr<T>(read: () => Promise<T>): Promise<{value: T} | {refusal: VeldaError}> {
  try {
    return {value: await read()}
  } catch (error) {
    if (isRefusal(error)) return {refusal: error}
    throw error
  }
}

/** The account's droplet limit and how many droplets it has: GPU droplets are counted apart (docs/do-api.md, "The requests"). */
async function accountUsage(api: DigitalOceanApi): Promise<{dropletLimit: number; droplets: number}> {
  const [account, plain, gpu] = await Promise.all([api.getAccount(), api.countDroplets(), api.countDroplets({gpus: true})])
  return {dropletLimit: account.droplet_limit, droplets: plain + gpu}
}
