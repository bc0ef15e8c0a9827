import type {PoolDroplet} from './membership.js'
import type {MemberState, MemberStatus, PoolStatusResult} from './pool-status.js'

/**
 * `--wait-for agent`: after the droplets are active, probe them (pool status's probe) until each one's agent is
 * active or its boot has failed. A member that cannot be reached yet (sshd not up, refused, a timeout) is still
 * booting as far as anyone can tell; a changed host key, a refused login, an address that is not one (never
 * dialled) or a member that answers with megabytes will not mend by waiting, nor will a GPU missing or counting
 * uncorrectable errors (the boot takes the first GPU sample before it is done).
 */
const SETTLED: ReadonlySet<MemberState> = new Set(['healthy', 'boot-failed', 'gpu-missing', 'gpu-errors', 'host-key-changed', 'auth-failed', 'bad-address', 'output-too-large'])

export interface AgentWaitDeps {
  probe(members: readonly PoolDroplet[]): Promise<PoolStatusResult>
  now(): number
  sleep(ms: number): Promise<void>
  isInterrupted(): boolean
  onProgress(healthy: number, total: number, elapsedMs: number): void
}

export interface AgentWaitOutcome {
  /** Each member as last probed. */
  members: MemberStatus[]
  /** Every member settled: healthy, or failed for good. */
  done: boolean
  interrupted: boolean
}

export async function waitForAgents(members: readonly PoolDroplet[], options: {timeoutMs: number; pollIntervalMs: number; startedAt: number}, deps: AgentWaitDeps): Promise<AgentWaitOutcome> {
  const deadline = options.startedAt + options.timeoutMs
  const latest = new Map<number, MemberStatus>()
  for (;;) {
    const open = members.filter((m) => !SETTLED.has(latest.get(m.id)?.state ?? 'not-probed'))
    if (open.length > 0) for (const row of (await deps.probe(open)).members) latest.set(row.id, row)
    const rows = members.map((m) => latest.get(m.id)).filter((row): row is MemberStatus => row !== undefined)
    deps.onProgress(rows.filter((r) => r.state === 'healthy').length, members.length, deps.now() - options.startedAt)
    if (rows.every((row) => SETTLED.has(row.state))) return {members: rows, done: true, interrupted: false}
    if (deps.isInterrupted()) return {members: rows, done: false, interrupted: true}
    const left = deadline - deps.now()
    if (left <= 0) return {members: rows, done: false, interrupted: false}
    await deps.sleep(Math.min(options.pollIntervalMs, left))
  }
}
