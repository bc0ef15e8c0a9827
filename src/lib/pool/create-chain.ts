import type {PoolConfig} from '../config/types.js'
import type {DigitalOceanApi} from '../do/client.js'
import type {SshKey} from '../do/types.js'
import {InterruptedError, NothingChangedError, PartialError, VeldaError} from '../base/errors.js'
import type {RandomInt} from '../config/naming.js'
import {inflect, plural} from '../text/plural.js'
import {formatDuration} from '../text/duration.js'
import {shellWord} from '../text/shell.js'
import {listPools, type PoolDroplet, toPoolDroplet} from './membership.js'
import {type FailedName, runScaleUp, type ScaleUpRun} from './create-batches.js'
import type {Ask} from './scale-up-guards.js'
import {guardScaleUp, readForScaleUp, type ScaleUpReads} from './scale-up-check.js'
import {CapacityTimeoutError, CreateRefusedError, explainRefusal, isCreateRefusal, readRefusalFacts, type RefusalClass, type RefusalExplanation, type RefusalFacts, unexplainedRefusal} from './create-refusal.js'
import {planScaleUp} from './scale-up-plan.js'
import {type CostEstimate, formatEstimate} from './cost.js'
import {leaseTags} from './lease.js'
import type {ProjectRef} from './project.js'
import {capacityRetryDelay, capacityWaitProgress, waitBeforeTry} from './capacity-retry.js'

// The creates of a pool up: in the pool asked for, then (`--fallback`) in the next pools of the chain for what the
// first had no capacity for, and (`--retry-until-up`) again after a wait for what none had capacity for. Each try
// in each pool reads the pool afresh and runs its guards, so a broker or another run creating meanwhile is never
// taken past max_agents, the droplet limit or --max-hourly-cost; each create is reconciled by name (create-batches).

/** A pool the creates may go to: its config and its own boot script. */
export interface CreateTarget {
  pool: PoolConfig
  userData: string
}

/** What one pool of a `--fallback` chain gave the run. */
export interface PoolPart {
  pool: string
  created: number
  /** Why it gave no more, when it was last asked for more than it created. */
  refusal?: RefusalClass
}

/** What is asked of the creates, whichever pools they go to: the flags of pool up and pool scale. */
export interface CreateAsk {
  count: number
  force: boolean
  /** `--ttl`: each droplet is tagged with the end of its lease (see lease.ts). */
  lease?: {expiresAtMs: number} | null
  /** `--max-hourly-cost`, dollars an hour: a pool's burn rate after the creates may not exceed it. */
  maxHourlyCost?: number | null
  /** `--project NAME|ID`: resolved by the first read (nothing is created for an unknown one), assigned after. */
  project?: string | null
  /** The first pool's members, when the caller listed them already (pool scale): not listed again. */
  members?: PoolDroplet[]
  /** How the droplets were asked for (pool up's --count unless given): a refusal names that flag. */
  ask?: Ask
}

export interface ChainOptions extends CreateAsk {
  /** The pool asked for first, then the `--fallback` pools in order. */
  chain: readonly CreateTarget[]
  /** `--retry-until-up`: how long to keep trying. null: the first refusal for capacity ends the run. */
  retry?: {timeoutMs: number} | null
}

export interface ChainDeps {
  sleep(ms: number): Promise<void>
  now(): number
  random(): number
  nameRandom?: RandomInt
  isInterrupted(): boolean
  /** `state` is the part of the text that is news (see Progress.update): the rest only counts time. */
  onProgress(text: string, state?: string): void
  /** A line for the operator (stderr): a fallback pool's estimate, a pool given up for capacity. */
  onNotice?(text: string): void
  /** The first pool's estimate for the whole count and its members, once the first guards passed, before any create. */
  onEstimate?(estimate: CostEstimate, members: readonly PoolDroplet[]): void
}

/** Where the run ended: everything created (in every pool), the names not created, and why it stopped short. */
export interface ChainRun {
  created: PoolDroplet[]
  failed: FailedName[]
  /** The first pool's estimate for the whole count: what the operator was told before anything was created. */
  cost: CostEstimate
  project: ProjectRef | null
  parts: PoolPart[]
  tries: number
  error: VeldaError | null
}

/** One pool asked for `count` droplets within a try. */
interface PoolAttempt {
  run: ScaleUpRun
  refusal: RefusalExplanation | null
}

/**
 * Reads, guards and creates in the chain until `count` exist, a failure other than capacity stops it, the retry
 * time is up or the operator stops it. The very first read and guard throw as pool up's always have (nothing was
 * sent); after that, every failure is the run's `error`, with everything created listed.
 */
export async function runCreateChain(api: DigitalOceanApi, options: ChainOptions, deps: ChainDeps): Promise<ChainRun> {
  const [first] = options.chain
  if (!first) throw new Error('a create chain needs a pool')
  const firstReads = await readForScaleUp(api, first.pool, {members: options.members, project: options.project})
  const cost = guardScaleUp(firstReads, {pool: first.pool, count: options.count, force: options.force, maxHourlyCost: options.maxHourlyCost, ask: options.ask})
  const keys = new Map<string, SshKey[] | null>([[first.pool.name, firstReads.sshKeys]])
  const state: ChainState = {
    created: [],
    failed: [],
    parts: options.chain.map((t) => ({pool: t.pool.name, created: 0})),
    tries: 0,
    estimated: new Set([first.pool.name]),
  }
  const run = (error: VeldaError | null): ChainRun => ({created: state.created, failed: state.failed, cost, project: firstReads.project, parts: state.parts, tries: state.tries, error})
  deps.onEstimate?.(cost, firstReads.members)
  const startedAt = deps.now()
  let idleTries = 0
  for (;;) {
    state.tries++
    const before = state.created.length
    const ended = await oneTry(api, options, deps, state, keys, state.tries === 1 ? firstReads : null)
    if (ended) return run(ended)
    if (state.created.length === options.count) return run(null)
    // Short for lack of capacity in every pool of the chain.
    const last = state.lastRefusal as LastRefusal
    if (!options.retry) return run(noCapacity(options, state, last))
    if (deps.isInterrupted()) return run(stoppedWaiting(options, state))
    const elapsed = deps.now() - startedAt
    if (elapsed >= options.retry.timeoutMs) return run(timedOut(options, state, last, elapsed))
    idleTries = state.created.length > before ? 1 : idleTries + 1
    const waitMs = waitBeforeTry(capacityRetryDelay(idleTries, deps.random), elapsed, options.retry.timeoutMs)
    await waitForNextTry(waitMs, {created: state.created.length, requested: options.count, startedAt, timeoutMs: options.retry.timeoutMs, tries: state.tries}, deps)
    if (deps.isInterrupted()) return run(stoppedWaiting(options, state))
  }
}

interface LastRefusal {
  pool: PoolConfig
  refusal: RefusalExplanation
  words: string
}

interface ChainState {
  created: PoolDroplet[]
  failed: FailedName[]
  parts: PoolPart[]
  tries: number
  /** Pools whose estimate was told. */
  estimated: Set<string>
  /** The last refusal for capacity, per pool in the chain's order: the run's answer when it ends short. */
  lastRefusal?: LastRefusal
  /** Every pool's finding of the last try, for the message. */
  findings?: string[]
}

/**
 * One try through the chain: each pool is asked for what is still missing. Returns the error that ends the run,
 * or null when the try ended with everything created or short only for capacity.
 */
async function oneTry(api: DigitalOceanApi, options: ChainOptions, deps: ChainDeps, state: ChainState, keys: Map<string, SshKey[] | null>, firstReads: ScaleUpReads | null): Promise<VeldaError | null> {
  state.findings = []
  for (const [index, target] of options.chain.entries()) {
    const missing = options.count - state.created.length
    if (missing === 0) return null
    if (deps.isInterrupted()) return interrupted(options, state)
    if (index > 0) deps.onProgress(`trying pool ${target.pool.name} for ${plural(missing, 'droplet')}`)
    let attempt: PoolAttempt
    try {
      const reads = index === 0 && firstReads ? firstReads : await readAgain(api, target.pool, keys)
      // The first pool's first guard ran before the loop (and threw: nothing was sent); every other read is judged here.
      const cost = index === 0 && firstReads ? null : guardScaleUp(reads, {pool: target.pool, count: missing, force: options.force, maxHourlyCost: options.maxHourlyCost, ask: options.ask})
      if (cost && !state.estimated.has(target.pool.name)) {
        state.estimated.add(target.pool.name)
        deps.onNotice?.(formatEstimate(target.pool.name, cost))
      }
      // A pool that had no place at its last try is probed with one name, not asked for ten (create-batches.ts).
      attempt = await attemptPool(api, target, missing, reads, options, deps, state.parts[index]?.refusal === 'no_capacity')
    } catch (error) {
      if (!(error instanceof VeldaError)) throw error
      return readOrGuardFailed(options, state, target.pool, error)
    }
    const part = state.parts[index] as PoolPart
    part.created += attempt.run.created.length
    state.created.push(...attempt.run.created)
    state.failed = attempt.run.failed
    if (attempt.run.failed.length === 0) {
      delete part.refusal
      continue
    }
    if (attempt.refusal) part.refusal = attempt.refusal.refusal
    const words = attempt.run.failed[0]?.error ?? 'unknown error'
    if (attempt.run.interrupted || attempt.refusal?.refusal !== 'no_capacity') return createFailure(options, state, attempt, target.pool, words)
    state.lastRefusal = {pool: target.pool, refusal: attempt.refusal, words}
    state.findings.push(`${attempt.refusal.finding} (pool ${target.pool.name})`)
    if (index + 1 < options.chain.length) deps.onNotice?.(`pool ${target.pool.name}: ${attempt.refusal.finding}; ${plural(attempt.run.failed.length, 'droplet')} to go, trying pool ${options.chain[index + 1]?.pool.name}`)
  }
  return null
}

/** A later try, or a fallback pool: the pool listed afresh (the guards count it), the keys read once per pool. */
async function readAgain(api: DigitalOceanApi, pool: PoolConfig, keys: Map<string, SshKey[] | null>): Promise<ScaleUpReads> {
  const reads = await readForScaleUp(api, pool, {sshKeys: keys.get(pool.name)})
  keys.set(pool.name, reads.sshKeys)
  return reads
}

/** The pool's planned creates, shrunk on a refusal for capacity, and what a refusal that stopped them means. */
async function attemptPool(api: DigitalOceanApi, target: CreateTarget, count: number, reads: ScaleUpReads, options: ChainOptions, deps: ChainDeps, probe: boolean): Promise<PoolAttempt> {
  const {pool} = target
  const plan = planScaleUp({
    pool,
    count,
    userData: target.userData,
    existingNames: new Set(reads.members.map((m) => m.name)),
    random: deps.nameRandom,
    extraTags: leaseTags(options.lease),
  })
  deps.onProgress(`creating ${plural(count, 'droplet')} in pool ${pool.name} (${plural(plan.batches.length, 'request')})`)
  const tags = plan.batches[0]?.tags ?? []
  // The facts are read right after the first refusal and serve every refusal of this attempt (the shrink's
  // questions and its final answer): seconds apart, for the same pool, fewer names each time. A retrying run
  // would otherwise read them four times a try.
  let factsRead: Promise<RefusalFacts | null> | undefined
  const explain = async (refused: unknown, refusedCount: number): Promise<RefusalExplanation> => {
    if (!isCreateRefusal(refused)) return unexplainedRefusal(pool)
    factsRead ??= readRefusalFacts(api, pool, reads.sshKeys)
    const facts = await factsRead
    return facts ? explainRefusal(pool, refused.status, refusedCount, tags, facts, options.ask) : unexplainedRefusal(pool)
  }
  const run = await runScaleUp(plan, {
    createDroplets: async (request) => (await api.createDroplets(request)).map((d) => toPoolDroplet(d, pool.name)),
    listPool: async () => (await listPools(api, [pool], [pool])).members,
    sleep: deps.sleep,
    now: deps.now,
    random: deps.random,
    isInterrupted: deps.isInterrupted,
    onProgress: deps.onProgress,
    isCapacityRefusal: async (refused, refusedCount) => (await explain(refused, refusedCount)).refusal === 'no_capacity',
    ...(probe ? {probeFrom: 1} : {}),
  })
  return {run, refusal: run.refusal ? await explain(run.refusal, run.failed.length) : null}
}

/** `12/25 created, waiting for capacity (next try in 40s), 3m of 2h`, counted down each second; one line a try in CI. */
async function waitForNextTry(waitMs: number, at: {created: number; requested: number; startedAt: number; timeoutMs: number; tries: number}, deps: ChainDeps): Promise<void> {
  // Counted down by what was slept, not by the clock: a clock that does not move (a test's) cannot hold it forever.
  for (let left = waitMs; left > 0 && !deps.isInterrupted(); ) {
    deps.onProgress(capacityWaitProgress({created: at.created, requested: at.requested, nextInMs: left, elapsedMs: deps.now() - at.startedAt, timeoutMs: at.timeoutMs}), `${at.created}/${at.requested} after try ${at.tries}`)
    const step = Math.min(1_000, left)
    await deps.sleep(step)
    left -= step
  }
}

function made(options: ChainOptions, state: ChainState): string {
  return state.created.length === 0 ? 'no droplet was created' : `${state.created.length} of ${options.count} created`
}

function listCommands(options: ChainOptions, state: ChainState): string[] {
  return state.parts.filter((p) => p.created > 0).map((p) => `velda-do pool list ${p.pool} shows what exists`)
}

/** The no-capacity answer of a run without --retry-until-up: said once, with the count and the two ways on. */
function noCapacity(options: ChainOptions, state: ChainState, last: LastRefusal): CreateRefusedError {
  const findings = (state.findings ?? []).join('; ')
  const chained = options.chain.length > 1
  return new CreateRefusedError('no_capacity', state.created.length > 0, `${made(options, state)}; ${chained ? findings : last.refusal.finding}: ${last.words}`, {
    suggestions: [...(chained ? ['--retry-until-up waits for capacity in these pools (2h at most; --retry-timeout to change)'] : last.refusal.suggestions), ...listCommands(options, state)],
    partialResult: {refusal: 'no_capacity'},
  })
}

function timedOut(options: ChainOptions, state: ChainState, last: LastRefusal, elapsedMs: number): CapacityTimeoutError {
  const missing = options.count - state.created.length
  const findings = options.chain.length > 1 ? (state.findings ?? []).join('; ') : last.refusal.finding
  return new CapacityTimeoutError(`timed out waiting for capacity: ${made(options, state)} in ${formatDuration(Math.floor(elapsedMs / 1000) * 1000)} (${plural(state.tries, 'try', {plural: 'tries'})}); ${findings}`, {
    suggestions: [`${againCommand(options, missing)} goes on waiting for the ${plural(missing, 'droplet')} missing`, ...listCommands(options, state)],
    partialResult: {refusal: 'no_capacity'},
  })
}

/** `velda-do pool up amd -n 13 --retry-until-up --retry-timeout 4h --fallback amd-b`: the rest, waited for longer. */
function againCommand(options: ChainOptions, missing: number): string {
  const [first, ...fallbacks] = options.chain.map((t) => t.pool.name)
  return ['velda-do pool up', shellWord(first ?? ''), '-n', String(missing), '--retry-until-up --retry-timeout 4h', ...fallbacks.map((name) => `--fallback ${shellWord(name)}`)].join(' ')
}

function stoppedWaiting(options: ChainOptions, state: ChainState): InterruptedError {
  return new InterruptedError(`stopped while waiting for capacity: ${state.created.length} of ${plural(options.count, 'droplet')} had been created (all listed); nothing more was sent`)
}

function interrupted(options: ChainOptions, state: ChainState): InterruptedError {
  return new InterruptedError(`stopped: ${state.created.length} of ${plural(options.count, 'droplet')} had been created (all listed); nothing more was sent`)
}

/**
 * A read or a guard failed after the first: with nothing created yet the run changed nothing and ends with that
 * very error (a guard's exit 2, an API's exit 3); once something exists it is a partial run (exit 4), the
 * droplets listed and the reason given.
 */
function readOrGuardFailed(options: ChainOptions, state: ChainState, pool: PoolConfig, error: VeldaError): VeldaError {
  if (state.created.length === 0) return error
  return new PartialError(`${made(options, state)}; then pool ${pool.name} could not take more: ${error.message}`, {
    suggestions: [...error.suggestions, ...listCommands(options, state)],
    cause: error,
  })
}

/** What ended a try other than capacity: a stop, another refusal, creates that kept failing (as pool up has always said them). */
function createFailure(options: ChainOptions, state: ChainState, attempt: PoolAttempt, pool: PoolConfig, words: string): VeldaError {
  const {run, refusal} = attempt
  if (run.interrupted) return interrupted(options, state)
  const suggestions = listCommands(options, state)
  if (refusal) {
    const meaning = refusal.finding || 'DigitalOcean refused the create'
    return new CreateRefusedError(refusal.refusal, state.created.length > 0, `${made(options, state)}; ${meaning}: ${words}`, {
      suggestions: [...refusal.suggestions, ...suggestions],
      partialResult: {refusal: refusal.refusal},
    })
  }
  if (state.created.length === 0 && !run.uncertain) return new NothingChangedError(`no droplet was created: ${words}`)
  const failed = run.failed.length
  return new PartialError(`${state.created.length} of ${plural(options.count, 'droplet')} ${inflect(state.created.length, 'was', 'were')} created; ${failed} ${inflect(failed, 'was', 'were')} not: ${words}`, {
    suggestions: suggestions.length > 0 ? suggestions : [`velda-do pool list ${pool.name} shows what exists`],
  })
}
