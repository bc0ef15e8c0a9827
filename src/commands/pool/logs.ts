import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {ApiCommand} from '../../lib/cli/api-command.js'
import {apiEndpointFlag, configFlag, sshFlags} from '../../lib/cli/flags.js'
import {findPool} from '../../lib/config/load.js'
import {UsageError} from '../../lib/base/errors.js'
import {printable} from '../../lib/text/printable.js'
import {findMember} from '../../lib/pool/member-ref.js'
import {isShared, listPools} from '../../lib/pool/membership.js'
import {sshArgs} from '../../lib/ssh/command.js'
import {SshFailedError} from '../../lib/ssh/errors.js'
import {exitCodeFor, STOP_SIGNALS} from '../../lib/base/stop-signals.js'
import {watchStopSignals} from '../../lib/cli/stop-signals.js'
import {LOG_OUTPUT_LIMIT} from '../../lib/ssh/bounded-output.js'
import {memberTarget} from '../../lib/ssh/member-target.js'
import {agentJournalCommand, bootLogCommand, watchedCommand} from '../../lib/ssh/remote-commands.js'
import {outputLines} from '../../lib/ssh/run.js'
import {probeSettings} from '../../lib/ssh/settings.js'
import {inflect, plural} from '../../lib/text/plural.js'

export interface PoolLogsResult {
  pool: string
  member: {id: number; name: string}
  source: 'boot' | 'agent'
  lines: string[]
  /** Bytes of the log before the lines kept (only the last 4 MiB are); 0 when it is whole. */
  cut_bytes: number
}

export default class PoolLogs extends ApiCommand<PoolLogsResult | null> {
  static override summary = "A member's boot log, or (--agent) its Velda agent's journal, over SSH."
  static override description = [
    'MEMBER is a name, a droplet id, or a number in pool list\'s order (1 is the first); it may be left out when the pool has one member. SSH as pool status: the system ssh, velda-do\'s own known_hosts, --ssh-user, -i, --ssh-port, --private.',
    '--follow keeps printing what comes (tail -F, journalctl -f), line by line through the same filter, until Ctrl-C; it has no --json. Only the last 4 MiB of a log are kept without it.',
  ].join('\n\n')

  static override examples = [
    {description: 'Why did the boot fail?', command: '<%= config.bin %> <%= command.id %> amd-mi300x velda-930b7ad6-k3x9q'},
    {description: "The agent's journal, as it comes", command: '<%= config.bin %> <%= command.id %> amd-mi300x 1 --agent --follow'},
  ]

  static override args = {
    pool: Args.string({description: 'name of the pool in the config file', required: true}),
    member: Args.string({description: 'name, droplet id, or number in pool list\'s order'}),
  }

  static override flags = {
    agent: Flags.boolean({description: "the Velda agent's journal (journalctl -u velda-agent) instead of the boot log"}),
    lines: Flags.integer({char: 'n', description: 'how many of the last lines', default: 100, min: 1, max: 100_000, helpValue: 'N'}),
    follow: Flags.boolean({char: 'f', description: 'keep printing new lines until Ctrl-C', exclusive: ['json']}),
    ...sshFlags,
    config: configFlag,
    'api-endpoint': apiEndpointFlag,
  }

  protected async execute(): Promise<PoolLogsResult | null> {
    const {args, flags} = await this.parse(PoolLogs)
    const config = this.readConfig(flags.config)
    const pool = findPool(config, args.pool)
    const api = await this.connect({pool, endpointFlag: flags['api-endpoint']})
    // The API tells where the members' host keys are kept; -i is checked here, before anything is sent.
    const settings = probeSettings(flags, {env: this.env, endpoint: api.endpoint, parallel: 1, timeoutMs: 30_000})
    const {members} = await listPools(api, [pool], config.pools)
    const member = findMember(pool.name, members.filter((m) => !isShared(m)), args.member)
    const command = flags.agent ? agentJournalCommand(flags.lines, flags.follow) : bootLogCommand(flags.lines, flags.follow)
    const target = memberTarget(member, settings)
    // Followed until stopped: under the watchdog, so that tail -F ends on the member too (watchedCommand).
    if (flags.follow) return this.follow(member.name, sshArgs(target, {...settings.ssh, batch: !this.factory.io.in.isTTY}, [watchedCommand(command)]))
    const run = await this.ssh.run(['-o', 'LogLevel=ERROR', ...sshArgs(target, settings.ssh, [command])], {timeoutMs: settings.timeoutMs, limit: LOG_OUTPUT_LIMIT, member: member.name})
    if (run.status === 255 || run.status === null || run.timedOut) throw new SshFailedError(member.name, run, {hostKeyAlias: target.hostKeyAlias, knownHosts: settings.ssh.knownHosts}, pool.name)
    // Only the last 4 MiB are kept: said on stderr, so that stdout stays the log's own lines.
    if (run.cutBytes.stdout > 0) this.say(`(the first ${plural(run.cutBytes.stdout, 'byte')} of the log ${inflect(run.cutBytes.stdout, 'was', 'were')} cut: the last ${LOG_OUTPUT_LIMIT.bytes / 1024 / 1024} MiB follow)`)
    return {pool: pool.name, member: {id: member.id, name: member.name}, source: flags.agent ? 'agent' : 'boot', lines: outputLines(run.stdout), cut_bytes: run.cutBytes.stdout}
  }

  /**
   * --follow: the member's lines as they come, filtered (followSsh), until ssh ends or a stop signal: Ctrl-C,
   * SIGTERM or SIGHUP end it quietly with 130, 143 or 129 (following has no other end).
   */
  private async follow(member: string, argv: string[]): Promise<null> {
    const stop = watchStopSignals(() => {}, this.factory.signals, this.factory.sleep)
    this.onCleanup(() => stop.dispose())
    const ended = await this.ssh.follow(['-o', 'LogLevel=ERROR', ...argv], {signal: stop.aborted, stdout: this.factory.io.out, stderr: this.factory.io.err, member})
    // Ctrl-C on a terminal reaches ssh too (one process group), and ssh may end before this process has seen it.
    const signal = stop.signal ?? STOP_SIGNALS.find((s) => s === ended.signal)
    if (signal) {
      this.factory.setExitCode(exitCodeFor(signal))
      return null
    }
    if (ended.status === 255) throw new UsageError(`ssh to ${member} failed (see above)`)
    return null
  }

  protected override render(result: PoolLogsResult | null): string {
    return result ? result.lines.map((line) => `${printable(line)}\n`).join('') : ''
  }

  protected override finished(): string {
    return 'done'
  }
}
