import * as Args from '@oclif/core/args'

import {ApiCommand} from '../../lib/cli/api-command.js'
import type {Failed, FailureView} from '../../lib/cli/base-command.js'
import {apiEndpointFlag, configFlag, probeFlags, probeTimeoutMs, sshFlags} from '../../lib/cli/flags.js'
import {findPool} from '../../lib/config/load.js'
import {type Outcome, PartialError} from '../../lib/base/errors.js'
import {formatPoolStatus} from '../../lib/output/member-table.js'
import {inflect, plural} from '../../lib/text/plural.js'
import {poolStatus, type PoolStatusResult, stoppedProbing} from '../../lib/pool/pool-status.js'
import {probeSettings} from '../../lib/ssh/settings.js'
import {unhealthyFixes} from '../../lib/pool/unhealthy-fixes.js'

/** Each member's state; with `error` when some are not healthy or the probes were stopped. */
type PoolStatusOutcome = Outcome<PoolStatusResult>

export default class PoolStatus extends ApiCommand<PoolStatusOutcome> {
  static override summary = 'Did it boot? Probe each member over SSH: boot step, agent, GPU.'
  static override description = [
    'One SSH round trip a member (the system ssh: your keys, agent and ~/.ssh/config apply), --parallel at a time, running a fixed read-only probe: the boot status file, the GPU sample, cloud-init, systemctl is-active velda-agent, the boot log\'s last lines. A member with GPUs is healthy only when every GPU its size promises is seen and none counts uncorrectable errors.',
    'Host keys are kept in velda-do\'s own known_hosts, by droplet id: a new droplet is trusted at first contact, a changed key is refused and shown. Unreachable, refused, timed out and host-key-changed are states of a member, not failures of the command.',
    'Exit 0 when every member is healthy (agent active), 4 when some are not, 3 when DigitalOcean cannot be read, 130 on Ctrl-C.',
  ].join('\n\n')

  static override examples = [
    {description: 'Are the agents running?', command: '<%= config.bin %> <%= command.id %> amd-mi300x'},
    {description: 'Over the VPC, as ubuntu, with a key', command: '<%= config.bin %> <%= command.id %> amd-mi300x --private --ssh-user ubuntu -i ~/.ssh/pool'},
    {description: 'The members whose boot failed, for a script', command: "<%= config.bin %> <%= command.id %> amd-mi300x --json | jq -r '.members[] | select(.state == \"boot-failed\") | .name'"},
  ]

  static override args = {
    pool: Args.string({description: 'name of the pool in the config file', required: true}),
  }

  static override flags = {
    ...sshFlags,
    ...probeFlags(),
    config: configFlag,
    'api-endpoint': apiEndpointFlag,
  }

  protected async execute(): Promise<PoolStatusOutcome> {
    const {args, flags} = await this.parse(PoolStatus)
    const config = this.readConfig(flags.config)
    const pool = findPool(config, args.pool)
    const timeoutMs = probeTimeoutMs(flags.timeout)
    const stop = this.stopSignals()
    const api = await this.connect({pool, endpointFlag: flags['api-endpoint']})
    // The API tells where the members' host keys are kept; -i is checked here, before anything is sent.
    const settings = probeSettings(flags, {env: this.env, endpoint: api.endpoint, parallel: flags.parallel, timeoutMs})
    const progress = await this.startProgress()
    progress.update(`probing the members of pool ${pool.name}`)
    const result = await poolStatus(api, pool, config.pools, settings, {
      runSsh: (sshArgs, options) => this.ssh.run(sshArgs, {...options, signal: stop.aborted}),
      isInterrupted: stop.isStopped,
    })
    if (stop.isStopped()) return {...result, error: stoppedProbing(result)}
    const unhealthy = result.members.length - result.healthy
    if (unhealthy > 0) {
      return {...result, error: new PartialError(`${unhealthy} of ${plural(result.members.length, 'member')} of pool ${pool.name} ${inflect(unhealthy, 'is', 'are')} not healthy`, {
        suggestions: unhealthyFixes(pool.name, result.members),
      })}
    }
    return result
  }

  protected override render(result: PoolStatusResult): string {
    return formatPoolStatus(result, this.stdoutFit)
  }

  protected override finished(result: PoolStatusResult): string {
    return `${result.healthy} of ${plural(result.members.length, 'member')} healthy`
  }

  protected override renderFailure(partial: Failed<PoolStatusOutcome>): FailureView | null {
    return {progress: `${partial.healthy} of ${plural(partial.members.length, 'member')} healthy`, stdout: formatPoolStatus(partial, this.stdoutFit), stderr: []}
  }
}
