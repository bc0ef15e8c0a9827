import {dropletSettingBody, type DropletSettingBody} from '../config/droplet-settings.js'
import type {PoolConfig} from '../config/types.js'
import {ApiError, RedirectError} from '../do/errors.js'
import {backoffDelay, DEFAULT_RETRY_POLICY, toldWaitMs} from '../do/retry-policy.js'
import type {DropletCreateRequest, Size, SshKey} from '../do/types.js'
import {GuardError, type VeldaError} from '../errors.js'
import {dropletName, type RandomInt} from '../naming.js'
import type {PoolDroplet} from './membership.js'

/**
 * The most droplets one `pool up` creates: 100 POSTs, far past DigitalOcean's default droplet limits, while a typo
 * (20000000) fails at once instead of planning millions of names.
 */
export const MAX_COUNT = 1000

/** The API's multi-create takes at most 10 names. */
export const MAX_BATCH = 10

/** Every create request of a scale-up, decided before anything is sent. */
export interface ScaleUpPlan {
  pool: PoolConfig
  requested: number
  batches: DropletCreateRequest[]
}

/** Names, batches of at most 10 and the one user_data of the pool. Pure: the same inputs give the same plan. */
export function planScaleUp(input: {
  pool: PoolConfig
  count: number
  userData: string
  existingNames: ReadonlySet<string>
  random?: RandomInt
  /** Tags of this run's droplets only, after the pool's (a lease). */
  extraTags?: readonly string[]
}): ScaleUpPlan {
  const {pool} = input
  const names: string[] = []
  const taken = new Set(input.existingNames)
  while (names.length < input.count) {
    const name = dropletName(pool.prefix, input.random)
    if (taken.has(name)) continue
    taken.add(name)
    names.push(name)
  }
  // Typed by DigitalOcean's keys: a setting whose body key the API layer does not declare fails to compile here.
  const settings: Pick<DropletCreateRequest, keyof DropletSettingBody> = dropletSettingBody(pool)
  const batches: DropletCreateRequest[] = []
  for (let i = 0; i < names.length; i += MAX_BATCH) {
    batches.push({names: names.slice(i, i + MAX_BATCH), ...settings, tags: [...pool.tags, ...(input.extraTags ?? [])], user_data: input.userData})
  }
  return {pool, requested: input.count, batches}
}

export interface GuardInput {
  pool: PoolConfig
  count: number
  current: number
  force: boolean
  sizes: readonly Size[]
  /** null when the pool has no ssh keys (then the account's keys are not fetched). */
  sshKeys: readonly SshKey[] | null
  /** The account's droplet limit and its droplets now, GPU ones included. */
  account: {dropletLimit: number; droplets: number}
}

/** The guards of docs/cli.md ("velda-do pool up") before any create; each failure is exit 2 with the fix. */
export function checkScaleUpGuards(input: GuardInput): void {
  const {pool} = input
  if (pool.maxAgents !== null && input.current + input.count > pool.maxAgents && !input.force) {
    throw new GuardError(`pool ${pool.name} has ${input.current} droplets; ${input.count} more would exceed its max_agents of ${pool.maxAgents}`, {
      suggestions: [`ask for at most ${Math.max(0, pool.maxAgents - input.current)}`, 'or pass --ignore-limits to go past max_agents'],
    })
  }
  for (const problem of [accountLimitProblem(input.account, input.count), sizeProblem(pool, input.sizes), input.sshKeys ? sshKeysProblem(pool, input.sshKeys) : null]) {
    if (problem) throw new GuardError(problem.message, {suggestions: problem.suggestions})
  }
}

/** What a guard found wrong and how to fix it; `velda-do doctor` reports it, `pool up` refuses with it. */
export interface GuardProblem {
  message: string
  suggestions: string[]
}

/** A create past the account's droplet limit fails whole (a batch of 10 with room for 3 creates none): refuse first. */
export function accountLimitProblem(account: {dropletLimit: number; droplets: number}, count: number): GuardProblem | null {
  const room = Math.max(0, account.dropletLimit - account.droplets)
  if (count <= room) return null
  return {
    message: `the account's droplet limit is ${account.dropletLimit}; ${account.droplets} droplets exist and ${count} more were asked for`,
    suggestions: [
      room > 0 ? `ask for at most ${room}: --count ${room}` : 'delete droplets the account no longer needs',
      'or ask DigitalOcean to raise the limit (control panel: Settings, then Team; or a support ticket)',
    ],
  }
}

/** The pool's size must exist on the account and be offered in the pool's region. */
export function sizeProblem(pool: PoolConfig, sizes: readonly Size[]): GuardProblem | null {
  const size = sizes.find((s) => s.slug === pool.size)
  if (!size) {
    return {
      message: `the size ${pool.size} of pool ${pool.name} does not exist on this account`,
      suggestions: ['velda-do sizes lists the sizes there are', 'GPU sizes of AMD droplets exist only on https://api-amd.digitalocean.com'],
    }
  }
  if (size.available && size.regions.includes(pool.region)) return null
  const where = size.available && size.regions.length > 0 ? `it is offered in: ${size.regions.join(', ')}` : 'it is not offered anywhere now'
  return {
    message: `the size ${pool.size} is not available in ${pool.region}; ${where}`,
    suggestions: size.regions.length > 0 ? [`set the pool's region to one of: ${size.regions.join(', ')}`] : ['pick another size: velda-do sizes --available'],
  }
}

/** Every ssh_key_ids entry must be a key of the account: DigitalOcean refuses the create otherwise. */
export function sshKeysProblem(pool: PoolConfig, sshKeys: readonly SshKey[]): GuardProblem | null {
  const present = new Set(sshKeys.map((k) => k.id))
  const missing = pool.sshKeyIds.filter((id) => !present.has(id))
  if (missing.length === 0) return null
  return {
    message: `ssh key${missing.length === 1 ? '' : 's'} ${missing.join(', ')} of pool ${pool.name} ${missing.length === 1 ? 'is' : 'are'} not on the account`,
    suggestions: ['velda-do ssh-keys lists the keys there are', 'fix ssh_key_ids in the config'],
  }
}

export interface FailedName {
  name: string
  error: string
}

export interface ScaleUpOutcome {
  created: PoolDroplet[]
  failed: FailedName[]
  interrupted: boolean
  /** Some failed names could not be checked: they may exist. */
  uncertain: boolean
}

export interface ScaleUpDeps {
  createDroplets(request: DropletCreateRequest): Promise<PoolDroplet[]>
  /** The pool as it is now: used to see which names of an ambiguous create exist. */
  listPool(): Promise<PoolDroplet[]>
  sleep(ms: number): Promise<void>
  now(): number
  random(): number
  isInterrupted(): boolean
  onProgress(message: string): void
  /** Creates of one batch before its missing names are given up. */
  maxAttempts?: number
}

/**
 * A create that was certainly not performed: DigitalOcean refused it (4xx other than 429) or the endpoint
 * redirected. Anything else (a lost answer, 5xx, 429, an answer that could not be read) may have created droplets.
 */
export function isDefiniteRefusal(error: unknown): boolean {
  if (error instanceof RedirectError) return true
  return error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429
}

/**
 * Runs the batches one after another. A create is never repeated blindly: after an ambiguous outcome the pool is
 * listed and only the names that do not exist are created again (bounded attempts). A definite refusal stops the
 * scale-up. Every name ends up in `created` or `failed`; `uncertain` says some failed ones may exist after all.
 */
export async function runScaleUp(plan: ScaleUpPlan, deps: ScaleUpDeps): Promise<ScaleUpOutcome> {
  const maxAttempts = deps.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts
  const created: PoolDroplet[] = []
  const failed: FailedName[] = []
  let stopReason: string | null = null
  let interrupted = false
  let uncertain = false
  const stop = (names: readonly string[], error: string, reason: string) => {
    failed.push(...names.map((name) => ({name, error})))
    stopReason = reason
  }
  for (const batch of plan.batches) {
    if (!stopReason && deps.isInterrupted()) {
      interrupted = true
      stopReason = 'not attempted: interrupted'
    }
    if (stopReason) {
      failed.push(...batch.names.map((name) => ({name, error: stopReason as string})))
      continue
    }
    let pending = [...batch.names]
    for (let attempt = 1; pending.length > 0; attempt++) {
      let lastError: unknown
      let ambiguity: string
      try {
        const answered = await deps.createDroplets({...batch, names: pending})
        const echoed = answered.filter((d) => pending.includes(d.name))
        created.push(...echoed)
        pending = pending.filter((name) => !echoed.some((d) => d.name === name))
        deps.onProgress(`created ${created.length} of ${plan.requested}`)
        if (pending.length === 0) break
        ambiguity = `the answer did not list ${pending.length} of the droplets`
      } catch (error) {
        if (isDefiniteRefusal(error)) {
          stop(pending, errorText(error), 'not attempted: an earlier create was refused')
          break
        }
        lastError = error
        ambiguity = errorText(error)
      }
      deps.onProgress(`creating ${pending.length} droplet(s) ended ambiguously (${ambiguity}); checking which exist`)
      const found = await reconcile(deps, pending)
      if (found === null) {
        uncertain = true
        stop(pending, `unknown: ${ambiguity}; the pool could not be listed to check whether it exists`, 'not attempted: the API is failing')
        break
      }
      created.push(...found)
      pending = pending.filter((name) => !found.some((d) => d.name === name))
      if (pending.length === 0) break
      if (attempt >= maxAttempts) {
        stop(pending, `${ambiguity} (after ${attempt} attempts)`, 'not attempted: creates keep failing')
        break
      }
      const delay = retryDelay(lastError, attempt, deps)
      if (delay > DEFAULT_RETRY_POLICY.maxServerWaitMs) {
        stop(pending, `DigitalOcean asks to wait ${Math.ceil(delay / 1000)}s before creating more`, 'not attempted: rate limited for too long')
        break
      }
      if (!deps.isInterrupted()) {
        deps.onProgress(`${pending.length} droplet(s) do not exist; creating them again in ${(delay / 1000).toFixed(1)}s`)
        await deps.sleep(delay)
      }
      // Checked after the (interruptible) wait too: the missing names do not exist, so stopping loses nothing.
      if (deps.isInterrupted()) {
        interrupted = true
        stop(pending, 'not attempted: interrupted', 'not attempted: interrupted')
        break
      }
    }
  }
  return {created, failed, interrupted, uncertain}
}

async function reconcile(deps: ScaleUpDeps, names: readonly string[]): Promise<PoolDroplet[] | null> {
  try {
    const pool = await deps.listPool()
    return pool.filter((d) => names.includes(d.name))
  } catch {
    return null
  }
}

function retryDelay(error: unknown, attempt: number, deps: ScaleUpDeps): number {
  const told = error instanceof ApiError && error.status === 429 && error.headers ? toldWaitMs(error.status, error.headers, deps.now()) : null
  return told ?? backoffDelay(attempt, {...DEFAULT_RETRY_POLICY, baseDelayMs: 2_000, maxDelayMs: 30_000}, deps.random)
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error as VeldaError).message : String(error)
}
