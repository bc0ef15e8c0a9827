import type {PoolConfig} from '../config/types.js'
import type {Size, SshKey} from '../do/types.js'
import {GuardError} from '../base/errors.js'
import {inflect, plural} from '../text/plural.js'

// The guards of docs/cli.md ("velda-do pool up") before any create, as pure functions of what was read: the real
// run and the dry run call the same ones on the same facts, so a dry run cannot pass what the run would refuse.

/**
 * How the user asked for droplets, so that a refusal names the flag to type instead: pool up asks for a number
 * more (`--count`), pool scale for a total (`--to`); "ask for at most 1" is no fix for `--to 5`.
 */
export interface Ask {
  /** What the refusal quotes: `12 more`, `--to 12`. */
  readonly asked: string
  /**
   * The fix that creates only `room` more droplets of the `pending` still to create: `ask for at most 7: --count 7`,
   * `scale to at most 9: --to 9`. `pending` is what a refusal was about: all of the run's before any create, the
   * rest of them after a refused one (the droplets created by then stay, so a total counts them).
   */
  fix(room: number, pending: number, note?: string): string
  /** The fix when the pool was not counted (a dry run without a token): what max_agents allows at most. */
  fixUncounted(maxAgents: number): string
}

/** pool up's `--count N`. */
export function askCount(count: number): Ask {
  const fix = (room: number, note?: string) => `ask for at most ${room}${note ? ` (${note})` : ''}: --count ${room}`
  return {asked: `${count} more`, fix: (room, _pending, note) => fix(room, note), fixUncounted: (maxAgents) => fix(maxAgents, 'fewer if the pool has droplets')}
}

/**
 * pool scale's `--to N` (a total: the fix is the total that fits). What exists, or will once the run is done, is the
 * target less the droplets still to create; `room` more of those fit. Counted from the target, not from the pool
 * before the run: after a create refused part-way the droplets made by then are part of the total, and a `--to`
 * below them would delete what was just created.
 */
export function askTarget(target: number): Ask {
  const fix = (total: number, note?: string) => `scale to at most ${total}${note ? ` (${note})` : ''}: --to ${total}`
  return {asked: `--to ${target}`, fix: (room, pending, note) => fix(target - pending + room, note), fixUncounted: (maxAgents) => fix(maxAgents)}
}

/** What DigitalOcean and the pool are now, as the guards need it: read with a token only. */
export interface AccountFacts {
  /** The pool's droplets now. */
  current: number
  sizes: readonly Size[]
  /** null when the pool has no ssh keys (then the account's keys are not fetched). */
  sshKeys: readonly SshKey[] | null
  /** The account's droplet limit and its droplets now, GPU ones included. */
  account: {dropletLimit: number; droplets: number}
}

export interface GuardInput {
  pool: PoolConfig
  /** Droplets to create. */
  count: number
  force: boolean
  /** How they were asked for (askCount unless given). */
  ask?: Ask
  /** What was read of the account; null without a token: then only what the config alone decides is checked. */
  facts: AccountFacts | null
}

/** What a guard found wrong and how to fix it; `velda-do doctor` reports it, `pool up` refuses with it. */
export interface GuardProblem {
  message: string
  suggestions: string[]
}

/** The first guard that refuses, or null: max_agents, the droplet limit, the size, the ssh keys, in that order. */
export function scaleUpProblem(input: GuardInput): GuardProblem | null {
  const {facts} = input
  const ask = input.ask ?? askCount(input.count)
  const problems = [
    maxAgentsProblem(input.pool, input.count, facts?.current ?? null, input.force, ask),
    facts ? accountLimitProblem(facts.account, input.count, ask) : null,
    facts ? sizeProblem(input.pool, facts.sizes) : null,
    facts?.sshKeys ? sshKeysProblem(input.pool, facts.sshKeys) : null,
  ]
  return problems.find((p) => p !== null) ?? null
}

/** scaleUpProblem as a refusal: exit 2 with the fix, nothing sent. */
export function checkScaleUpGuards(input: GuardInput): void {
  const problem = scaleUpProblem(input)
  if (problem) throw new GuardError(problem.message, {suggestions: problem.suggestions})
}

/**
 * The pool's droplets plus the new ones within max_agents, unless --ignore-limits. Without a count of the pool
 * (`current` null) the config still decides one case: more than max_agents is too many whatever the pool holds.
 */
function maxAgentsProblem(pool: PoolConfig, count: number, current: number | null, force: boolean, ask: Ask = askCount(count)): GuardProblem | null {
  if (pool.maxAgents === null || force || (current ?? 0) + count <= pool.maxAgents) return null
  const past = 'or pass --ignore-limits to go past max_agents'
  if (current === null) {
    return {message: `${ask.asked} would exceed pool ${pool.name}'s max_agents of ${pool.maxAgents} even if it had no droplet`, suggestions: [ask.fixUncounted(pool.maxAgents), past]}
  }
  const room = pool.maxAgents - current
  return {
    message: `pool ${pool.name} has ${plural(current, 'droplet')}; ${ask.asked} would exceed its max_agents of ${pool.maxAgents}`,
    suggestions: [room > 0 ? ask.fix(room, count) : `the pool is at its max_agents already: make room with velda-do pool down ${pool.name}, ${past}`, ...(room > 0 ? [past] : [])],
  }
}

export function accountLimitProblem(account: {dropletLimit: number; droplets: number}, count: number, ask: Ask = askCount(count)): GuardProblem | null {
  const room = Math.max(0, account.dropletLimit - account.droplets)
  if (count <= room) return null
  return {
    message: `the account's droplet limit is ${account.dropletLimit}; ${plural(account.droplets, 'droplet')} ${inflect(account.droplets, 'exists', 'exist')} and ${count} more ${inflect(count, 'was', 'were')} asked for`,
    suggestions: [
      room > 0 ? ask.fix(room, count) : 'delete droplets the account no longer needs',
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
      suggestions: ['velda-do sizes lists the sizes there are', 'AMD MI300X sizes end in -devcloud on the AMD Developer Cloud (https://api.devcloud.amd.com) and not on https://api.digitalocean.com: velda-do doctor names the nearest sizes the account offers'],
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
    message: `${inflect(missing.length, 'ssh key', 'ssh keys')} ${missing.join(', ')} of pool ${pool.name} ${inflect(missing.length, 'is', 'are')} not on the account`,
    suggestions: ['velda-do ssh-keys lists the keys there are', 'fix ssh_key_ids in the config'],
  }
}
