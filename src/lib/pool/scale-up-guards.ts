import type {PoolConfig} from '../config/types.js'
import type {Size, SshKey} from '../do/types.js'
import {GuardError} from '../base/errors.js'

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
