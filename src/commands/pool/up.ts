import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {ApiCommand} from '../../lib/cli/api-command.js'
import type {Failed, FailureView} from '../../lib/cli/base-command.js'
import {agentVersionFlag, apiEndpointFlag, brokerFlag, configFlag, leaseFrom, maxHourlyCostFlag, projectFlag, projectFrom, renamedForceFlag, sshFlags, ttlFlag, waitFlags, waitForFlag} from '../../lib/cli/flags.js'
import type {PoolConfig} from '../../lib/config/types.js'
import {InterruptedError, VeldaError} from '../../lib/base/errors.js'
import {type CostEstimate, estimateGrowth, formatEstimate, parseHourlyCost} from '../../lib/pool/cost.js'
import {createdAndAgents} from '../../lib/output/member-table.js'
import {dryRunHeader, formatDryRun} from '../../lib/output/requests.js'
import {plural} from '../../lib/text/plural.js'
import {dryRunRequests, type DryRunRequest, poolUp, type PoolUpOutcome} from '../../lib/pool/pool-up.js'
import {resolveEndpoint} from '../../lib/config/resolve-settings.js'
import {waitSettings} from '../../lib/pool/wait.js'
import {checkRunSize, MAX_COUNT} from '../../lib/pool/run-size.js'
import {prepareUserData} from '../../lib/userdata/prepare.js'

export type PoolUpOutput = PoolUpOutcome | {pool: string; requested: number; dry_run: true; cost: CostEstimate | null; requests: DryRunRequest[]}

export default class PoolUp extends ApiCommand<PoolUpOutput> {
  static override summary = 'Create droplets for a pool: batched, never duplicated, every one reported.'
  // The name doctl and gh users type.
  static override hiddenAliases = ['pool:create']
  static override description = [
    "Checks first: max_agents (unless --ignore-limits), the account's droplet limit, that the size is offered in the region, that the ssh keys exist.",
    'Sends one POST per 10 droplets. A create that fails ambiguously (lost answer, 5xx, 429) is never repeated blindly: velda-do lists the pool and creates only the names that do not exist.',
    'Exit 4 when some droplets were created and some were not (both are listed), 5 when --wait runs out of time, 130 on Ctrl-C (what exists is printed).',
  ].join('\n\n')

  static override examples = [
    {description: 'Two MI300X droplets, waiting until they are active', command: '<%= config.bin %> <%= command.id %> amd-mi300x --count 2 --wait'},
    {description: 'See the exact requests, user_data included (secrets redacted), without sending them', command: '<%= config.bin %> <%= command.id %> amd-mi300x -n 12 --dry-run'},
    {description: 'In CI: the names of what was created', command: "<%= config.bin %> <%= command.id %> cpu-small -n 3 --json | jq -r '.created[].name'"},
  ]

  static override args = {
    pool: Args.string({description: 'name of the pool in the config file', required: true}),
  }

  static override flags = {
    count: Flags.integer({char: 'n', description: `how many droplets to create (at most ${MAX_COUNT} in one run)`, default: 1, min: 1}),
    ...waitFlags,
    'wait-for': waitForFlag,
    ...sshFlags,
    'dry-run': Flags.boolean({description: 'print the requests it would send and exit; needs no token (with one, it reads the price of the size)'}),
    'ignore-limits': Flags.boolean({description: "go past the pool's max_agents"}),
    ttl: ttlFlag,
    'max-hourly-cost': maxHourlyCostFlag,
    project: projectFlag,
    ...renamedForceFlag,
    config: configFlag,
    broker: brokerFlag,
    'agent-version': agentVersionFlag,
    'api-endpoint': apiEndpointFlag,
  }

  protected async execute(): Promise<PoolUpOutput> {
    const {args, flags, raw} = await this.parse(PoolUp)
    checkRunSize(flags.count, 'create', `--count ${flags.count}`)
    const config = this.readConfig(flags.config)
    const wait = flags.wait || flags['wait-for'] === 'agent' ? waitSettings(flags['wait-timeout'], flags['poll-interval']) : null
    const dryRun = flags['dry-run']
    const userData = prepareUserData(config, {
      poolName: args.pool,
      broker: flags.broker,
      agentVersion: flags['agent-version'],
      secrets: dryRun ? 'redact' : 'reveal',
    })
    const {pool} = userData
    const lease = leaseFrom(flags.ttl, this.now())
    const project = projectFrom(flags.project, this.env, raw)
    const maxHourlyCost = flags['max-hourly-cost'] === undefined ? null : parseHourlyCost(flags['max-hourly-cost'], '--max-hourly-cost')
    if (dryRun) {
      const requests = dryRunRequests(pool, flags.count, userData.script, resolveEndpoint(flags['api-endpoint'], this.env, pool).value, {lease})
      return {pool: pool.name, requested: flags.count, dry_run: true, cost: await this.priceOf(pool, flags.count, flags['api-endpoint']), requests}
    }
    const stop = this.stopSignals()
    const api = await this.connect({pool, endpointFlag: flags['api-endpoint']})
    const lock = await this.lockPool(api, pool.name)
    const progress = await this.startProgress()
    return poolUp(api, {pool, count: flags.count, force: flags['ignore-limits'], userData: userData.script, wait, lease, maxHourlyCost, project}, {
      sleep: stop.sleep,
      now: this.now,
      random: Math.random,
      isInterrupted: stop.isStopped,
      onProgress: (text, state) => progress.update(text, state),
      afterCreate: () => lock.release(),
      onEstimate: (estimate) => this.info(formatEstimate(pool.name, estimate)),
      agents: flags['wait-for'] === 'agent' ? this.agentProbe(pool.name, flags) : undefined,
    })
  }

  /**
   * The dry run's price: one GET of /v2/sizes when a token is at hand, since prices change and are per account.
   * Without one, or if the lookup fails, the dry run still prints its requests and says the cost is unknown.
   */
  private async priceOf(pool: PoolConfig, count: number, endpointFlag: string | undefined): Promise<CostEstimate | null> {
    try {
      const api = await this.connect({pool, endpointFlag})
      const price = (await api.listSizes()).find((s) => s.slug === pool.size)?.price_hourly ?? null
      return estimateGrowth({size: pool.size, sizePrice: price, count, memberPrices: []})
    } catch (error) {
      if (!(error instanceof VeldaError)) throw error
      this.info(`cost unknown: ${error.message}`)
      return null
    }
  }

  protected override render(result: PoolUpOutput): string {
    if ('dry_run' in result) {
      const cost = result.cost ? `# ${formatEstimate(result.pool, result.cost, {poolTotals: false})}\n` : ''
      return `${dryRunHeader(result.requested, result.requests.length)}\n${cost}${formatDryRun(result.requests)}`
    }
    return createdAndAgents(result, this.now(), this.stdoutFit)
  }

  protected override finished(result: PoolUpOutput): string {
    return 'dry_run' in result ? 'dry run' : `created ${plural(result.created.length, 'droplet')} in pool ${result.pool}`
  }

  /** The droplets that exist are shown whatever went wrong: nothing created is ever lost track of. */
  protected override renderFailure(partial: Failed<PoolUpOutput>): FailureView | null {
    if ('dry_run' in partial || partial.created.length === 0) return null
    const asked = plural(partial.requested, 'droplet')
    return {
      progress: partial.error instanceof InterruptedError ? `stopped: ${partial.created.length} of ${asked} created, listed below` : `created ${partial.created.length} of ${asked}`,
      stdout: createdAndAgents(partial, this.now(), this.stdoutFit),
      stderr: [
        ...partial.failed.map((failure) => `not created: ${failure.name}: ${failure.error}`),
        ...(partial.project?.failed ?? []).map((f) => `not in project ${partial.project?.project.name}: ${f.name} (${f.id}): ${f.error}`),
      ],
    }
  }
}

