import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {ApiCommand} from '../../lib/cli/api-command.js'
import type {Failed, FailureView} from '../../lib/cli/base-command.js'
import {agentVersionFlag, apiEndpointFlag, brokerFlag, capacityFlags, configFlag, leaseFrom, maxHourlyCostFlag, projectFlag, projectFrom, renamedForceFlag, sshFlags, ttlFlag, waitFlags, waitForFlag} from '../../lib/cli/flags.js'
import type {PoolConfig} from '../../lib/config/types.js'
import {InterruptedError, type Outcome} from '../../lib/base/errors.js'
import {type CostEstimate, formatEstimate, parseHourlyCost} from '../../lib/pool/cost.js'
import {judgeScaleUp} from '../../lib/pool/scale-up-check.js'
import {createdAndAgents} from '../../lib/output/member-table.js'
import {afterCreateProgress, createdLine, type LeftRunning, leftRunning, notCreatedLines} from '../../lib/output/create-report.js'
import {isShared} from '../../lib/pool/membership.js'
import {dryRunHeader, formatDryRun} from '../../lib/output/requests.js'
import {plural} from '../../lib/text/plural.js'
import {dryRunRequests, type DryRunRequest, poolUp, type PoolUpOutcome} from '../../lib/pool/pool-up.js'
import {resolveEndpoint} from '../../lib/config/resolve-settings.js'
import {waitSettings} from '../../lib/pool/wait.js'
import {checkRunSize, MAX_COUNT} from '../../lib/pool/run-size.js'
import {prepareUserData} from '../../lib/userdata/prepare.js'
import {capacityChoice} from '../../lib/cli/capacity-choice.js'

/** `--dry-run`: the requests, the cost when it could be read, and (as an outcome's error) the refusal the run would give. */
export type PoolUpDryRun = Outcome<{pool: string; requested: number; dry_run: true; cost: CostEstimate | null; requests: DryRunRequest[]}>

export type PoolUpOutput = PoolUpOutcome | PoolUpDryRun

/** What a dry run without a token cannot see, so it does not pass for checked. */
function uncheckedWithoutToken(options: {maxHourlyCost: number | null; project: string | null}): string[] {
  return [
    "the pool's droplets (max_agents was checked as if it had none)",
    "the account's droplet limit",
    'the size in the region',
    'the ssh keys',
    ...(options.maxHourlyCost === null ? [] : ['--max-hourly-cost']),
    ...(options.project ? ['--project'] : []),
  ]
}

/** The header, the cost as a comment (with the pool's totals: the guards listed it), then each request. */
function formatPlan(plan: PoolUpDryRun): string {
  const cost = plan.cost ? `# ${formatEstimate(plan.pool, plan.cost)}\n` : ''
  return `${dryRunHeader(plan.requested, plan.requests.length)}\n${cost}${formatDryRun(plan.requests)}`
}

export default class PoolUp extends ApiCommand<PoolUpOutput> {
  static override summary = 'Create droplets for a pool: batched, never duplicated, every one reported.'
  // The name doctl and gh users type.
  static override hiddenAliases = ['pool:create']
  static override description = [
    "Checks first: max_agents (unless --ignore-limits), the account's droplet limit, that the size is offered in the region, that the ssh keys exist.",
    'Sends one POST per 10 droplets. A create that fails ambiguously (lost answer, 5xx, 429) is never repeated blindly: velda-do lists the pool and creates only the names that do not exist.',
    'When DigitalOcean has no capacity for the size, --retry-until-up waits and tries the rest again, and --fallback POOL creates it in another configured pool.',
    'Exit 4 when some droplets were created and some were not (both are listed), 5 when --wait or --retry-until-up runs out of time, 130 on Ctrl-C (what exists is printed).',
  ].join('\n\n')

  static override examples = [
    {description: 'Two MI300X droplets, waiting until they are active', command: '<%= config.bin %> <%= command.id %> amd-mi300x --count 2 --wait'},
    {description: 'See the exact requests, user_data included (secrets redacted), without sending them', command: '<%= config.bin %> <%= command.id %> amd-mi300x -n 8 --dry-run'},
    {description: 'Eight MI300X droplets when capacity is scarce: wait up to 6h, and use pool amd-mi300x-b for what amd-mi300x cannot get', command: '<%= config.bin %> <%= command.id %> amd-mi300x -n 8 --retry-until-up --retry-timeout 6h --fallback amd-mi300x-b'},
    {description: 'In CI: the names of what was created', command: "<%= config.bin %> <%= command.id %> cpu-small -n 3 --json | jq -r '.created[].name'"},
  ]

  static override args = {
    pool: Args.string({description: 'name of the pool in the config file', required: true}),
  }

  static override flags = {
    count: Flags.integer({char: 'n', description: `how many droplets to create (at most ${MAX_COUNT} in one run)`, default: 1, min: 1, helpValue: 'N'}),
    ...waitFlags,
    'wait-for': waitForFlag,
    ...sshFlags,
    'dry-run': Flags.boolean({description: 'print the requests it would send, run the guards the run would (exit 2 if one refuses), and exit; without a token, only those the config alone decides'}),
    'ignore-limits': Flags.boolean({description: "go past the pool's max_agents"}),
    ttl: ttlFlag,
    'max-hourly-cost': maxHourlyCostFlag,
    project: projectFlag,
    ...capacityFlags,
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
    // Each pool's boot script alike (the first's and its --fallback pools'): the same --broker and --agent-version.
    const prepare = (poolName: string) => prepareUserData(config, {poolName, broker: flags.broker, agentVersion: flags['agent-version'], secrets: dryRun ? 'redact' : 'reveal'})
    const userData = prepare(args.pool)
    for (const warning of userData.warnings) this.say(this.paint.warning(warning))
    const {pool} = userData
    const capacity = capacityChoice(config, userData, flags, prepare)
    for (const warning of capacity.warnings) this.say(this.paint.warning(warning))
    // `pool up POOL` alone creates one droplet: said, since a GPU droplet bills by the hour and -n is easy to forget.
    if (!raw.some((token) => token.type === 'flag' && token.flag === 'count')) this.info(`no -n/--count given: ${dryRun ? 'a plan for' : 'creating'} 1 droplet (the default; -n N for more)`)
    const lease = leaseFrom(flags.ttl, this.now())
    const project = projectFrom(flags.project, this.env, raw)
    const maxHourlyCost = flags['max-hourly-cost'] === undefined ? null : parseHourlyCost(flags['max-hourly-cost'], '--max-hourly-cost')
    if (dryRun) {
      if (capacity.fallbacks.length > 0) this.info(`not planned: what pool ${pool.name} has no capacity for goes to ${capacity.fallbacks.map((t) => `pool ${t.pool.name}`).join(', then ')}, with their own requests`)
      return this.dryRun(pool, {count: flags.count, force: flags['ignore-limits'], maxHourlyCost, project, endpointFlag: flags['api-endpoint'], requests: dryRunRequests(pool, flags.count, userData.script, resolveEndpoint(flags['api-endpoint'], this.env, pool).value, {lease})})
    }
    const stop = this.stopSignals()
    const api = await this.connect({pool, endpointFlag: flags['api-endpoint']})
    const lock = await this.lockPools(api, [pool.name, ...capacity.fallbacks.map((t) => t.pool.name)])
    const progress = await this.startProgress()
    return poolUp(api, {pool, count: flags.count, force: flags['ignore-limits'], userData: userData.script, wait, lease, maxHourlyCost, project, fallbacks: capacity.fallbacks, retryUntilUp: capacity.retryUntilUp}, {
      sleep: stop.sleep,
      now: this.now,
      random: () => this.factory.random(),
      isInterrupted: stop.isStopped,
      onProgress: (text, state) => progress.update(text, state),
      onNotice: (text) => this.info(text),
      afterCreate: () => lock.release(),
      onEstimate: (estimate, members) => {
        this.before = {own: members.filter((m) => !isShared(m)).length, minAgents: pool.minAgents}
        this.info(formatEstimate(pool.name, estimate))
      },
      agents: flags['wait-for'] === 'agent' ? this.agentProbe(pool.name, flags) : undefined,
    })
  }

  /**
   * The plan, judged by the guards the run would apply (judgeScaleUp: the same reads and the same pure guards). A
   * refusal is the outcome's error, exit 2, the plan printed above it. Without a token only what the config alone
   * decides is checked, and stderr says what was not.
   */
  private async dryRun(pool: PoolConfig, options: {count: number; force: boolean; maxHourlyCost: number | null; project: string | null; endpointFlag: string | undefined; requests: DryRunRequest[]}): Promise<PoolUpOutput> {
    const connected = await this.connectForDryRun({pool, endpointFlag: options.endpointFlag})
    if (connected.api === null) {
      this.info(`cost unknown: ${connected.noToken.message}`)
      this.info(`not checked without a token: ${uncheckedWithoutToken(options).join(', ')}`)
    }
    const verdict = await judgeScaleUp(connected.api, {pool, count: options.count, force: options.force, maxHourlyCost: options.maxHourlyCost, project: options.project})
    const result = {pool: pool.name, requested: options.count, dry_run: true as const, cost: verdict.cost, requests: options.requests}
    return verdict.refusal ? {...result, error: verdict.refusal} : result
  }

  protected override render(result: PoolUpOutput): string {
    if ('dry_run' in result) return formatPlan(result)
    return createdAndAgents(result, this.now(), this.stdoutFit)
  }

  protected override finished(result: PoolUpOutput): string {
    return 'dry_run' in result ? 'dry run' : createdLine(result)
  }

  /** The pool before the creates (the guards' listing): whether the new ones are all of it, and its min_agents. */
  private before: {own: number; minAgents: number} | null = null

  /** Droplets created before a stop or a failure bill until deleted: how many, what an hour, and the command. */
  protected override leftRunning(partial: Failed<PoolUpOutput>): LeftRunning | null {
    if ('dry_run' in partial) return null
    return leftRunning(partial, this.before, partial.cost.price_hourly)
  }

  /** The droplets that exist are shown whatever went wrong: nothing created is ever lost track of. */
  protected override renderFailure(partial: Failed<PoolUpOutput>): FailureView | null {
    // A dry run the guards refused: its plan, then the refusal the run would give.
    if ('dry_run' in partial) return {progress: '', stdout: formatPlan(partial), stderr: []}
    if (partial.created.length === 0) return null
    const asked = plural(partial.requested, 'droplet')
    return {
      progress: partial.error instanceof InterruptedError ? `stopped: ${partial.created.length} of ${asked} created, listed below` : (afterCreateProgress(partial, partial.requested) ?? `created ${partial.created.length} of ${asked}`),
      stdout: createdAndAgents(partial, this.now(), this.stdoutFit),
      stderr: notCreatedLines(partial.failed, partial.error),
    }
  }
}

