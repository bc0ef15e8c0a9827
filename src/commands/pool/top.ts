import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import type {Outcome} from '../../lib/base/errors.js'
import {ApiCommand} from '../../lib/cli/api-command.js'
import type {Failed, FailureView} from '../../lib/cli/base-command.js'
import {apiEndpointFlag, configFlag, probeFlags, probeTimeoutMs, sshFlags} from '../../lib/cli/flags.js'
import {watchStopSignals} from '../../lib/cli/stop-signals.js'
import {findPool} from '../../lib/config/load.js'
import {formatTop} from '../../lib/output/top-view.js'
import {poolStatus, type PoolStatusDeps, type PoolStatusResult, stoppedProbing} from '../../lib/pool/pool-status.js'
import {probeSettings} from '../../lib/ssh/settings.js'
import {formatDuration, parseDuration} from '../../lib/text/duration.js'
import {plural} from '../../lib/text/plural.js'
import {printableCell} from '../../lib/text/printable.js'
import {utcSeconds} from '../../lib/text/wire-formats.js'

/** Cursor home, then clear the screen: each sample replaces the one before, as top's do. */
const REDRAW = '\u001b[H\u001b[2J'

/** One sample (a pipe, --json); with `error` when a stop signal cut it short. Null: the live view, ended. */
type PoolTopOutcome = Outcome<PoolStatusResult> | null

export default class PoolTop extends ApiCommand<PoolTopOutcome> {
  static override summary = 'What are the GPUs doing? Each member\'s GPUs, live, over SSH.'
  static override description = [
    'On a terminal, a view redrawn every --interval (default 5s) until Ctrl-C (exit 0): one line a member and, with --gpus, one a GPU. Each sample is pool status\'s probe, one SSH round trip a member, --parallel at a time: the figures come from each member\'s own GPU sample (/var/lib/velda/gpu.json, rewritten every minute), IDLE from its own idle run.',
    'On a pipe, or with --json, one sample and exit 0 (pool status answers whether they are healthy, in its exit code).',
  ].join('\n\n')

  static override examples = [
    {description: 'Watch the GPUs of a pool', command: '<%= config.bin %> <%= command.id %> amd-mi300x'},
    {description: 'Every GPU, every 10 seconds', command: '<%= config.bin %> <%= command.id %> amd-mi300x --gpus --interval 10s'},
    {description: 'The members whose GPUs are idle, for a script', command: "<%= config.bin %> <%= command.id %> amd-mi300x --json | jq -r '.members[] | select(.gpu.busy == false) | .name'"},
  ]

  static override args = {
    pool: Args.string({description: 'name of the pool in the config file', required: true}),
  }

  static override flags = {
    interval: Flags.string({description: 'time between samples on a terminal', default: '5s', helpValue: 'DURATION'}),
    gpus: Flags.boolean({description: 'a line for each GPU under its member'}),
    ...sshFlags,
    ...probeFlags(),
    config: configFlag,
    'api-endpoint': apiEndpointFlag,
  }

  private gpus = false

  protected async execute(): Promise<PoolTopOutcome> {
    const {args, flags} = await this.parse(PoolTop)
    const config = this.readConfig(flags.config)
    const pool = findPool(config, args.pool)
    const intervalMs = parseDuration(flags.interval, '--interval', {minMs: 1_000, maxMs: 60 * 60_000})
    const timeoutMs = probeTimeoutMs(flags.timeout)
    this.gpus = flags.gpus
    const live = Boolean(this.factory.io.out.isTTY) && !this.jsonEnabled()
    // Ctrl-C ends the view, which is how it ends: quietly, exit 0. It ends the probes in flight too.
    const stop = live ? watchStopSignals(() => {}, this.factory.signals, this.factory.sleep) : this.stopSignals()
    if (live) this.onCleanup(() => stop.dispose())
    const api = await this.connect({pool, endpointFlag: flags['api-endpoint']})
    const settings = probeSettings(flags, {env: this.env, endpoint: api.endpoint, parallel: flags.parallel, timeoutMs})
    const deps: PoolStatusDeps = {runSsh: (sshArgs, options) => this.ssh.run(sshArgs, {...options, signal: stop.aborted}), isInterrupted: stop.isStopped}
    if (!live) {
      const progress = await this.startProgress()
      progress.update(`probing the members of pool ${pool.name}`)
      const sample = await poolStatus(api, pool, config.pools, settings, deps)
      // One sample for a script, cut short: exit 130 (143, 129) as any command stopped, the members listed.
      if (stop.isStopped()) return {...sample, error: stoppedProbing(sample)}
      return sample
    }
    while (!stop.isStopped()) {
      const result = await poolStatus(api, pool, config.pools, settings, deps)
      // A sample cut short by Ctrl-C is not shown: the one before stays on the screen.
      if (stop.isStopped()) break
      const header = `pool ${printableCell(pool.name)} at ${utcSeconds(this.now())}: every ${formatDuration(intervalMs)}, Ctrl-C ends\n\n`
      await this.write(`${REDRAW}${header}${formatTop(result, {gpus: this.gpus, now: this.now()}, this.stdoutFit)}`)
      await stop.sleep(intervalMs)
    }
    return null
  }

  protected override render(result: PoolStatusResult | null): string {
    return result ? formatTop(result, {gpus: this.gpus, now: this.now()}, this.stdoutFit) : ''
  }

  protected override renderFailure(partial: Failed<PoolTopOutcome>): FailureView | null {
    return partial ? {progress: `${plural(partial.members.length, 'member')} listed`, stdout: formatTop(partial, {gpus: this.gpus, now: this.now()}, this.stdoutFit), stderr: []} : null
  }

  protected override finished(result: PoolStatusResult | null): string {
    return result ? `${plural(result.members.length, 'member')} probed` : 'done'
  }
}
