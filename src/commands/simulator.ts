import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../lib/cli/base-command.js'
import {parseDuration} from '../lib/text/duration.js'
import {UsageError} from '../lib/base/errors.js'
import {endpointProblem} from '../lib/config/endpoint.js'
import {CAPACITY_EXAMPLE, type CapacityRule, CapacitySpecError, checkCapacityTarget, parseCapacitySpecs} from '../lib/simulator/capacity.js'
import {cloudCatalog, CLOUD_DESCRIPTIONS, DEFAULT_SIMULATED_CLOUD, SIMULATED_CLOUDS, type SimulatedCloud} from '../lib/simulator/cloud-profile.js'
import {parseFaultRule} from '../lib/simulator/faults.js'
import {readAuthorizedKeys} from '../lib/simulator/hosts/authorized-keys.js'
import {hostsExports} from '../lib/simulator/hosts/ssh-exports.js'
import {badPortProblem, exposureWarning} from '../lib/simulator/listen-address.js'
import {Replay} from '../lib/simulator/replay.js'
import {runSimulatorUntilStopped} from '../lib/simulator/run.js'
import {readTraceFile, TraceError} from '../lib/simulator/trace-file.js'
import {openTraceRecorder, traceLine, type TraceRecorder} from '../lib/simulator/trace-record.js'

export interface SimulatorResult {
  url: string
  token: string
  requests: number
}

export default class Simulator extends BaseCommand<SimulatorResult | null> {
  static override summary = 'Run a local DigitalOcean API simulator to rehearse velda-do offline, at no cost.'
  static override description = [
    "Serves the part of DigitalOcean's API v2 that velda-do uses, on 127.0.0.1: droplets that go from new to active, sizes, regions, ssh keys, rate limits, and faults on demand.",
    'It prints the endpoint and token to use, as export lines for your shell; stop it with Ctrl-C (exit 130), SIGTERM (143) or SIGHUP (129): its hosts stop and their folder is removed. Tests and scripts drive it through its admin API under /__sim/ (state, requests, faults, reset, droplets, activate), with the same token.',
  ].join('\n\n')

  static override examples = [
    {description: 'Start it, then point velda-do at it from another shell', command: '<%= config.bin %> <%= command.id %> --port 8080'},
    {description: 'Make the network slow and every create answer 500 after doing the work', command: `<%= config.bin %> <%= command.id %> --latency 100ms --fault '{"method":"POST","path":"/v2/droplets","count":0,"action":{"type":"ambiguous","then":"status"}}'`},
    {description: "Rehearse the AMD Developer Cloud's catalog behind the broker's moved default host (every API request answers 301 there)", command: '<%= config.bin %> <%= command.id %> --cloud amd-devcloud --moved-to https://api.devcloud.amd.com'},
    {description: 'In a script: read the endpoint and token as JSON', command: '<%= config.bin %> <%= command.id %> --json | head -1 | jq -r .url'},
    {description: 'Rehearse scarce GPUs: 3 MI300X droplets free in atl1 now, 5 more every 30 seconds; creates past that are refused', command: `<%= config.bin %> <%= command.id %> --cloud amd-devcloud --capacity ${CAPACITY_EXAMPLE}`},
    {description: 'Answer the requests of a trace from a bug report (VELDA_DO_TRACE=FILE), in its order', command: '<%= config.bin %> <%= command.id %> --replay bug-trace.jsonl'},
  ]

  static override flags = {
    host: Flags.string({description: 'address to listen on', default: '127.0.0.1', helpValue: 'ADDRESS'}),
    port: Flags.integer({description: 'port to listen on (0: any free port)', default: 0, min: 0, max: 65_535, helpValue: 'N'}),
    token: Flags.string({description: 'the token clients of the API and the admin API must send [default: random, or derived from --seed]', helpValue: 'TOKEN'}),
    seed: Flags.integer({description: 'seed of ids, addresses and the token: the same seed gives the same run [default: a random token]', helpValue: 'N'}),
    latency: Flags.string({description: 'added to every API answer, e.g. 50ms', default: '0ms', helpValue: 'DURATION'}),
    'active-after': Flags.string({description: 'how long new droplets stay "new"', default: '3s', helpValue: 'DURATION'}),
    'droplet-limit': Flags.integer({description: "the account's droplet limit", default: 1000, min: 0, helpValue: 'N'}),
    'rate-limit': Flags.integer({description: 'requests a minute before 429 (DigitalOcean: 250)', default: 250, min: 1, helpValue: 'N'}),
    capacity: Flags.string({description: 'SIZE@REGION=N[,+M/PERIOD]: N droplets of SIZE free in REGION now, M more every PERIOD (repeatable, one per SIZE@REGION; others unlimited); a create past it is refused as DigitalOcean refuses it', multiple: true, helpValue: 'SPEC'}),
    fault: Flags.string({description: 'a fault rule as JSON (repeatable); see the admin API /__sim/faults', multiple: true, helpValue: 'JSON'}),
    quiet: Flags.boolean({description: 'do not print each request on stderr'}),
    'ssh-hosts': Flags.boolean({description: "give every droplet a machine that ssh reaches: its own sshd on a loopback address (needs openssh-server and bubblewrap), for pool status, logs and ssh"}),
    'authorized-keys': Flags.string({description: 'public keys let in on the hosts [default: ~/.ssh/id_*.pub]', helpValue: 'PATH'}),
    'boot-time': Flags.string({description: 'how long a simulated droplet takes from active to its agent running', default: '20s', helpValue: 'DURATION'}),
    'ssh-latency': Flags.string({description: 'added to every command a host answers (a round trip far away)', default: '0ms', helpValue: 'DURATION'}),
    cloud: Flags.string({description: "the cloud whose catalog it serves: amd-devcloud (MI300X sizes ending in -devcloud), digitalocean (the standard API's, without -devcloud), or mixed (both in one catalog)", options: [...SIMULATED_CLOUDS], default: DEFAULT_SIMULATED_CLOUD, helpValue: 'CLOUD'}),
    'moved-to': Flags.string({description: 'play a host that moved: every API request answers 301 with its path on this origin (the admin API stays)', helpValue: 'URL'}),
    replay: Flags.string({description: 'answer the API from this trace (JSON lines, as VELDA_DO_TRACE or --record writes them), in its order, instead of simulating it; the API token is not checked', helpValue: 'FILE'}),
    record: Flags.string({description: 'write every API exchange to FILE as a trace (JSON lines, mode 0600, secrets cut) that --replay answers', helpValue: 'FILE'}),
  }

  /** Prints its endpoint as it starts (scripts read that line while it runs), not as a result at the end. */
  protected async execute(): Promise<SimulatorResult | null> {
    const {flags} = await this.parse(Simulator)
    // Where it will listen, said before it does: off loopback, the token is all that protects it.
    const exposed = exposureWarning(flags.host, flags.token !== undefined || flags.seed !== undefined)
    if (exposed) this.say(this.paint.warning(exposed))
    const badPort = badPortProblem(flags.port)
    if (badPort) throw new UsageError(badPort.message, {suggestions: [badPort.suggestion]})
    // Checked here rather than by oclif's `exclusive`, whose usage line would read as if --fault and --ssh-hosts
    // excluded each other too.
    const besideReplay = flags.replay === undefined ? [] : (['fault', 'capacity', 'ssh-hosts', 'record', 'moved-to'] as const).filter((name) => flags[name] !== undefined && flags[name] !== false)
    if (besideReplay.length > 0) throw new UsageError(`--replay answers every request from the trace: ${besideReplay.map((name) => `--${name}`).join(', ')} cannot go with it`, {suggestions: ['leave out ' + besideReplay.map((name) => `--${name}`).join(' and ')]})
    const movedTo = flags['moved-to'] === undefined ? undefined : checkMovedTo(flags['moved-to'])
    const cloud = flags.cloud as SimulatedCloud
    const capacity = checkCapacity(flags.capacity ?? [], cloud)
    const example = 'e.g. --fault \'{"path":"/v2/sizes","action":{"type":"status","status":503}}\''
    const faults = (flags.fault ?? []).map((text) => {
      let rule: unknown
      try {
        rule = JSON.parse(text) as unknown
      } catch {
        throw new UsageError(`--fault: not JSON: ${text}`, {suggestions: [example]})
      }
      // A rule the admin API would refuse (400) is a usage error here, before anything listens.
      try {
        return parseFaultRule(rule)
      } catch (error) {
        throw new UsageError(`--fault: ${(error as Error).message}`, {suggestions: [example]})
      }
    })
    const replay = flags.replay === undefined ? undefined : this.readReplay(flags.replay)
    const recorder = flags.record === undefined ? null : openRecorder(flags.record, (line) => this.say(line))
    let origin = ''
    let token = ''
    // Closed however the simulator stops: the trace's lines are all written by then.
    const stopped = await runSimulatorUntilStopped(
      {
        host: flags.host,
        port: flags.port,
        token: flags.token,
        seed: flags.seed,
        latencyMs: parseDuration(flags.latency, '--latency'),
        activeAfterMs: parseDuration(flags['active-after'], '--active-after'),
        dropletLimit: flags['droplet-limit'],
        rateLimits: {perMinute: flags['rate-limit'], perHour: 5_000, sshKeysPerMinute: 10},
        faults,
        capacity,
        cloud,
        ...(movedTo ? {movedTo} : {}),
        replay,
        ...(recorder ? {record: (exchange) => recorder.write(traceLine(exchange, origin, token))} : {}),
        // Said even with --quiet: a request the simulator failed to answer (it answered 500 and serves on).
        onError: (line) => this.say(line),
        ...(flags['ssh-hosts'] ? {hosts: {authorizedKeys: readAuthorizedKeys(flags['authorized-keys'], this.env), bootMs: parseDuration(flags['boot-time'], '--boot-time'), latencyMs: parseDuration(flags['ssh-latency'], '--ssh-latency')}} : {}),
      },
      {
        started: (sim) => {
          origin = sim.url
          token = sim.token
          // One line, so a script can read it with head -1 while the simulator keeps running.
          const sshPort = sim.hosts?.port ?? null
          if (this.jsonEnabled()) this.factory.io.out.write(`${JSON.stringify({url: sim.url, token: sim.token, admin: `${sim.url}/__sim/`, ssh_port: sshPort, cloud, moved_to: movedTo ?? null})}\n`)
          else {
            const lines = [
              `DigitalOcean API simulator listening on ${sim.url} (admin API: ${sim.url}/__sim/state)${playing(cloud, movedTo)}`,
              `export DIGITALOCEAN_API_ENDPOINT=${sim.url}`,
              `export DIGITALOCEAN_API_TOKEN=${sim.token}`,
              ...(sshPort === null ? [] : hostsExports(sshPort, flags['authorized-keys'])),
            ]
            this.factory.io.out.write(lines.map((line) => `${line}\n`).join(''))
          }
        },
        request: flags.quiet ? undefined : (line) => this.say(line),
        signals: this.factory.signals,
      },
    ).finally(() => recorder?.close())
    // Stopped by a signal, as every command is: 128 + its number (130, 143, 129), once the hosts are gone.
    this.factory.setExitCode(stopped.exitCode)
    return this.jsonEnabled() ? null : {url: stopped.url, token: stopped.token, requests: stopped.requests}
  }

  private readReplay(file: string): Replay {
    try {
      const trace = readTraceFile(file)
      this.say(`replaying ${file}: ${trace.exchanges.length} HTTP requests in order (${trace.sshLines} ssh lines ignored); the API token is not checked`)
      return new Replay(trace, this.now)
    } catch (error) {
      if (!(error instanceof TraceError)) throw error
      throw new UsageError(`--replay: ${error.message}`, {suggestions: ['a trace is what VELDA_DO_TRACE=FILE or simulator --record FILE wrote: one JSON object a line (docs/simulator.md, "Replaying a trace")']})
    }
  }
}

function openRecorder(file: string, warn: (line: string) => void): TraceRecorder {
  try {
    return openTraceRecorder(file, warn)
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ELOOP' ? 'is a symbolic link (a trace is never written through one)' : ((error as NodeJS.ErrnoException).code ?? (error as Error).message)
    throw new UsageError(`--record: cannot write the trace to ${file}: ${reason}`, {suggestions: ['--record a new file in a directory of yours']})
  }
}

/** The --capacity specs, strictly: exit 2 naming the flag and the fix, before anything listens. */
function checkCapacity(specs: readonly string[], cloud: SimulatedCloud): CapacityRule[] {
  try {
    const rules = parseCapacitySpecs(specs)
    const catalog = cloudCatalog(cloud)
    for (const rule of rules) checkCapacityTarget(catalog, rule)
    return rules
  } catch (error) {
    const fix = error instanceof CapacitySpecError ? error.fix : `name a size and region of --cloud ${cloud}'s catalog, e.g. --capacity ${CAPACITY_EXAMPLE} with --cloud amd-devcloud`
    throw new UsageError(`--capacity: ${(error as Error).message}`, {suggestions: [fix]})
  }
}

/** The origin --moved-to names: an endpoint's rules (scheme and host only; plain http only to this machine). Exit 2 otherwise. */
function checkMovedTo(value: string): string {
  const problem = endpointProblem(value)
  if (problem) throw new UsageError(`--moved-to: ${problem.message}`, {suggestions: [problem.fix ?? 'e.g. --moved-to https://api.devcloud.amd.com']})
  return new URL(value).origin
}

/** `; playing amd-devcloud: ...; every API request answers 301 to https://...`, after the first line; nothing for the default. */
function playing(cloud: SimulatedCloud, movedTo: string | undefined): string {
  const parts = [
    ...(cloud === DEFAULT_SIMULATED_CLOUD ? [] : [`playing ${cloud}: ${CLOUD_DESCRIPTIONS[cloud]}`]),
    ...(movedTo ? [`every API request answers 301 to ${movedTo}`] : []),
  ]
  return parts.map((part) => `; ${part}`).join('')
}
