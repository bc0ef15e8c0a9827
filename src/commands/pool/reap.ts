import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {ApiCommand} from '../../lib/cli/api-command.js'
import type {Failed, FailureView} from '../../lib/cli/base-command.js'
import {apiEndpointFlag, configFlag, probeFlags, probeTimeoutMs, sshFlags} from '../../lib/cli/flags.js'
import {isInteractive} from '../../lib/cli/io.js'
import {findPool} from '../../lib/config/load.js'
import {parseDuration} from '../../lib/text/duration.js'
import {GuardError, InterruptedError, UsageError} from '../../lib/base/errors.js'
import {formatReapPlan, formatReaped, formatReapTable} from '../../lib/output/reap-report.js'
import {printable} from '../../lib/text/printable.js'
import {inflect, plural} from '../../lib/text/plural.js'
import {groupByAccount} from '../../lib/pool/accounts.js'
import {type AccountReap, type GpuLook, keptOf, planReap, type PoolReapOutcome, type PoolReapResult, runReap} from '../../lib/pool/pool-reap.js'
import type {ReapPlan} from '../../lib/pool/reap-selection.js'
import {probeMembers} from '../../lib/pool/pool-status.js'
import type {PoolConfig} from '../../lib/config/types.js'
import type {DigitalOceanApi} from '../../lib/do/client.js'
import {gpuVendor} from '../../lib/catalog/gpu.js'
import {probeSettings} from '../../lib/ssh/settings.js'
import type {StopWatch} from '../../lib/cli/stop-signals.js'
import type {Progress} from '../../lib/cli/progress.js'

const REFUSAL = 'pool reap deletes droplets: without a terminal to confirm on, pass --yes'

export type PoolReapOutput = PoolReapOutcome | {dry_run: true; would_reap: ReturnType<typeof wouldReap>; kept: PoolReapResult['kept']}

export default class PoolReap extends ApiCommand<PoolReapOutput> {
  static override summary = 'Delete expired, stuck, and (by flag) off, GPU-idle or GPU-broken members.'
  static override description = [
    'Expired: a lease (pool up --ttl) that has passed, deleted even below min_agents. Stuck: still new after --stuck-after (default 30m). Off, with --off: powered off (DigitalOcean bills those too). Stuck and off members go only as far as the pool stays at min_agents (unless --ignore-limits).',
    'Idle, with --idle DURATION: GPUs not busy for that long, by the member\'s own GPU sample (idle_since), read over SSH as pool status reads it. Unhealthy, with --unhealthy: a GPU missing or counting uncorrectable errors (gpu-missing, gpu-errors). Both keep min_agents too; a member whose GPUs could not be read (unreachable, no sample, a sample over 3 minutes old, an unknown one) is kept and listed as unknown. Pools without GPUs are left out of both; refused (exit 2) when none of the pools has GPUs.',
    'Made for cron and scheduled CI: only members of the configured pools by the membership rule (never a droplet of another pool or of none), --dry-run, --yes required without a terminal when there is something to delete, exit 0 when there is nothing to do (no --yes needed). Deletes go as in pool down: up to 20 one request each, more by a tag made for this one delete.',
  ].join('\n\n')

  static override examples = [
    {description: 'What would go, in every pool', command: '<%= config.bin %> <%= command.id %> --all --dry-run'},
    {description: 'From cron, every 15 minutes', command: '<%= config.bin %> <%= command.id %> --all --yes --json'},
    {description: 'One pool, powered-off members too', command: '<%= config.bin %> <%= command.id %> amd-mi300x --off --yes'},
    {description: 'GPUs idle for 2 hours, or broken: what would go', command: '<%= config.bin %> <%= command.id %> amd-mi300x --idle 2h --unhealthy --dry-run'},
  ]

  static override args = {
    pool: Args.string({description: 'name of the pool in the config file (or --all)'}),
  }

  static override flags = {
    all: Flags.boolean({description: 'every configured pool'}),
    'stuck-after': Flags.string({description: 'a member still new after this long is stuck', default: '30m', helpValue: 'DURATION'}),
    off: Flags.boolean({description: 'also delete powered-off members'}),
    idle: Flags.string({description: "also delete members whose GPUs have not been busy for this long (by the member's own GPU sample, over SSH)", helpValue: 'DURATION'}),
    unhealthy: Flags.boolean({description: 'also delete members with a GPU missing or counting uncorrectable errors (over SSH)'}),
    yes: Flags.boolean({char: 'y', description: 'do not ask for confirmation (required without a terminal)'}),
    'dry-run': Flags.boolean({description: 'show what would be deleted and why, and exit'}),
    'ignore-limits': Flags.boolean({description: "delete stuck, off, idle and unhealthy members even below the pool's min_agents"}),
    ...sshFlags,
    ...probeFlags('--idle, --unhealthy'),
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
    // The sampler takes a sample a minute: a shorter idle time cannot be told apart.
    const idleMs = flags.idle === undefined ? null : parseDuration(flags.idle, '--idle', {minMs: 60_000, maxMs: 30 * 86_400_000})
    const timeoutMs = probeTimeoutMs(flags.timeout)
    const config = this.readConfig(flags.config)
    const pools = flags.all ? config.pools : [findPool(config, args.pool ?? '')]
    const gpuFlags = idleMs !== null || flags.unhealthy
    if (gpuFlags) this.checkGpuPools(pools, [...(idleMs === null ? [] : ['--idle']), ...(flags.unhealthy ? ['--unhealthy'] : [])])
    // Without --yes and a terminal nothing can be deleted, but a run with nothing to reap needs no --yes (cron
    // runs it every 15 minutes, mostly with nothing to do): look as a dry run does, without locks, then refuse
    // only when there is something to delete.
    const canDelete = !flags['dry-run'] && (flags.yes || isInteractive(this.factory.io))
    const stop = this.stopSignals()
    const accounts: AccountReap[] = []
    for (const group of groupByAccount(pools, flags['api-endpoint'], this.env)) {
      const api = await this.connect({pool: group[0] ?? null, endpointFlag: flags['api-endpoint']})
      const look = gpuFlags ? this.gpuLook(api, flags, {idleMs, unhealthy: flags.unhealthy, timeoutMs, stop}) : null
      if (canDelete) for (const pool of group) await this.lockPool(api, pool.name)
      const plans = await planReap(api, group, config.pools, {now: this.now(), stuckAfterMs, off: flags.off, force: flags['ignore-limits']}, look)
      accounts.push({api, plans})
    }
    this.probing?.dispose()
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

  /** The spinner of the probes, ended before the prompt (which shares the terminal) or the deletes' own. */
  private probing: Progress | null = null

  /**
   * --idle and --unhealthy judge a member by its GPU sample: a pool without GPUs has none, and is left out. A cron
   * line over --all keeps working for the GPU pools beside a CPU one (a note says so); run where no pool has GPUs,
   * the flag can do nothing at all, which is a mistake to be told of: exit 2, before anything is sent.
   */
  private checkGpuPools(pools: readonly PoolConfig[], given: readonly string[]): void {
    const flags = given.join(' and ')
    const cpu = pools.filter((pool) => !hasGpus(pool))
    if (cpu.length === pools.length) {
      const [only] = cpu
      const which = cpu.length > 1 || !only ? `none of the ${plural(cpu.length, 'pool')} has GPUs` : `pool ${only.name} has no GPUs (size ${only.size})`
      throw new UsageError(`${flags}: ${which}: idle and unhealthy members are judged by their GPU sample, which only GPU sizes keep`, {
        suggestions: ['leave out --idle and --unhealthy (pool reap POOL --stuck-after, --off, and leases given by pool up --ttl still apply)'],
      })
    }
    for (const pool of cpu) this.say(`note: ${flags} ${inflect(given.length, 'leaves', 'leave')} out pool ${printable(pool.name)}: its size ${printable(pool.size)} has no GPUs`)
  }

  private gpuLook(api: DigitalOceanApi, flags: Parameters<typeof probeSettings>[0] & {parallel: number}, options: {idleMs: number | null; unhealthy: boolean; timeoutMs: number; stop: StopWatch}): GpuLook {
    // Checked before anything is sent to a member: ssh on PATH, -i a file, where host keys are kept.
    const settings = probeSettings(flags, {env: this.env, endpoint: api.endpoint, parallel: flags.parallel, timeoutMs: options.timeoutMs})
    return {
      options: {idleMs: options.idleMs, unhealthy: options.unhealthy},
      hasGpus,
      probe: async (pool, members) => {
        this.probing ??= await this.startProgress()
        this.probing.update(`probing the GPUs of ${plural(members.length, 'member')} of pool ${pool.name}`)
        const result = await probeMembers(pool.name, members, settings, {
          runSsh: (sshArgs, sshOptions) => this.ssh.run(sshArgs, {...sshOptions, signal: options.stop.aborted}),
          isInterrupted: options.stop.isStopped,
        })
        return result.members
      },
    }
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

/** A size with GPUs (`gpu-*`, even one whose model velda-do cannot name). */
function hasGpus(pool: PoolConfig): boolean {
  return gpuVendor(pool.size) !== 'none'
}

function wouldReap(plans: readonly ReapPlan[]) {
  return plans.flatMap((plan) => plan.reap.map((c) => ({...c.droplet, pool: plan.pool, reason: c.reason, detail: c.detail})))
}
