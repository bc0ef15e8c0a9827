import type {Environment} from '../config/interpolate.js'
import type {PoolConfig, VeldaConfig} from '../config/types.js'
import type {DigitalOceanApi} from '../do/client.js'
import {UnauthorizedError} from '../do/errors.js'
import type {AccountDetails, Image, Size, SshKey} from '../do/types.js'
import {SettingsError} from '../base/errors.js'
import {groupByAccount} from '../pool/accounts.js'
import {resolveEndpoint, resolveToken} from '../config/resolve-settings.js'
import {
  accountStatusCheck,
  agentVersionCheck,
  brokerCheck,
  type Check,
  type CheckResult,
  dropletLimitCheck,
  endpointFailed,
  imageCheck,
  imageLookupFailed,
  notChecked,
  placeholdersCheck,
  sizeCheck,
  sshKeysCheck,
  tailscaleCheck,
  tokenAccepted,
  tokenMissing,
  tokenRefused,
  tokenUnusable,
} from './checks.js'

export interface DoctorPool {
  name: string
  endpoint: string
  checks: Check[]
}

export interface DoctorReport {
  pools: DoctorPool[]
  ok: boolean
}

export interface DoctorOutcome {
  report: DoctorReport
  /** Some miss is DigitalOcean's answer (or its absence) rather than the config's: exit 3, not 2. */
  apiMiss: boolean
}

export interface DoctorOptions {
  broker?: string
  agentVersion?: string
  endpointFlag?: string
  env: Environment
  /** Opens the API for the account of this pool (endpoint and token as docs/cli.md, "Where settings come from", resolves them). */
  connect(pool: PoolConfig): Promise<DigitalOceanApi>
}

/**
 * Every check that needs nothing created, for every pool. Pools on one endpoint and token share their calls: one
 * account call, one count of the droplets, one size list, one ssh-key list (DigitalOcean allows 10 a minute),
 * one lookup per distinct image.
 */
export async function runDoctor(config: VeldaConfig, options: DoctorOptions): Promise<DoctorOutcome> {
  const apiChecks = new Map<string, CheckResult[]>()
  await Promise.all(groupByAccount(config.pools, options.endpointFlag, options.env).map(async (pools) => {
    const results = await checkAccount(pools, options)
    for (const pool of pools) apiChecks.set(pool.name, results(pool))
  }))
  const all: CheckResult[] = []
  const pools = config.pools.map((pool): DoctorPool => {
    const results = [
      ...(apiChecks.get(pool.name) ?? []),
      brokerCheck(pool, config, options.broker),
      agentVersionCheck(pool, config, options.agentVersion),
      tailscaleCheck(pool),
      placeholdersCheck(pool, config),
    ]
    all.push(...results)
    return {name: pool.name, endpoint: resolveEndpoint(options.endpointFlag, options.env, pool).value, checks: results.map((r) => r.check)}
  })
  const misses = all.filter((r) => !r.check.ok)
  return {report: {pools, ok: misses.length === 0}, apiMiss: misses.some((r) => r.kind === 'api')}
}

type Settled<T> = {ok: true; value: T} | {ok: false; error: unknown}

const settle = <T>(promise: Promise<T>): Promise<Settled<T>> =>
  promise.then((value) => ({ok: true as const, value}), (error: unknown) => ({ok: false as const, error}))

/** The API checks of the pools of one account, as a function of the pool. */
async function checkAccount(pools: PoolConfig[], options: DoctorOptions): Promise<(pool: PoolConfig) => CheckResult[]> {
  const first = pools[0] as PoolConfig
  const endpoint = resolveEndpoint(options.endpointFlag, options.env, first).value
  const token = resolveToken(options.env, first)
  if (!token?.secret) {
    const result = tokenMissing(token?.source ?? null, token?.missing ?? [])
    return (pool) => [result, ...keylessWithoutApi(pool)]
  }
  let api: DigitalOceanApi
  let account: AccountDetails
  try {
    api = await options.connect(first)
    account = await api.describeAccount()
  } catch (error) {
    const result = error instanceof UnauthorizedError
      ? tokenRefused(endpoint, token.source)
      : error instanceof SettingsError ? tokenUnusable(error) : endpointFailed(endpoint, error)
    return (pool) => [result, ...keylessWithoutApi(pool)]
  }
  const wantsKeys = pools.some((p) => p.sshKeyIds.length > 0)
  const imageIds = [...new Set(pools.map((p) => p.image))]
  const [plain, gpu, sizes, keys, ...images] = await Promise.all([
    settle(api.countDroplets()),
    settle(api.countDroplets({gpus: true})),
    settle(api.listSizes()),
    wantsKeys ? settle(api.listSshKeys()) : Promise.resolve<Settled<SshKey[] | null>>({ok: true, value: null}),
    ...imageIds.map((id) => settle(api.getImage(id))),
  ])
  const imageOf = new Map(imageIds.map((id, i) => [id, images[i] as Settled<Image | null>]))
  const limit = plain.ok && gpu.ok
    ? dropletLimitCheck({dropletLimit: account.droplet_limit, droplets: plain.value + gpu.value})
    : notChecked('droplet_limit', 'the droplet limit', plain.ok ? (gpu as {error: unknown}).error : plain.error)
  const common = [tokenAccepted(endpoint, token.source, account), accountStatusCheck(account), limit]
  return (pool) => {
    const image = imageOf.get(pool.image) as Settled<Image | null>
    return [
      ...common,
      sizes.ok ? sizeCheck(pool, sizes.value as Size[]) : notChecked('size', `the size ${pool.size}`, sizes.error),
      keys.ok ? sshKeysCheck(pool, keys.value as SshKey[] | null) : notChecked('ssh_keys', 'the ssh keys', keys.error),
      image.ok ? imageCheck(pool, image.value) : imageLookupFailed(pool, image.error),
    ]
  }
}

/** A pool without ssh_key_ids is a miss the config alone decides: reported even when the account cannot be asked. */
function keylessWithoutApi(pool: PoolConfig): CheckResult[] {
  return pool.sshKeyIds.length === 0 ? [sshKeysCheck(pool, null)] : []
}
