import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {ApiCommand} from '../../lib/cli/api-command.js'
import type {Failed, FailureView} from '../../lib/cli/base-command.js'
import {apiEndpointFlag, configFlag, sshFlags} from '../../lib/cli/flags.js'
import {findPool} from '../../lib/config/load.js'
import {InterruptedError, type Outcome, PartialError, UsageError} from '../../lib/base/errors.js'
import {type MemberOutput, memberOutputChunks} from '../../lib/output/member-output.js'
import {plural} from '../../lib/text/plural.js'
import {findMember} from '../../lib/pool/member-ref.js'
import {isShared, listPools, type PoolDroplet} from '../../lib/pool/membership.js'
import {sshArgs} from '../../lib/ssh/command.js'
import {classifySshFailure} from '../../lib/ssh/failure.js'
import {checkedAddress, memberTarget} from '../../lib/ssh/member-target.js'
import {watchedCommand} from '../../lib/ssh/remote-commands.js'
import {commandOutputLimit, type OutputLimit} from '../../lib/ssh/bounded-output.js'
import {boundedMap} from '../../lib/ssh/run.js'
import {probeSettings} from '../../lib/ssh/settings.js'

/** One member's run under `pool ssh --all`: what is shown of it (MemberOutput), and its droplet id. */
export interface MemberRun extends MemberOutput {
  id: number
}

export interface PoolSshResult {
  pool: string
  command: string
  results: MemberRun[]
}

/**
 * `pool ssh POOL MEMBER --json -- CMD`: the one member's run as a document, bounded as each member's is under
 * --all, so a script reads the command's exit code and output apart (the process still exits with the command's).
 */
export interface PoolSshOneResult extends Omit<MemberRun, 'id' | 'name'> {
  pool: string
  command: string
  member: {id: number; name: string}
}

/** What `--all` (or one member under --json) did; with `error` when it was stopped or failed on some. */
export type PoolSshOutcome = Outcome<PoolSshResult> | Outcome<PoolSshOneResult>

export default class PoolSsh extends ApiCommand<PoolSshOutcome | null> {
  static override summary = 'Open ssh to a member, or run a command on one or --all members.'
  static override description = [
    'The system ssh, so your keys, agent and ~/.ssh/config apply; velda-do adds its own known_hosts (host keys by droplet id, a changed one refused), --ssh-user (root), -i, --ssh-port and --private. MEMBER is a name, a droplet id, or a number in pool list\'s order; it may be left out when the pool has one member.',
    'With one member the exit code is the command\'s (255 when ssh failed). With --all -- CMD the command runs on every member, --parallel at a time, each line of its output prefixed with the member\'s name (the last 256 KiB of each member\'s output; less each past 256 members: 128 MiB in all); exit 0 when it succeeded everywhere, 4 otherwise; Ctrl-C, SIGTERM or SIGHUP end every ssh in flight, and the command on each member with it (a watchdog in the member\'s login shell ends it when its connection does), and report each member: 130, 143, 129.',
    'With MEMBER --json -- CMD the command runs as under --all and the document holds its exit_code, stdout and stderr (the exit code is still the command\'s); --json without a command is refused: a shell has no document.',
  ].join('\n\n')

  static override examples = [
    {description: 'A shell on the first member', command: '<%= config.bin %> <%= command.id %> amd-mi300x 1'},
    {description: 'One member\'s output and exit code, for a script', command: '<%= config.bin %> <%= command.id %> amd-mi300x 1 --json -- nproc'},
    {description: 'Is the GPU there, on every member?', command: '<%= config.bin %> <%= command.id %> amd-mi300x --all -- amd-smi list'},
  ]

  // The words after `--` are the remote command, read from the command line as typed and cut off before the
  // parse (see execute): so the parse is strict (a stray third word is an error), and oclif's help does not mark
  // every argument variadic (`POOL... [MEMBER...]`), as it does for a command that is not.
  // The usage is written out, since oclif's cannot show the command after `--`; test/e2e/help.test.ts checks
  // that it names every flag there is.
  static override usage = '<%= command.id %> POOL [MEMBER] [--json] [-q] [-o json|text|wide] [--all] [--parallel N] [--ssh-user USER] [-i PATH] [--ssh-port N] [--private | --tailnet] [-c PATH] [--api-endpoint URL] [--trace [headers|body]] [-- CMD...]'
  static override args = {
    pool: Args.string({description: 'name of the pool in the config file', required: true}),
    member: Args.string({description: "name, droplet id, or number in pool list's order"}),
  }

  static override flags = {
    all: Flags.boolean({description: 'run the command on every member (needs -- CMD)'}),
    parallel: Flags.integer({description: 'members at once with --all', default: 16, min: 1, max: 256, helpValue: 'N'}),
    ...sshFlags,
    config: configFlag,
    'api-endpoint': apiEndpointFlag,
  }

  // 128 MiB of output at most, but escaped in JSON (a control byte is 6 characters) more than one string holds.
  protected override readonly largeJsonArray = 'results'

  protected async execute(): Promise<PoolSshOutcome | null> {
    const split = this.argv.indexOf('--')
    const remote = split < 0 ? [] : this.argv.slice(split + 1)
    const {args, flags} = await this.parse(PoolSsh, split < 0 ? this.argv : this.argv.slice(0, split))
    const config = this.readConfig(flags.config)
    const pool = findPool(config, args.pool)
    if (flags.all && (args.member !== undefined || remote.length === 0)) {
      throw new UsageError('--all runs one command on every member: give the command after --, and no MEMBER', {suggestions: [`velda-do pool ssh ${pool.name} --all -- uptime`]})
    }
    // A shell on the terminal has no document to give: refused before anything is sent, never a shell under --json.
    const json = this.jsonEnabled()
    if (json && remote.length === 0) {
      throw new UsageError('--json needs a command to run: a shell on the terminal has no JSON document; give the command after --', {suggestions: [`velda-do pool ssh ${pool.name} ${args.member ?? 'MEMBER'} --json -- uptime`]})
    }
    // With --all (or --json), a stop signal ends every ssh in flight (pool status does the same) and reports each member.
    const stop = flags.all || json ? this.stopSignals() : null
    const api = await this.connect({pool, endpointFlag: flags['api-endpoint']})
    // The API tells where the members' host keys are kept; -i is checked here, before anything is sent.
    const settings = probeSettings(flags, {env: this.env, endpoint: api.endpoint, parallel: flags.parallel, timeoutMs: 10 * 60_000})
    const members = (await listPools(api, [pool], config.pools)).members.filter((m) => !isShared(m))
    const command = remote.join(' ')
    if (!stop) {
      const member = findMember(pool.name, members, args.member)
      const interactive = remote.length === 0 && Boolean(this.factory.io.in.isTTY)
      const argv = sshArgs(memberTarget(member, settings), {...settings.ssh, batch: !this.factory.io.in.isTTY}, remote.length > 0 ? [command] : [])
      this.factory.setExitCode(await this.ssh.interactive(['-o', 'LogLevel=ERROR', ...(interactive ? ['-t'] : []), ...argv], {member: member.name}))
      return null
    }
    const runOn = async (member: PoolDroplet, limit: OutputLimit): Promise<MemberRun> => {
      const row = {id: member.id, name: member.name, stdout_cut_bytes: 0, stderr_cut_bytes: 0}
      const {address, refusal} = checkedAddress(member, settings.address)
      if (refusal !== null) return {...row, exit_code: null, state: 'bad-address', stdout: '', stderr: refusal}
      if (address === null) return {...row, exit_code: null, state: 'no-address', stdout: '', stderr: `no address (${member.status})`}
      if (stop.isStopped()) return {...row, exit_code: null, state: 'stopped', stdout: '', stderr: 'not run: stopped before it began'}
      // The command ends on the member when ssh does (a stop here, velda-do killed): watchedCommand.
      const argv = ['-o', 'LogLevel=ERROR', ...sshArgs(memberTarget(member, settings), settings.ssh, [watchedCommand(command)])]
      const run = await this.ssh.run(argv, {timeoutMs: settings.timeoutMs, signal: stop.aborted, limit, stdin: 'hold', member: member.name})
      const cut = {stdout_cut_bytes: run.cutBytes.stdout, stderr_cut_bytes: run.cutBytes.stderr}
      // Stopped only when the stop ended that ssh: one that had finished as the stop came is reported as it ran.
      if (run.aborted) return {...row, ...cut, exit_code: null, state: 'stopped', stdout: run.stdout, stderr: `${run.stderr}stopped while it ran\n`}
      return {...row, ...cut, exit_code: run.timedOut ? 255 : run.status, state: 'ran', stdout: run.stdout, stderr: run.status === 255 ? `ssh: ${classifySshFailure(run.stderr)}: ${run.stderr.trim()}` : run.stderr}
    }
    if (!flags.all) {
      const member = findMember(pool.name, members, args.member)
      // A member with no address, or one that is not an address, is refused as without --json (exit 2, exit 3).
      memberTarget(member, settings)
      const {id, name, ...run} = await runOn(member, commandOutputLimit(1))
      const one: PoolSshOneResult = {pool: pool.name, command, member: {id, name}, ...run}
      if (run.state === 'stopped') return {...one, error: new InterruptedError(`stopped: the command was stopped on ${name}`)}
      // The exit code stays the command's, as without --json; the document says it too (exit_code).
      this.factory.setExitCode(run.exit_code ?? 255)
      return one
    }
    const limit = commandOutputLimit(members.length)
    const results = await boundedMap(members, settings.parallel, (member) => runOn(member, limit))
    const result = {pool: pool.name, command, results}
    if (stop.isStopped()) {
      const stopped = results.filter((r) => r.state === 'stopped').length
      return {...result, error: new InterruptedError(`stopped: the command was stopped on ${stopped} of ${plural(results.length, 'member')} (all listed)`)}
    }
    const failed = results.filter((r) => r.exit_code !== 0)
    if (failed.length > 0) {
      return {...result, error: new PartialError(`the command failed on ${failed.length} of ${plural(results.length, 'member')}: ${failed.map((r) => `${r.name} (${r.exit_code ?? 'not run'})`).join(', ')}`)}
    }
    return result
  }

  // One member's document (PoolSshOneResult) is made only under --json, which prints it as it is: never rendered.
  protected override render(result: PoolSshOutcome | null): Iterable<string> {
    return result && 'results' in result ? memberOutputChunks(result.results, commandOutputLimit(result.results.length).bytes) : []
  }

  protected override finished(result: PoolSshOutcome | null): string {
    return result && 'results' in result ? `ran on ${plural(result.results.length, 'member')}` : 'done'
  }

  protected override renderFailure(partial: Failed<PoolSshOutcome | null>): FailureView | null {
    if (!partial || !('results' in partial)) return null
    return {progress: `ran on ${plural(partial.results.length, 'member')}`, stdout: memberOutputChunks(partial.results, commandOutputLimit(partial.results.length).bytes), stderr: []}
  }
}
