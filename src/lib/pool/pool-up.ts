import type {PoolConfig} from '../config/types.js'
import {formatDuration} from '../text/duration.js'
import type {DigitalOceanApi} from '../do/client.js'
import {createBody} from '../do/droplets.js'
import {InterruptedError, type Outcome, OverMaxAgentsError, PartialError, VeldaError, WaitFailedError, WaitTimeoutError} from '../base/errors.js'
import type {RandomInt} from '../config/naming.js'
import {inflect, plural} from '../text/plural.js'
import {listPools, type PoolDroplet} from './membership.js'
import type {FailedName} from './create-batches.js'
import {planScaleUp} from './scale-up-plan.js'
import {type ChainDeps, type CreateAsk, type CreateTarget, type PoolPart, runCreateChain} from './create-chain.js'
import {waitForActive} from './wait.js'
import {waitForAgents} from './wait-agents.js'
import type {MemberStatus, PoolStatusResult} from './pool-status.js'
import type {CostEstimate} from './cost.js'
import {leaseTags} from './lease.js'
import {assignToProject, type ProjectOutcome} from './project.js'
import {unhealthyFixes} from './unhealthy-fixes.js'

export interface PoolUpResult {
  pool: string
  requested: number
  created: PoolDroplet[]
  failed: FailedName[]
  /** The burn rate before and after, from the size's price (see cost.ts). */
  cost: CostEstimate
  /** `--project`: the project the droplets were assigned to, and any that could not be (only then). */
  project?: ProjectOutcome
  /** `--wait-for agent`: each created member as its last probe found it (only then). */
  agents?: MemberStatus[]
  /** Created, then deleted by someone else while `--wait` watched them (only when there are any). */
  gone?: {id: number; name: string}[]
  /** `--fallback`: what each pool of the chain gave, in order (only then). */
  pools?: PoolPart[]
  /** `--retry-until-up`: how many tries it took (only then). */
  tries?: number
}

/** What a pool up did; with `error` when it stopped or failed part-way (every droplet created is still listed). */
export type PoolUpOutcome = Outcome<PoolUpResult>

export interface PoolUpOptions extends CreateAsk {
  pool: PoolConfig
  userData: string
  wait: {timeoutMs: number; pollIntervalMs: number} | null
  /** `--fallback POOL…`: where what the pool has no capacity for is created, in order. */
  fallbacks?: CreateTarget[]
  /** `--retry-until-up`: how long to keep trying for capacity. */
  retryUntilUp?: {timeoutMs: number} | null
}

/** `--wait-for agent`: probes members over SSH (pool status's probe); the wait ends when every agent settled. */
export interface AgentProbe {
  probe(members: readonly PoolDroplet[]): Promise<PoolStatusResult>
}

export interface PoolUpDeps extends ChainDeps {
  /** Called once the creates are done and counted: the pool's lock is not needed to wait for them. */
  afterCreate?(): void
  /** With it, --wait goes on past active until the agents run (see waitForAgents). */
  agents?: AgentProbe
}

/**
 * `pool up`: guards, batches with reconciliation (create-chain.ts: in the `--fallback` pools too, and again with
 * `--retry-until-up`), and optionally the wait for active. The first guard throws (nothing was sent); once creates
 * were sent, what happened is the outcome, its error saying what went wrong.
 */
export async function poolUp(api: DigitalOceanApi, options: PoolUpOptions, deps: PoolUpDeps): Promise<PoolUpOutcome> {
  const {pool} = options
  const chain: CreateTarget[] = [{pool, userData: options.userData}, ...(options.fallbacks ?? [])]
  const chainPools = chain.map((t) => t.pool)
  const listChain = async () => (await listPools(api, chainPools, chainPools)).members
  const run = await runCreateChain(api, {...options, chain, retry: options.retryUntilUp ?? null}, deps)
  const result: PoolUpResult = {
    pool: pool.name,
    requested: options.count,
    created: run.created,
    failed: run.failed,
    cost: run.cost,
    ...(chain.length > 1 ? {pools: run.parts} : {}),
    ...(options.retryUntilUp ? {tries: run.tries} : {}),
  }
  if (run.error) return {...result, error: run.error}
  if (run.project && result.created.length > 0) {
    result.project = await assignToProject(api, run.project, result.created)
    const projectError = projectFailure(result, result.project)
    if (projectError) return {...result, error: projectError}
  }
  const overMax = await overMaxAgents(options, result, run.parts, chainPools, api)
  if (overMax) return {...result, error: overMax}
  deps.afterCreate?.()
  if (!options.wait) return result
  return waitActive(result, options.wait, listChain, deps)
}

/** Right after the creates the droplets go to the project: any that did not is a partial failure (exit 4). */
function projectFailure(result: PoolUpResult, project: ProjectOutcome): PartialError | null {
  const {failed} = project
  if (failed.length === 0) return null
  return new PartialError(`created ${plural(result.created.length, 'droplet')}, but ${failed.length} could not be assigned to project ${project.project.name}: ${failed[0]?.error}`, {
    suggestions: ['they exist, in the default project: move them in the control panel (Projects, Move resources), or with doctl projects resources assign'],
  })
}

/** `--wait`: until every created droplet is active (or gone), the time is up, or the user stops it. */
async function waitActive(result: PoolUpResult, wait: {timeoutMs: number; pollIntervalMs: number}, listPool: () => Promise<PoolDroplet[]>, deps: PoolUpDeps): Promise<PoolUpOutcome> {
  const ids = result.created.map((d) => d.id)
  let waited: Awaited<ReturnType<typeof waitForActive>>
  try {
    waited = await waitForActive(ids, wait, {
      listPool,
      now: deps.now,
      sleep: deps.sleep,
      isInterrupted: deps.isInterrupted,
      onProgress: (active, total, elapsedMs) => deps.onProgress(waitProgress(active, total, elapsedMs, wait.timeoutMs), `${active}/${total}`),
    })
  } catch (error) {
    // The droplets exist whatever went wrong while watching them: report them with the failure.
    const reason = error instanceof Error ? error.message : String(error)
    return {...result, error: new WaitFailedError(`created ${plural(ids.length, 'droplet')}, but could not check that they turned active: ${reason}`, {
      suggestions: [`velda-do pool list ${result.pool} shows them`],
      cause: error,
    })}
  }
  const latest = result.created.map((d) => waited.droplets.find((w) => w.id === d.id) ?? d)
  const gone = result.created.filter((d) => waited.gone.includes(d.id)).map(({id, name}) => ({id, name}))
  const final: PoolUpResult = {...result, created: latest, ...(gone.length > 0 ? {gone} : {})}
  const active = final.created.filter((d) => d.status === 'active' && !waited.gone.includes(d.id)).length
  if (waited.interrupted) return {...final, error: new InterruptedError(`stopped while waiting: ${active} of ${plural(ids.length, 'created droplet')} active (all listed)`)}
  if (!waited.done) {
    const existence = gone.length > 0 ? `${gone.length} of the ${ids.length} ${inflect(gone.length, 'was', 'were')} deleted meanwhile` : 'they all exist'
    return {...final, error: new WaitTimeoutError(`timed out waiting: ${active} of ${plural(ids.length - gone.length, 'droplet')} ${inflect(active, 'is', 'are')} active; ${existence}`, {
      suggestions: [`velda-do pool list ${result.pool} to watch them`, 'or wait longer with --wait-timeout'],
    })}
  }
  if (gone.length === 0 && deps.agents) return waitAgents(final, wait, deps, deps.agents)
  if (gone.length > 0) {
    return {...final, error: new PartialError(`${active} of ${plural(ids.length, 'created droplet')} ${inflect(active, 'is', 'are')} active; ${gone.length} ${inflect(gone.length, 'was', 'were')} deleted while waiting (by another process?): ${gone.map((d) => d.name).join(', ')}`, {
      suggestions: [`velda-do pool list ${result.pool} shows what exists`, `velda-do pool up ${result.pool} -n ${gone.length} makes up for them`],
    })}
  }
  return final
}

/** After active: until every created member's agent runs, its boot failed, or the time is up (the same --wait-timeout). */
async function waitAgents(result: PoolUpResult, wait: {timeoutMs: number; pollIntervalMs: number}, deps: PoolUpDeps, agents: AgentProbe): Promise<PoolUpOutcome> {
  const startedAt = deps.now()
  const total = result.created.length
  let waited: Awaited<ReturnType<typeof waitForAgents>>
  try {
    waited = await waitForAgents(result.created, {...wait, startedAt}, {
      probe: (members) => agents.probe(members),
      now: deps.now,
      sleep: deps.sleep,
      isInterrupted: deps.isInterrupted,
      onProgress: (healthy, total, elapsedMs) => deps.onProgress(`${healthy}/${plural(total, 'agent')} running, ${formatDuration(Math.floor(elapsedMs / 1000) * 1000)} of ${formatDuration(wait.timeoutMs)}`, `${healthy}/${total}`),
    })
  } catch (error) {
    // The droplets exist and are paid for whatever a member answered: report them with the failure.
    const reason = error instanceof Error ? error.message : String(error)
    return {...result, error: new WaitFailedError(`created ${plural(total, 'droplet')}, but could not check their agents: ${reason}`, {
      suggestions: [`velda-do pool status ${result.pool} shows each member`],
      cause: error,
    })}
  }
  const final: PoolUpResult = {...result, agents: waited.members}
  const healthy = waited.members.filter((m) => m.state === 'healthy').length
  if (waited.interrupted) return {...final, error: new InterruptedError(`stopped while waiting for the agents: ${healthy} of ${total} running (all listed)`)}
  const failed = waited.members.filter((m) => m.state !== 'healthy' && (waited.done || m.state === 'boot-failed'))
  if (!waited.done && failed.length === 0) {
    return {...final, error: new WaitTimeoutError(`timed out waiting for the agents: ${healthy} of ${total} running; the others are still booting`, {
      suggestions: [`velda-do pool status ${result.pool} shows where each stands`, 'or wait longer with --wait-timeout'],
    })}
  }
  if (failed.length > 0) {
    const first = failed[0] as MemberStatus
    // A member whose GPUs are missing or failing runs its agent: it is not healthy, which is a different thing to say.
    const what = failed.every((m) => m.state === 'gpu-missing' || m.state === 'gpu-errors') ? `${inflect(failed.length, 'is', 'are')} not healthy` : 'did not start the agent'
    return {...final, error: new PartialError(`${failed.length} of ${plural(total, 'created droplet')} ${what}: ${first.name}: ${first.detail}`, {
      suggestions: [`velda-do pool status ${result.pool} shows each member`, ...unhealthyFixes(result.pool, failed)],
    })}
  }
  return final
}

/** `3/25 active, 1m12s of 10m`: how far, and how long of how long. */
export function waitProgress(active: number, total: number, elapsedMs: number, timeoutMs: number): string {
  return `${active}/${total} active, ${formatDuration(Math.floor(elapsedMs / 1000) * 1000)} of ${formatDuration(timeoutMs)}`
}

/**
 * The guard counted the pool before creating; another velda-do on another machine, or the broker, may have
 * created droplets meanwhile. Counting again tells the operator at once that a pool went past max_agents (each
 * pool of a `--fallback` chain that was created in, against its own). A count that fails is not the end of the
 * run's report: the droplets exist and bill, so it is a partial failure (exit 4) that lists them, never exit 3
 * ("nothing was changed"), after which a script would create again.
 */
async function overMaxAgents(options: PoolUpOptions, result: PoolUpResult, parts: readonly PoolPart[], chainPools: readonly PoolConfig[], api: DigitalOceanApi): Promise<VeldaError | null> {
  if (options.force) return null
  for (const pool of chainPools) {
    if (pool.maxAgents === null || !parts.some((p) => p.pool === pool.name && p.created > 0)) continue
    let members: number
    try {
      members = (await listPools(api, [pool], [pool])).members.length
    } catch (error) {
      if (!(error instanceof VeldaError)) throw error
      return new PartialError(`created ${plural(result.created.length, 'droplet')}, but pool ${pool.name} could not be counted again to check its max_agents of ${pool.maxAgents}: ${error.message}`, {
        suggestions: [`velda-do pool list ${pool.name} shows them, and whether the pool is over ${pool.maxAgents}`],
        cause: error,
      })
    }
    if (members <= pool.maxAgents) continue
    return new OverMaxAgentsError(
      `created ${plural(result.created.length, 'droplet')}, and pool ${pool.name} now has ${members}, over its max_agents of ${pool.maxAgents}: something else created droplets in it at the same time`,
      {
        partialResult: {members_after: members, max_agents: pool.maxAgents},
        suggestions: [`velda-do pool list ${pool.name} shows them`, `velda-do pool down ${pool.name} --count ${members - pool.maxAgents} brings it back to ${pool.maxAgents}`],
      },
    )
  }
  return null
}

export interface DryRunRequest {
  method: 'POST'
  url: string
  body: Record<string, unknown>
}

/** The exact requests `pool up` would send (user_data with secrets redacted): nothing is sent, no token needed. */
export function dryRunRequests(
  pool: PoolConfig,
  count: number,
  userData: string,
  endpoint: string,
  options: {nameRandom?: RandomInt; lease?: {expiresAtMs: number} | null} = {},
): DryRunRequest[] {
  const plan = planScaleUp({pool, count, userData, existingNames: new Set(), random: options.nameRandom, extraTags: leaseTags(options.lease)})
  return plan.batches.map((batch) => ({method: 'POST', url: `${endpoint}/v2/droplets`, body: createBody(batch)}))
}
