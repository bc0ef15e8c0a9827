import * as Flags from '@oclif/core/flags'

import {parseDuration} from '../text/duration.js'
import {UsageError} from '../base/errors.js'
import {checkIdentityFile} from '../ssh/identity-file.js'
import {DEFAULT_RETRY_TIMEOUT_MS} from '../pool/capacity-retry.js'

/** Flags shared by several commands, defined once so their help text and parsing never drift apart. */
export const configFlag = Flags.string({
  char: 'c',
  description: 'Velda config file [default: $VELDA_DO_CONFIG, then ./velda-do.yaml, then ./velda.yaml]',
  helpValue: 'PATH',
})

export const brokerFlag = Flags.string({
  description: "broker address written into the agent's config [default: the pool's agent_config.broker, then default_broker_info]",
  helpValue: 'HOST:PORT',
})

export const agentVersionFlag = Flags.string({
  description: 'Velda agent release to install [default: agent_version_override]; does not change the pool prefix',
  helpValue: 'VERSION',
})

export const apiEndpointFlag = Flags.string({
  description: 'DigitalOcean API endpoint [default: $DIGITALOCEAN_API_ENDPOINT, then https://api-amd.digitalocean.com]',
  helpValue: 'URL',
})

/**
 * `-o, --output json|text|wide` of every command, as doctl and kubectl spell it: json is --json, text the default,
 * wide the whole table however narrow the terminal. Any other value is refused by the base command (a path,
 * render-userdata's old spelling of --output-file, is told where to go): see output-format.ts.
 */
export const outputFlag = Flags.string({
  char: 'o',
  description: 'output format: json (the same as --json), text (the default), or wide (every column of a table, whatever the width of the terminal)',
  helpValue: 'json|text|wide',
  helpGroup: 'GLOBAL',
})

/** `--format` and `--no-header` of every table command (pool list, sizes, regions, ssh-keys), as doctl spells them. */
export const tableFlags = {
  format: Flags.string({
    // No example here: every table command shares this text, and each names its own columns in its description.
    description: 'columns to print, comma-separated, in this order (a header in any case, spaces optional, or a --json key; the description lists the columns); rows only, no notes, never fitted to the terminal',
    helpValue: 'COLUMNS',
    exclusive: ['json'],
  }),
  // Refused with --json as --format is, but as a relationship: oclif's usage line groups `exclusive` flags, and a
  // second group around --json printed `[--no-header | ]`.
  'no-header': Flags.boolean({description: 'print the rows without the header line (for awk and cut); rows only, no notes, never fitted to the terminal', relationships: [{type: 'none', flags: ['json']}]}),
}

/**
 * Flags that were renamed: still parsed (hidden) so that the old spelling gets the new name and the reason, not
 * "Nonexistent flag", and never quietly means what a doctl user would not expect. The base command refuses them.
 */
export const renamedForceFlag = {force: Flags.boolean({hidden: true})}

export const RENAMED_FLAGS: Readonly<Record<string, {now: string; why: string}>> = {
  force: {now: '--ignore-limits', why: "it goes past the pool's min_agents/max_agents; in doctl --force skips the confirmation, which is -y/--yes here"},
}

export const quietFlag = Flags.boolean({char: 'q', description: 'no progress on stderr (spinners, waits, retries); warnings and errors still print'})

/** The longest lease `--ttl` gives: longer than any run a lease is meant for, short of "forever". */
export const MAX_TTL_MS = 90 * 86_400_000

export const ttlFlag = Flags.string({
  description: 'give each droplet created a lease of this long (e.g. 4h, 2d): pool list shows the time left, pool reap deletes it after',
  helpValue: 'DURATION',
})

export const maxHourlyCostFlag = Flags.string({
  description: "refuse (exit 2, nothing created) if the pool's droplets would cost more than this many US dollars an hour together",
  helpValue: 'DOLLARS',
  env: 'VELDA_DO_MAX_HOURLY_COST',
})

/** The lease `--ttl` asks for, ending that long from `now`; null without the flag. */
export function leaseFrom(ttl: string | undefined, now: number): {expiresAtMs: number} | null {
  if (ttl === undefined) return null
  // No upper bound in the parse: its limit is for waits ("the longest velda-do waits"), the lease's is the one below.
  const ms = parseDuration(ttl, '--ttl', {minMs: 60_000, maxMs: Number.POSITIVE_INFINITY})
  if (ms > MAX_TTL_MS) {
    throw new UsageError(`--ttl ${ttl} is longer than 90 days, the longest lease velda-do gives`, {suggestions: ['give --ttl 90d or less; without --ttl a droplet has no lease at all']})
  }
  return {expiresAtMs: now + ms}
}

/** `--wait` and its two settings, as pool up and pool scale take them (see waitSettings). */
export const waitFlags = {
  wait: Flags.boolean({description: 'wait until every created droplet is active, then show their addresses'}),
  'wait-timeout': Flags.string({description: 'how long --wait waits', default: '10m', helpValue: 'DURATION'}),
  'poll-interval': Flags.string({description: 'time between two checks while waiting (one list request each)', default: '5s', helpValue: 'DURATION'}),
}

/**
 * When GPUs are scarce (pool up, pool scale): wait for capacity, and other pools for what this one cannot get
 * (src/lib/pool/create-chain.ts). No default on --retry-timeout, so that giving it alone is refused, not ignored.
 */
export const capacityFlags = {
  'retry-until-up': Flags.boolean({description: 'when DigitalOcean has no capacity for the size, keep what was created and try the rest again (waits 1s, doubling to 5m) until all exist, --retry-timeout passes (exit 5) or Ctrl-C'}),
  'retry-timeout': Flags.string({description: 'how long --retry-until-up keeps trying [default: 2h]', helpValue: 'DURATION', dependsOn: ['retry-until-up']}),
  fallback: Flags.string({description: 'create what the pool has no capacity for in this other configured pool (repeatable or comma-separated; tried in order)', helpValue: 'POOL', multiple: true, delimiter: ','}),
}

/** `--retry-until-up [--retry-timeout D]`: how long to keep trying; null without it. */
export function retryFrom(flags: {'retry-until-up': boolean; 'retry-timeout'?: string}): {timeoutMs: number} | null {
  if (!flags['retry-until-up']) return null
  const timeout = flags['retry-timeout']
  return {timeoutMs: timeout === undefined ? DEFAULT_RETRY_TIMEOUT_MS : parseDuration(timeout, '--retry-timeout', {minMs: 1_000})}
}

const SSH_PORT_ENV_VAR = 'VELDA_DO_SSH_PORT'
const IDENTITY_FILE_ENV_VAR = 'VELDA_DO_IDENTITY_FILE'

/**
 * `--ssh-port`, or `$VELDA_DO_SSH_PORT`: a refusal names the one it came from, with its fix. oclif calls a flag's
 * parse with no token for a value it read from the variable.
 */
async function parseSshPort(input: string, context: {token?: unknown}): Promise<number> {
  if (/^\d+$/.test(input.trim()) && Number(input) >= 1 && Number(input) <= 65_535) return Number(input)
  const what = 'not a port (a whole number from 1 to 65535)'
  if (context.token === undefined) {
    throw new UsageError(`$${SSH_PORT_ENV_VAR} is ${JSON.stringify(input)}: ${what}`, {suggestions: [`export ${SSH_PORT_ENV_VAR}=PORT (the port the members' sshd listens on), or unset ${SSH_PORT_ENV_VAR} for 22`]})
  }
  throw new UsageError(`--ssh-port ${input}: ${what}`, {suggestions: ["give the port the members' sshd listens on: --ssh-port 2222"]})
}

/**
 * `-i` as typed is checked when a member is dialled (ssh/settings.ts); `$VELDA_DO_IDENTITY_FILE` as it is read, so
 * that a refusal names the variable, not a flag the user never typed.
 */
async function parseIdentityFile(input: string, context: {token?: unknown}): Promise<string> {
  if (context.token === undefined) checkIdentityFile(input, {}, `$${IDENTITY_FILE_ENV_VAR} is ${JSON.stringify(input)}`)
  return input
}

/** How to reach pool members over SSH (pool status, --wait-for agent): the system ssh, with these on top. */
export const sshFlags = {
  'ssh-user': Flags.string({description: 'user to log in as', default: 'root', env: 'VELDA_DO_SSH_USER', helpValue: 'USER'}),
  'identity-file': Flags.string({char: 'i', description: 'private key for ssh -i [default: what ssh picks: your agent, ~/.ssh/config]', env: IDENTITY_FILE_ENV_VAR, helpValue: 'PATH', parse: parseIdentityFile}),
  'ssh-port': Flags.custom<number>({description: 'port of sshd on the members [default: 22, or ~/.ssh/config]', env: SSH_PORT_ENV_VAR, helpValue: 'N', parse: parseSshPort})(),
  private: Flags.boolean({description: 'connect to the private (VPC) address instead of the public one', exclusive: ['tailnet']}),
  tailnet: Flags.boolean({description: "connect by the member's name on your tailnet (pools with tailscale_config; MagicDNS resolves it)"}),
}

/**
 * How pool status, pool top and pool reap's --idle/--unhealthy probe members: how many at once, and how long each
 * may take (probeTimeoutMs). `when` names the flags the probe runs for, where it does not always run.
 */
export function probeFlags(when?: string) {
  const only = when ? ` (${when})` : ''
  return {
    parallel: Flags.integer({description: `members probed at once${only}`, default: 16, min: 1, max: 256, helpValue: 'N'}),
    timeout: Flags.string({description: `how long one member may take to answer${only}`, default: '30s', helpValue: 'DURATION'}),
  }
}

/** `--timeout` of probeFlags: 1s to 10m. */
export function probeTimeoutMs(timeout: string): number {
  return parseDuration(timeout, '--timeout', {minMs: 1_000, maxMs: 10 * 60_000})
}

export const waitForFlag = Flags.string({
  description: 'what --wait waits for: the droplets active, or (agent) the Velda agent running on each, checked over SSH as pool status does',
  options: ['active', 'agent'],
  default: 'active',
  helpValue: 'active|agent',
})

export const PROJECT_ENV_VAR = 'VELDA_DO_PROJECT'

export const projectFlag = Flags.string({
  description: 'put the droplets created in this DigitalOcean project (name or id; "default" for the default project)',
  helpValue: 'NAME|ID',
  env: PROJECT_ENV_VAR,
})

/**
 * The project `--project` (or $VELDA_DO_PROJECT) names, null without one. An empty one is refused: oclif drops an
 * empty variable and the library reads '' as "no project", so `--project "$PROJECT"` with the variable unset would
 * put the droplets in the default project without a word, where the user meant a project of their own. The flag
 * wins over the variable, as everywhere: an empty flag is blamed as the flag, whatever the variable holds.
 * `raw` is the parser's tokens, which say whether the flag was on the command line (oclif fills it from the
 * variable otherwise, and the value alone cannot tell which: `--project ''` with VELDA_DO_PROJECT='' set).
 */
export function projectFrom(flag: string | undefined, env: Readonly<Record<string, string | undefined>>, raw: readonly {type: string; flag?: string}[]): string | null {
  const variable = env[PROJECT_ENV_VAR]
  const fix = 'the droplets then go to the default project; --project default says so'
  const onCommandLine = raw.some((token) => token.type === 'flag' && token.flag === 'project')
  if (!onCommandLine && variable !== undefined && variable.trim() === '') {
    throw new UsageError(`$${PROJECT_ENV_VAR} is set but empty: it must name a project (name or id)`, {suggestions: [`export ${PROJECT_ENV_VAR}=NAME, or unset ${PROJECT_ENV_VAR}: ${fix}`]})
  }
  if (flag === undefined) return null
  if (flag.trim() === '') {
    throw new UsageError('--project is empty: it must name a project (name or id)', {suggestions: [`give --project NAME, or leave --project out: ${fix}`]})
  }
  return flag
}
