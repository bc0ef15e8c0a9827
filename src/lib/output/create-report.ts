import type {VeldaError} from '../base/errors.js'
import {CreateRefusedError} from '../pool/create-refusal.js'
import type {FailedName} from '../pool/create-batches.js'
import type {PoolDroplet} from '../pool/membership.js'
import type {MemberStatus} from '../pool/pool-status.js'
import {formatHourly, sumHourly} from '../text/money.js'
import {inflect, plural} from '../text/plural.js'
import {shellWord} from '../text/shell.js'

// What a create that failed or was stopped part-way tells the operator (pool up, pool scale): the spinner's last
// line, and the droplets it leaves running, with what they bill and how to delete them.

/** A create run that ended with an error: what it created (and, with --wait-for agent, how the agents stand). */
export interface FailedCreate {
  pool: string
  created: readonly PoolDroplet[]
  /** Created, then deleted by someone else while --wait watched them. */
  gone?: readonly {id: number}[]
  agents?: readonly MemberStatus[]
  /** `--project`: the droplets that could not be assigned to it. */
  project?: {project: {name: string}; failed: readonly {id: number; name: string; error: string}[]}
  /** `--fallback`: the chain's pools (the created droplets say which each is in). */
  pools?: readonly {pool: string}[]
  error: VeldaError
}

/**
 * The spinner's last line once every droplet asked for was created and a later step failed: what failed, not
 * `created 3 of 3 droplets` (which reads as success). Null when the creates themselves fell short: the caller's
 * `created 2 of 3 droplets` says it.
 */
export function afterCreateProgress(run: FailedCreate, requested: number): string | null {
  const made = run.created.length
  if (made < requested) return null
  const created = `created ${plural(made, 'droplet')}`
  const {agents, error} = run
  if (agents) {
    const healthy = agents.filter((m) => m.state === 'healthy').length
    if (error.code === 'wait_timeout') return `${created}; ${healthy} of ${plural(agents.length, 'agent')} running when the time ran out`
    // Members whose GPUs are missing or failing run their agent: not healthy is what is true of them.
    if (agents.every((m) => m.state === 'healthy' || m.state === 'gpu-missing' || m.state === 'gpu-errors')) return `${created}; ${agents.length - healthy} of ${plural(agents.length, 'member')} not healthy (GPUs)`
    return `${created}; ${agents.length - healthy} of ${plural(agents.length, 'agent')} did not start`
  }
  if (error.code === 'wait_timeout') return `${created}; ${run.created.filter((d) => d.status === 'active').length} of ${made} active when the time ran out`
  if (error.code === 'wait_failed') return `${created}; could not check them`
  if (error.code === 'over_max_agents') return `${created}; the pool is over its max_agents`
  if (run.gone && run.gone.length > 0) return `${created}; ${run.gone.length} deleted by someone else`
  if (run.project && run.project.failed.length > 0) return `${created}; ${run.project.failed.length} not in project ${run.project.project.name}`
  return `${created}, then failed`
}

/** Droplets a failed or stopped run leaves running: what they bill, and the command that deletes them. */
export interface LeftRunning {
  droplets: number
  /** Dollars an hour from the size's price (the catalog's, as the cost guard reads it); null when none is given. */
  hourly: number | null
  /** Pasteable, plain: `velda-do pool down POOL --id 1 --id 2`, or `--all` when they are the whole pool. */
  command: string
  /** `--project`: the droplets left in the default project, each with why, said before what they bill. */
  notInProject: string[]
}

/**
 * What a failed create leaves running. `before`: the pool's own droplets before the run and its min_agents (null:
 * not counted). When it had none, the new ones are the whole pool (`--all`); left below min_agents, pool down needs
 * `--ignore-limits` to delete them. Null when the run left nothing running.
 */
export function leftRunning(run: FailedCreate, before: {own: number; minAgents: number} | null, pricePerDroplet: number | null): LeftRunning | null {
  const goneIds = new Set((run.gone ?? []).map((d) => d.id))
  const running = run.created.filter((d) => !goneIds.has(d.id))
  if (running.length === 0) return null
  // `--fallback` creates in other pools too: one pool down each, the pool asked for first.
  const poolOf = (d: PoolDroplet) => (run.pools && d.pool ? d.pool : run.pool)
  const pools = [...new Set([run.pool, ...running.map(poolOf)])].filter((pool) => running.some((d) => poolOf(d) === pool))
  const commands = pools.map((pool) => {
    const mine = running.filter((d) => poolOf(d) === pool)
    const first = pool === run.pool
    const which = first && before?.own === 0 ? ['--all'] : mine.flatMap((d) => ['--id', String(d.id)])
    const limits = first && before && before.own < before.minAgents ? ['--ignore-limits'] : []
    return ['velda-do', 'pool', 'down', shellWord(pool), ...which, ...limits].join(' ')
  })
  // The catalog's price for the pool asked for (as the cost guard read it); a fallback pool's droplets carry their own.
  const prices = running.map((d) => (poolOf(d) === run.pool ? pricePerDroplet : d.price_hourly))
  const project = run.project
  return {
    droplets: running.length,
    hourly: prices.some((price) => price === null) ? null : sumHourly(prices).hourly,
    command: commands.join(' && '),
    notInProject: project ? project.failed.map((f) => `not in project ${project.project.name}: ${f.name} (${f.id}): ${f.error}`) : [],
  }
}

/**
 * What a failed create says last on stderr, with or without --json (for the person watching a CI log): the droplets
 * left outside the project, then what keeps billing.
 */
export function leftRunningLines(running: LeftRunning): string[] {
  return [...running.notInProject, leftRunningLine(running)]
}

/** `created 25 droplets in pool amd`, or with `--fallback` where they went: `created 25 droplets: 10 in pool amd, 15 in pool amd-b`. */
export function createdLine(result: {pool: string; created: readonly unknown[]; pools?: readonly {pool: string; created: number}[]}): string {
  const created = `created ${plural(result.created.length, 'droplet')}`
  const parts = (result.pools ?? []).filter((p) => p.created > 0)
  if (parts.length <= 1) return `${created} in pool ${parts[0]?.pool ?? result.pool}`
  return `${created}: ${parts.map((p) => `${p.created} in pool ${p.pool}`).join(', ')}`
}

/** `2 droplets are running ($0.0179/h): velda-do pool down cpu --id 1001 --id 1002` */
export function leftRunningLine(running: LeftRunning): string {
  const price = running.hourly === null ? 'price unknown' : formatHourly(running.hourly)
  return `${plural(running.droplets, 'droplet')} ${inflect(running.droplets, 'is', 'are')} running (${price}): ${running.command}`
}

/**
 * The stderr lines for the names a create run did not make. After a refusal they all share it (the refused batch
 * and the batches not sent after it): one line with the count, the refusal itself said once in the error below;
 * otherwise each name with its own reason. --json's `failed` always lists every name.
 */
export function notCreatedLines(failed: readonly FailedName[], error: VeldaError): string[] {
  if (error instanceof CreateRefusedError) return failed.length === 0 ? [] : [`not created: ${plural(failed.length, 'droplet')}, all for the reason below (--json lists their names)`]
  return failed.map((failure) => `not created: ${failure.name}: ${failure.error}`)
}
