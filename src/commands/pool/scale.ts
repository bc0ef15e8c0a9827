import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {ApiCommand} from '../../lib/cli/api-command.js'
import type {Failed, FailureView} from '../../lib/cli/base-command.js'
import {agentVersionFlag, apiEndpointFlag, brokerFlag, configFlag, leaseFrom, maxHourlyCostFlag, projectFlag, projectFrom, sshFlags, ttlFlag, waitFlags, waitForFlag} from '../../lib/cli/flags.js'
import {InterruptedError} from '../../lib/base/errors.js'
import {formatDroplets} from '../../lib/output/droplet-table.js'
import {createdAndAgents} from '../../lib/output/member-table.js'
import {printable} from '../../lib/text/printable.js'
import {plural} from '../../lib/text/plural.js'
import {formatEstimate, parseHourlyCost} from '../../lib/pool/cost.js'
import type {PoolDroplet} from '../../lib/pool/membership.js'
import {type MemberCounts, planPoolScale, type PoolScaleOutcome, runPoolScale} from '../../lib/pool/pool-scale.js'
import {waitSettings} from '../../lib/pool/wait.js'
import {prepareUserData} from '../../lib/userdata/prepare.js'

export type PoolScaleOutput = PoolScaleOutcome | {pool: string; before: MemberCounts; target: number; dry_run: true; would_create: number; would_delete: PoolDroplet[]}

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
    'dry-run': Flags.boolean({description: 'say what it would create or delete, and exit'}),
    'ignore-limits': Flags.boolean({description: "go past the pool's max_agents, or below its min_agents"}),
    ttl: ttlFlag,
    'max-hourly-cost': maxHourlyCostFlag,
    project: projectFlag,
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
    const userData = prepareUserData(config, {poolName: args.pool, broker: flags.broker, agentVersion: flags['agent-version'], secrets: dryRun ? 'redact' : 'reveal'})
    const {pool} = userData
    const lease = leaseFrom(flags.ttl, this.now())
    const project = projectFrom(flags.project, this.env, raw)
    const maxHourlyCost = flags['max-hourly-cost'] === undefined ? null : parseHourlyCost(flags['max-hourly-cost'], '--max-hourly-cost')
    const stop = this.stopSignals()
    const api = await this.connect({pool, endpointFlag: flags['api-endpoint']})
    const lock = dryRun ? null : await this.lockPool(api, pool.name)
    const plan = await planPoolScale(api, pool, flags.to, flags['ignore-limits'], config.pools)
    if (dryRun) {
      const wouldDelete = plan.action === 'delete' ? plan.chosen : []
      return {pool: pool.name, before: plan.before, target: flags.to, dry_run: true, would_create: plan.action === 'create' ? plan.count : 0, would_delete: wouldDelete}
    }
    if (plan.action === 'delete') {
      const to = `from ${plan.before.total} to ${flags.to}`
      await this.confirmDeletion(plan.chosen, `Delete these ${plural(plan.chosen.length, 'droplet')} of pool ${pool.name}?`, {
        yes: flags.yes,
        refusal: `scaling pool ${pool.name} ${to} deletes ${plural(plan.chosen.length, 'droplet')}: without a terminal to confirm on, pass --yes`,
        nothingDone: {pool: pool.name, before: plan.before, target: flags.to, created: [], deleted: [], failed: []},
      })
    }
    const progress = await this.startProgress()
    return runPoolScale(api, plan, {pool, target: flags.to, configured: config.pools, force: flags['ignore-limits'], userData: userData.script, wait, lease, maxHourlyCost, project}, {
      sleep: stop.sleep,
      now: this.now,
      random: Math.random,
      isInterrupted: stop.isStopped,
      onProgress: (text: string, state?: string) => progress.update(text, state),
      afterCreate: () => lock?.release(),
      onEstimate: (estimate) => this.info(formatEstimate(pool.name, estimate)),
      agents: flags['wait-for'] === 'agent' ? this.agentProbe(pool.name, flags) : undefined,
    })
  }

  protected override render(result: PoolScaleOutput): string {
    if ('dry_run' in result) {
      const at = `pool ${printable(result.pool)} has ${result.before.total}`
      if (result.would_create > 0) return `would create ${plural(result.would_create, 'droplet')}: ${at}, target ${result.target} (nothing sent)\n`
      if (result.would_delete.length > 0) return `would delete ${plural(result.would_delete.length, 'droplet')}: ${at}, target ${result.target} (nothing deleted):\n${formatDroplets(result.would_delete, this.now(), this.stdoutFit)}`
      return `already at ${result.target}: ${at}\n`
    }
    if (result.created.length > 0) return createdAndAgents(result, this.now(), this.stdoutFit)
    return result.deleted.map((d) => `${printable(`deleted ${d.name} (${d.id})`)}\n`).join('')
  }

  protected override finished(result: PoolScaleOutput): string {
    if ('dry_run' in result) return 'dry run'
    if (result.created.length > 0) return `created ${plural(result.created.length, 'droplet')}: pool ${result.pool} has ${result.before.total + result.created.length}`
    if (result.deleted.length > 0) return `deleted ${plural(result.deleted.length, 'droplet')}: pool ${result.pool} has ${result.before.total - result.deleted.length}`
    return `already at ${result.target}: nothing to do`
  }

  protected override renderFailure(partial: Failed<PoolScaleOutput>): FailureView | null {
    if ('dry_run' in partial || partial.created.length + partial.deleted.length === 0) return null
    const done = partial.created.length > 0 ? `created ${partial.created.length}` : `deleted ${partial.deleted.length}`
    return {
      progress: partial.error instanceof InterruptedError ? `stopped: ${done} on the way to ${partial.target}, listed below` : `${done} on the way to ${partial.target}`,
      stdout: partial.created.length > 0 ? createdAndAgents(partial, this.now(), this.stdoutFit) : partial.deleted.map((d) => `${printable(`deleted ${d.name} (${d.id})`)}\n`).join(''),
      stderr: partial.failed.map((f) => ('id' in f ? `not deleted: ${f.name} (${f.id}): ${f.error}` : `not created: ${f.name}: ${f.error}`)),
    }
  }
}
