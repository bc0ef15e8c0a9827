import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {ApiCommand} from '../../lib/cli/api-command.js'
import type {Failed, FailureView} from '../../lib/cli/base-command.js'
import {apiEndpointFlag, configFlag} from '../../lib/cli/flags.js'
import {isInteractive} from '../../lib/cli/io.js'
import {findPool} from '../../lib/config/load.js'
import {parseDuration} from '../../lib/text/duration.js'
import {GuardError, InterruptedError, UsageError} from '../../lib/base/errors.js'
import {formatReapPlan, formatReaped, formatReapTable} from '../../lib/output/reap-report.js'
import {printable} from '../../lib/text/printable.js'
import {inflect, plural} from '../../lib/text/plural.js'
import {groupByAccount} from '../../lib/pool/accounts.js'
import {type AccountReap, keptOf, planReap, type PoolReapOutcome, type PoolReapResult, runReap} from '../../lib/pool/pool-reap.js'
import type {ReapPlan} from '../../lib/pool/reap-selection.js'

const REFUSAL = 'pool reap deletes droplets: without a terminal to confirm on, pass --yes'

export type PoolReapOutput = PoolReapOutcome | {dry_run: true; would_reap: ReturnType<typeof wouldReap>; kept: PoolReapResult['kept']}

export default class PoolReap extends ApiCommand<PoolReapOutput> {
  static override summary = 'Delete members whose lease passed, stuck in new, or (--off) powered off.'
  static override description = [
    'Expired: a lease (pool up --ttl) that has passed, deleted even below min_agents. Stuck: still new after --stuck-after (default 30m). Off, with --off: powered off (DigitalOcean bills those too). Stuck and off members go only as far as the pool stays at min_agents (unless --ignore-limits).',
    'Made for cron and scheduled CI: only members of the configured pools by the membership rule (never a droplet of another pool or of none), --dry-run, --yes required without a terminal when there is something to delete, exit 0 when there is nothing to do (no --yes needed). Deletes go as in pool down: up to 20 one request each, more by a tag made for this one delete.',
  ].join('\n\n')

  static override examples = [
    {description: 'What would go, in every pool', command: '<%= config.bin %> <%= command.id %> --all --dry-run'},
    {description: 'From cron, every 15 minutes', command: '<%= config.bin %> <%= command.id %> --all --yes --json'},
    {description: 'One pool, powered-off members too', command: '<%= config.bin %> <%= command.id %> amd-mi300x --off --yes'},
  ]

  static override args = {
    pool: Args.string({description: 'name of the pool in the config file (or --all)'}),
  }

  static override flags = {
    all: Flags.boolean({description: 'every configured pool'}),
    'stuck-after': Flags.string({description: 'a member still new after this long is stuck', default: '30m', helpValue: 'DURATION'}),
    off: Flags.boolean({description: 'also delete powered-off members'}),
    yes: Flags.boolean({char: 'y', description: 'do not ask for confirmation (required without a terminal)'}),
    'dry-run': Flags.boolean({description: 'show what would be deleted and why, and exit'}),
    'ignore-limits': Flags.boolean({description: "delete stuck and off members even below the pool's min_agents"}),
    config: configFlag,
    'api-endpoint': apiEndpointFlag,
  }

  protected async execute(): Promise<PoolReapOutput> {
    const {args, flags} = await this.parse(PoolReap)
    if (Boolean(args.pool) === Boolean(flags.all)) {
      // Neither: the pools there are to name, as for a missing POOL anywhere.
      const names = args.pool ? [] : this.configuredPools(flags.config)
      throw new UsageError('say which pools: a POOL, or --all', {suggestions: [names.length > 0 ? `the pools are: ${names.join(', ')}` : 'velda-do pool reap POOL', 'velda-do pool reap --all']})
    }
    const stuckAfterMs = parseDuration(flags['stuck-after'], '--stuck-after', {minMs: 60_000, maxMs: 30 * 86_400_000})
    const config = this.readConfig(flags.config)
    const pools = flags.all ? config.pools : [findPool(config, args.pool ?? '')]
    // Without --yes and a terminal nothing can be deleted, but a run with nothing to reap needs no --yes (cron
    // runs it every 15 minutes, mostly with nothing to do): look as a dry run does, without locks, then refuse
    // only when there is something to delete.
    const canDelete = !flags['dry-run'] && (flags.yes || isInteractive(this.factory.io))
    const stop = this.stopSignals()
    const accounts: AccountReap[] = []
    for (const group of groupByAccount(pools, flags['api-endpoint'], this.env)) {
      const api = await this.connect({pool: group[0] ?? null, endpointFlag: flags['api-endpoint']})
      if (canDelete) for (const pool of group) await this.lockPool(api, pool.name)
      const plans = await planReap(api, group, config.pools, {now: this.now(), stuckAfterMs, off: flags.off, force: flags['ignore-limits']})
      accounts.push({api, plans})
    }
    const plans = accounts.flatMap((a) => a.plans)
    this.sayLeftAlone(plans)
    if (flags['dry-run']) return {dry_run: true, would_reap: wouldReap(plans), kept: keptOf(plans)}
    const chosen = plans.flatMap((plan) => plan.reap.map((c) => c.droplet))
    if (chosen.length === 0) {
      this.info('nothing to reap')
      return {reaped: [], failed: [], kept: keptOf(plans)}
    }
    const nothingDone = {reaped: [], failed: [], kept: keptOf(plans)}
    if (!canDelete) throw new GuardError(`${REFUSAL} (it would delete ${plural(chosen.length, 'droplet')}; nothing was deleted)`, {suggestions: ['add --yes (or --dry-run to see what would go)']})
    const question = `Delete ${inflect(chosen.length, 'this droplet', `these ${plural(chosen.length, 'droplet')}`)}?`
    await this.confirmDeletion(chosen, question, {yes: flags.yes, refusal: REFUSAL, nothingDone, table: (fit) => formatReapTable(wouldReap(plans), this.now(), fit)})
    if (stop.isStopped()) throw new InterruptedError('stopped before deleting: nothing was deleted', {partialResult: nothingDone})
    const progress = await this.startProgress()
    return runReap(accounts, {isInterrupted: stop.isStopped, onProgress: (text) => progress.update(text)})
  }

  private sayLeftAlone(plans: readonly ReapPlan[]): void {
    const shared = [...new Map(plans.flatMap((p) => p.sharedLeftAlone).map((d) => [d.id, d])).values()]
    if (shared.length === 0) return
    this.say(this.paint.warning(`left alone: ${plural(shared.length, 'droplet')} that another configured pool may own too (${shared.map((d) => printable(d.name)).join(', ')})`))
  }

  protected override render(result: PoolReapOutput): string {
    if ('dry_run' in result) return formatReapPlan(result.would_reap, result.kept, this.now(), this.stdoutFit)
    return formatReaped(result)
  }

  protected override finished(result: PoolReapOutput): string {
    return 'dry_run' in result ? 'dry run' : `reaped ${plural(result.reaped.length, 'droplet')}`
  }

  protected override renderFailure(partial: Failed<PoolReapOutput>): FailureView | null {
    if ('dry_run' in partial) return null
    const attempted = plural(partial.reaped.length + partial.failed.length, 'droplet')
    return {
      progress: partial.error instanceof InterruptedError ? `stopped: ${partial.reaped.length} of ${attempted} reaped, listed below` : `reaped ${partial.reaped.length} of ${attempted}`,
      stdout: formatReaped({...partial, failed: []}),
      stderr: partial.failed.map((d) => `not deleted: ${d.name} (${d.id}): ${d.error}`),
    }
  }
}

function wouldReap(plans: readonly ReapPlan[]) {
  return plans.flatMap((plan) => plan.reap.map((c) => ({...c.droplet, pool: plan.pool, reason: c.reason, detail: c.detail})))
}
