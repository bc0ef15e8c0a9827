import type {PoolConfig} from '../config/types.js'
import {InterruptedError} from '../base/errors.js'
import {plural} from '../text/plural.js'
import type {DigitalOceanApi} from '../do/client.js'
import type {BootStatus} from '../boot/status.js'
import type {GpuSample} from '../boot/gpu-sample.js'
import {sshArgs} from '../ssh/command.js'
import {hostKeyAlias} from '../ssh/known-hosts.js'
import {classifySshFailure, type SshFailure, sshFailureLine} from '../ssh/failure.js'
import {type Health, healthOf, parseProbe, PROBE_SCRIPT, ProbeOutputError} from '../ssh/probe.js'
import {boundedMap, type SshRun} from '../ssh/run.js'
import {type OutputLimit, PROBE_OUTPUT_LIMIT} from '../ssh/bounded-output.js'
import {isShared, listPools, type PoolDroplet} from './membership.js'
import {checkedAddress} from '../ssh/member-target.js'
import type {ProbeSettings} from '../ssh/settings.js'

/**
 * A member's state: its health as the probe found it, why the probe could not reach it, or (`output-too-large`)
 * that it answered with more than any probe's answer can be: broken or hostile, and never read further.
 */
export type MemberState = Health | SshFailure | 'no-address' | 'bad-address' | 'not-probed' | 'output-too-large'

export interface MemberStatus {
  id: number
  name: string
  /** The droplet's status at DigitalOcean (`new`, `active`, `off`). */
  status: string
  address: string | null
  state: MemberState
  detail: string
  boot: BootStatus | null
  /** The member's GPU sample (GPU sizes): the per-GPU figures; null without one, or when it could not be read. */
  gpu: GpuSample | null
  agent: string | null
  /** The boot log's last line (or ssh's reason when it failed). */
  last_line: string | null
}

export interface PoolStatusResult {
  pool: string
  members: MemberStatus[]
  healthy: number
}

export interface PoolStatusDeps {
  /** `member` names the droplet in the trace (`--trace`). */
  runSsh(args: readonly string[], options: {timeoutMs: number; limit: OutputLimit; member: string}): Promise<SshRun>
  isInterrupted(): boolean
}

/** Lists the pool and probes each member with an address over SSH, `parallel` at a time: one round trip each. */
/** A probe stopped by a signal: how many members it reached (all listed, the rest `not-probed`). */
export function stoppedProbing(result: PoolStatusResult): InterruptedError {
  return new InterruptedError(`stopped: ${plural(result.members.filter((m) => m.state !== 'not-probed').length, 'member')} probed (listed)`)
}

export async function poolStatus(api: DigitalOceanApi, pool: PoolConfig, configured: readonly PoolConfig[], settings: ProbeSettings, deps: PoolStatusDeps): Promise<PoolStatusResult> {
  const {members} = await listPools(api, [pool], configured)
  const own = members.filter((m) => !isShared(m))
  return probeMembers(pool.name, own, settings, deps)
}

export async function probeMembers(pool: string, members: readonly PoolDroplet[], settings: ProbeSettings, deps: PoolStatusDeps): Promise<PoolStatusResult> {
  const rows = await boundedMap(members, settings.parallel, (member) => probeMember(member, settings, deps))
  return {pool, members: rows, healthy: rows.filter((row) => row.state === 'healthy').length}
}

async function probeMember(member: PoolDroplet, settings: ProbeSettings, deps: PoolStatusDeps): Promise<MemberStatus> {
  const {address, refusal} = checkedAddress(member, settings.address)
  const row = {id: member.id, name: member.name, status: member.status, address, boot: null, gpu: null, agent: null, last_line: null}
  if (address === null) return {...row, state: 'no-address', detail: member.status === 'active' ? 'no address given' : `droplet is ${member.status}`}
  // Never dialled: what the API gave is not an address (see address-check.ts); this member's error only.
  if (refusal !== null) return {...row, state: 'bad-address', detail: refusal}
  if (deps.isInterrupted()) return {...row, state: 'not-probed', detail: 'stopped before probing it'}
  const args = sshArgs({hostKeyAlias: hostKeyAlias(member, settings.simulator), host: address, user: settings.user, port: settings.port, identityFile: settings.identityFile}, settings.ssh, [PROBE_SCRIPT])
  const run = await deps.runSsh(['-o', 'LogLevel=ERROR', ...args], {timeoutMs: settings.timeoutMs, limit: PROBE_OUTPUT_LIMIT, member: member.name})
  if (run.tooLarge) return {...row, state: 'output-too-large', detail: `answered the probe with more than ${PROBE_OUTPUT_LIMIT.bytes / 1024 / 1024} MiB (a real answer is a few KB): ended, not read`}
  // A stop ends the probes in flight: those members were not probed, not broken (one that had answered as the
  // stop came is shown as it answered).
  if (run.aborted) return {...row, state: 'not-probed', detail: 'stopped while probing it'}
  if (run.timedOut) return {...row, state: 'timeout', detail: `no answer within ${Math.round(settings.timeoutMs / 1000)}s`}
  if (run.status === 255 || run.status === null) {
    const line = sshFailureLine(run.stderr)
    return {...row, state: classifySshFailure(run.stderr), detail: line, last_line: line}
  }
  try {
    const probe = parseProbe(run.stdout)
    const {health, detail} = healthOf(probe)
    return {...row, state: health, detail, boot: probe.boot, gpu: probe.gpu, agent: probe.agent, last_line: probe.logTail.at(-1) ?? null}
  } catch (error) {
    if (!(error instanceof ProbeOutputError)) throw error
    return {...row, state: 'unknown', detail: error.message}
  }
}
