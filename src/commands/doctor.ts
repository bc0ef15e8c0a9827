import {ApiCommand} from '../lib/cli/api-command.js'
import type {Failed, FailureView} from '../lib/cli/base-command.js'
import {agentVersionFlag, apiEndpointFlag, brokerFlag, configFlag} from '../lib/cli/flags.js'
import {formatDoctor} from '../lib/doctor/format.js'
import {type DoctorReport, runDoctor} from '../lib/doctor/run.js'
import {ChecksFailedError, ChecksUnreachableError, type Outcome} from '../lib/base/errors.js'
import {plural} from '../lib/text/plural.js'

export default class Doctor extends ApiCommand<Outcome<DoctorReport>> {
  static override summary = 'Check every pool before the first real run; creates nothing, says each fix.'
  static override description = `Reports, per account (endpoint and token): the endpoint, and what GET /v2/account answered (200, 401, or a redirect and where to: never followed, the token goes only to the endpoint named).

Checks, per pool: the token on the pool's endpoint, the account's status and droplet limit, the size in the region (a size the catalog lacks is listed with the nearest it offers: the same size with or without -devcloud, the same GPU with another count), the ssh keys, the image, the broker address, the agent version, the Tailscale key and the placeholders.

Creates nothing and changes nothing: it reads the config and asks DigitalOcean (one account call, two droplet counts (plain and GPU), one size list, one ssh-key list and one lookup per image for each endpoint and token, however many pools share them).

The starter's placeholders are misses too: a broker on a name reserved for examples (example.com, example.org, ...), a value still marked CHANGE (until its comment is deleted), a pool without ssh_key_ids (pool ssh, status and logs could not reach its droplets).

Prints a checklist per pool, with the fix under every miss. Exit 0 when every check passes, 2 when a miss is to be fixed in the config, the environment or the account (size not offered, ssh key missing, image unknown, account locked, no room under the droplet limit, no broker address, a placeholder left, Tailscale key variable unset), 3 when DigitalOcean refused the token or could not be reached.`

  static override examples = [
    {description: 'Check every pool of ./velda.yaml', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Check the pools of another file, as pool up would run them with these flags', command: '<%= config.bin %> <%= command.id %> -c /etc/velda/config.yaml --agent-version v1.1.4'},
    {description: 'In CI: the fixes of every failed check', command: "<%= config.bin %> <%= command.id %> --json | jq -r '.pools[].checks[] | select(.ok | not) | .fix'"},
  ]

  static override flags = {
    config: configFlag,
    broker: brokerFlag,
    'agent-version': agentVersionFlag,
    'api-endpoint': apiEndpointFlag,
  }

  protected async execute(): Promise<Outcome<DoctorReport>> {
    const {flags} = await this.parse(Doctor)
    const config = this.readConfig(flags.config)
    const {report, apiMiss} = await runDoctor(config, {
      broker: flags.broker,
      agentVersion: flags['agent-version'],
      endpointFlag: flags['api-endpoint'],
      env: this.env,
      connect: (pool) => this.connect({pool, endpointFlag: flags['api-endpoint']}),
      headRequest: this.factory.headRequest,
    })
    if (report.ok) return report
    const failed = report.pools.flatMap((p) => p.checks.filter((c) => !c.ok).map((c) => `${p.name}: ${c.id}`))
    const options = {suggestions: ['apply the fix under each failed check, then run velda-do doctor again']}
    const message = `${plural(failed.length, 'check')} failed: ${failed.join(', ')}`
    return {...report, error: apiMiss ? new ChecksUnreachableError(message, options) : new ChecksFailedError(message, options)}
  }

  protected override render(report: DoctorReport): string {
    return formatDoctor(report)
  }

  /** The report of a run whose checks failed: shown before the error, like a passing one. */
  protected override renderFailure(report: Failed<DoctorReport>): FailureView | null {
    return {progress: 'checked', stdout: formatDoctor(report), stderr: []}
  }
}
