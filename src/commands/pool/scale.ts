import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {ApiCommand} from '../../lib/cli/api-command.js'
import type {Failed, FailureView} from '../../lib/cli/base-command.js'
import {agentVersionFlag, apiEndpointFlag, brokerFlag, capacityFlags, configFlag, leaseFrom, maxHourlyCostFlag, projectFlag, projectFrom, sshFlags, ttlFlag, waitFlags, waitForFlag} from '../../lib/cli/flags.js'
import {InterruptedError, type Outcome} from '../../lib/base/errors.js'
import type {PoolConfig} from '../../lib/config/types.js'
import {judgeScaleUp} from '../../lib/pool/scale-up-check.js'
import {askTarget} from '../../lib/pool/scale-up-guards.js'
import {formatDroplets} from '../../lib/output/droplet-table.js'
import {createdAndAgents} from '../../lib/output/member-table.js'
import {afterCreateProgress, createdLine, type LeftRunning, leftRunning, notCreatedLines} from '../../lib/output/create-report.js'
import {printable} from '../../lib/text/printable.js'
import {plural} from '../../lib/text/plural.js'
import {formatEstimate, parseHourlyCost} from '../../lib/pool/cost.js'
import type {PoolDroplet} from '../../lib/pool/membership.js'
import {type MemberCounts, planPoolScale, type PoolScaleOutcome, runPoolScale} from '../../lib/pool/pool-scale.js'
import {waitSettings} from '../../lib/pool/wait.js'
import {prepareUserData} from '../../lib/userdata/prepare.js'
import {capacityChoice} from '../../lib/cli/capacity-choice.js'

/** `--dry-run`: what it would create or delete, and (as an outcome's error) the refusal the run would give. */
export type PoolScaleDryRun = Outcome<{pool: string; before: MemberCounts; target: number; dry_run: true; would_create: number; would_delete: PoolDroplet[]}>

export type PoolScaleOutput = PoolScaleOutcome | PoolScaleDryRun

export default class PoolScale extends ApiCommand<PoolScaleOutput> {
  static override summary = 'Make a pool exactly N droplets: create the missing ones or delete the surplus.'
  static override description = [
    "Counts the pool's own droplets (new, active and off alike), then creates the missing ones as pool up does (batched, never duplicated, with its guards) or deletes the surplus in pool down's order (not yet active first, then the newest). Running it again is a no-op with exit 0.",
    'Deleting asks first on a terminal and needs --yes without one; creating does not ask. Exit codes as pool up and pool down: 2 for a guard, 4 when part was done, 5 when --wait runs out of time, 130 on Ctrl-C (what exists is printed).',
  ].join('\n\n')

  static override examples = [
    {description: 'Four MI300X droplets, whatever there are now', command: '<%= config.bin %> <%= command.id %> amd-mi300x --to 4 --yes'},
    {description: 'What it would do', command: '<%= config.bin %> <%= command.id %> amd-mi300x --to 4 --dry-run'},
    {description: 'Scale to zero at night, from cron', command: '<%= config.bin %> <%= command.id %> amd-mi300x --to 0 --yes --json'},
  ]

  static override args = {
    pool: Args.string({description: 'name of the pool in the config file', required: true}),
  }

  static override flags = {
    to: Flags.integer({description: 'how many droplets the pool should have', required: true, min: 0, helpValue: 'N'}),
    yes: Flags.boolean({char: 'y', description: 'delete without asking (required without a terminal when the pool shrinks)'}),
    ...waitFlags,
    'wait-for': waitForFlag,
    ...sshFlags,
    'dry-run': Flags.boolean({description: 'say what it would create or delete, run the guards the run would (exit 2 if one refuses), and exit'}),
    'ignore-limits': Flags.boolean({description: "go past the pool's max_agents, or below its min_agents"}),
    ttl: ttlFlag,
    'max-hourly-cost': maxHourlyCostFlag,
    project: projectFlag,
    ...capacityFlags,
    config: configFlag,
    broker: brokerFlag,
    'agent-version': agentVersionFlag,
    'api-endpoint': apiEndpointFlag,
  }

  protected async execute(): Promise<PoolScaleOutput> {
    const {args, flags, raw} = await this.parse(PoolScale)
    const config = this.readConfig(flags.config)
    const wait = flags.wait || flags['wait-for'] === 'agent' ? waitSettings(flags['wait-timeout'], flags['poll-interval']) : null
    const dryRun = flags['dry-run']
    // Each pool's boot script alike (the first's and its --fallback pools'): the same --broker and --agent-version.
    const prepare = (poolName: string) => prepareUserData(config, {poolName, broker: flags.broker, agentVersion: flags['agent-version'], secrets: dryRun ? 'redact' : 'reveal'})
    const userData = prepare(args.pool)
    for (const warning of userData.warnings) this.say(this.paint.warning(warning))
    const {pool} = userData
    const capacity = capacityChoice(config, userData, flags, prepare)
    for (const warning of capacity.warnings) this.say(this.paint.warning(warning))
    const fallbackPools = capacity.fallbacks.map((t) => t.pool)
    const lease = leaseFrom(flags.ttl, this.now())
    const project = projectFrom(flags.project, this.env, raw)
    const maxHourlyCost = flags['max-hourly-cost'] === undefined ? null : parseHourlyCost(flags['max-hourly-cost'], '--max-hourly-cost')
    const stop = this.stopSignals()
    if (dryRun) return this.dryRun(pool, {target: flags.to, force: flags['ignore-limits'], maxHourlyCost, project, endpointFlag: flags['api-endpoint'], configured: config.pools, fallbacks: fallbackPools})
    const api = await this.connect({pool, endpointFlag: flags['api-endpoint']})
    const lock = await this.lockPools(api, [pool.name, ...fallbackPools.map((p) => p.name)])
    const plan = await planPoolScale(api, pool, flags.to, flags['ignore-limits'], config.pools, fallbackPools)
    this.before = {own: plan.before.total, minAgents: pool.minAgents}
    if (plan.action === 'delete') {
      const to = `from ${plan.before.total} to ${flags.to}`
      await this.confirmDeletion(plan.chosen, `Delete these ${plural(plan.chosen.length, 'droplet')} of pool ${pool.name}?`, {
        yes: flags.yes,
        refusal: `scaling pool ${pool.name} ${to} deletes ${plural(plan.chosen.length, 'droplet')}: without a terminal to confirm on, pass --yes`,
        nothingDone: {pool: pool.name, before: plan.before, target: flags.to, created: [], deleted: [], failed: []},
      })
    }
    const progress = await this.startProgress()
    return runPoolScale(api, plan, {pool, target: flags.to, configured: config.pools, force: flags['ignore-limits'], userData: userData.script, wait, lease, maxHourlyCost, project, fallbacks: capacity.fallbacks, retryUntilUp: capacity.retryUntilUp}, {
      sleep: stop.sleep,
      now: this.now,
      random: () => this.factory.random(),
      isInterrupted: stop.isStopped,
      onProgress: (text: string, state?: string) => progress.update(text, state),
      onNotice: (text) => this.info(text),
      afterCreate: () => lock.release(),
      onEstimate: (estimate) => this.info(formatEstimate(pool.name, estimate)),
      agents: flags['wait-for'] === 'agent' ? this.agentProbe(pool.name, flags) : undefined,
    })
  }

  /**
   * What the scale would do, judged by the guards the run would apply: the listing, min_agents and the run's size
   * (planPoolScale), then for a create pool up's own (judgeScaleUp). A refusal is the outcome's error, exit 2, the
   * plan printed above it. Without a token nothing can be planned: only what the config alone decides is refused
   * (a --to past max_agents), else the missing token is.
   */
  private async dryRun(pool: PoolConfig, options: {target: number; force: boolean; maxHourlyCost: number | null; project: string | null; endpointFlag: string | undefined; configured: readonly PoolConfig[]; fallbacks: readonly PoolConfig[]}): Promise<PoolScaleOutput> {
    const {target, force} = options
    const connected = await this.connectForDryRun({pool, endpointFlag: options.endpointFlag})
    if (connected.api === null) {
      // Not counted: the whole target is what the config judges (own 0: only the uncounted fix, --to max_agents, is said).
      const verdict = await judgeScaleUp(null, {pool, count: target, force, ask: askTarget(target)})
      throw verdict.refusal ?? connected.noToken
    }
    const plan = await planPoolScale(connected.api, pool, target, force, options.configured, options.fallbacks)
    const result = {pool: pool.name, before: plan.before, target, dry_run: true as const, would_create: plan.action === 'create' ? plan.count : 0, would_delete: plan.action === 'delete' ? plan.chosen : []}
    if (plan.action !== 'create') return result
    const verdict = await judgeScaleUp(connected.api, {pool, count: plan.count, force, maxHourlyCost: options.maxHourlyCost, project: options.project, members: plan.members, ask: askTarget(target)})
    if (verdict.cost) this.info(formatEstimate(pool.name, verdict.cost))
    return verdict.refusal ? {...result, error: verdict.refusal} : result
  }

  protected override render(result: PoolScaleOutput): string {
    if ('dry_run' in result) return this.formatPlan(result)
    if (result.created.length > 0) return createdAndAgents(result, this.now(), this.stdoutFit)
    return result.deleted.map((d) => `${printable(`deleted ${d.name} (${d.id})`)}\n`).join('')
  }

  protected override finished(result: PoolScaleOutput): string {
    if ('dry_run' in result) return 'dry run'
    if (result.created.length > 0 && result.pools) return `${createdLine(result)}; the pools have ${result.before.total + result.created.length} together`
    if (result.created.length > 0) return `created ${plural(result.created.length, 'droplet')}: pool ${result.pool} has ${result.before.total + result.created.length}`
    if (result.deleted.length > 0) return `deleted ${plural(result.deleted.length, 'droplet')}: pool ${result.pool} has ${result.before.total - result.deleted.length}`
    return `already at ${result.target}: nothing to do`
  }

  /** `would create 3 droplets: pool gpu has 5, target 8 (nothing sent)`, what would be deleted, or `already at`. */
  private formatPlan(plan: PoolScaleDryRun): string {
    const at = `pool ${printable(plan.pool)} has ${plan.before.total}`
    if (plan.would_create > 0) return `would create ${plural(plan.would_create, 'droplet')}: ${at}, target ${plan.target} (nothing sent)\n`
    if (plan.would_delete.length > 0) return `would delete ${plural(plan.would_delete.length, 'droplet')}: ${at}, target ${plan.target} (nothing deleted):\n${formatDroplets(plan.would_delete, this.now(), this.stdoutFit)}`
    return `already at ${plan.target}: ${at}\n`
  }

  /** The pool as the scale found it: whether the new droplets are all of it, and its min_agents. */
  private before: {own: number; minAgents: number} | null = null

  /** Droplets created before a stop or a failure bill until deleted: how many, what an hour, and the command. */
  protected override leftRunning(partial: Failed<PoolScaleOutput>): LeftRunning | null {
    if ('dry_run' in partial) return null
    return leftRunning(partial, this.before, partial.cost?.price_hourly ?? null)
  }

  protected override renderFailure(partial: Failed<PoolScaleOutput>): FailureView | null {
    // A dry run the guards refused: its plan, then the refusal the run would give.
    if ('dry_run' in partial) return {progress: '', stdout: this.formatPlan(partial), stderr: []}
    if (partial.created.length + partial.deleted.length === 0) return null
    const done = partial.created.length > 0 ? `created ${partial.created.length}` : `deleted ${partial.deleted.length}`
    const afterCreate = partial.created.length > 0 ? afterCreateProgress(partial, partial.target - partial.before.total) : null
    return {
      progress: partial.error instanceof InterruptedError ? `stopped: ${done} on the way to ${partial.target}, listed below` : (afterCreate ?? `${done} on the way to ${partial.target}`),
      stdout: partial.created.length > 0 ? createdAndAgents(partial, this.now(), this.stdoutFit) : partial.deleted.map((d) => `${printable(`deleted ${d.name} (${d.id})`)}\n`).join(''),
      stderr: [
        ...partial.failed.flatMap((f) => ('id' in f ? [`not deleted: ${f.name} (${f.id}): ${f.error}`] : [])),
        ...notCreatedLines(partial.failed.filter((f) => !('id' in f)), partial.error),
      ],
    }
  }
}
