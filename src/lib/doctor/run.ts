import type {Environment} from '../config/interpolate.js'
import type {PoolConfig, VeldaConfig} from '../config/types.js'
import type {DigitalOceanApi} from '../do/client.js'
import {ApiError, RedirectError, UnauthorizedError} from '../do/errors.js'
import type {AccountDetails, Image, Size, SshKey} from '../do/types.js'
import {SettingsError} from '../base/errors.js'
import {groupByAccount} from '../pool/accounts.js'
import {resolveAgentVersion, resolveEndpoint, resolveToken} from '../config/resolve-settings.js'
import type {HeadAnswer, HeadRequest} from '../net/head-request.js'
import {RELEASE_CHECK_TIMEOUT_MS, releaseCheck, releasesBase} from './release-check.js'
import {agentBinaryUrl} from '../userdata/urls.js'
import {
  accountStatusCheck,
  agentVersionCheck,
  brokerCheck,
  type Check,
  type CheckResult,
  dropletLimitCheck,
  endpointFailed,
  endpointRedirects,
  maskEmail,
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

/**
 * What one account (an endpoint and a token, shared by `pools`) answered to GET /v2/account: `ok` (200),
 * `unauthorized` (401), `redirect` (never followed: `location` says where to), `failed` (another status, or no
 * answer), `not_sent` (no token, or one that cannot be sent).
 */
export interface DoctorAccount {
  endpoint: string
  pools: string[]
  /** Where the token came from (`$DIGITALOCEAN_API_TOKEN`, a pool's api_token); null when there is none. */
  token: string | null
  answer: 'ok' | 'unauthorized' | 'redirect' | 'failed' | 'not_sent'
  /** The HTTP status, when there was one and velda-do knows it (a redirect's is not kept). */
  status: number | null
  location: string | null
  message: string
}

export interface DoctorReport {
  accounts: DoctorAccount[]
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
  /** Asks whether the agent's download exists (no token; a redirect is reported, not followed). */
  headRequest: HeadRequest
}

/**
 * Every check that needs nothing created, for every pool. Pools on one endpoint and token share their calls: one
 * account call, one count of the droplets, one size list, one ssh-key list (DigitalOcean allows 10 a minute),
 * one lookup per distinct image.
 */
export async function runDoctor(config: VeldaConfig, options: DoctorOptions): Promise<DoctorOutcome> {
  const apiChecks = new Map<string, CheckResult[]>()
  // A bad $VELDA_DO_RELEASES_URL is refused before anything is sent.
  const base = releasesBase(options.env)
  const versions = releaseVersions(config, options.agentVersion)
  const [accounts, releases] = await Promise.all([
    Promise.all(groupByAccount(config.pools, options.endpointFlag, options.env).map(async (pools) => {
      const {account, results} = await checkAccount(pools, options)
      for (const pool of pools) apiChecks.set(pool.name, results(pool))
      return account
    })),
    // One HEAD per distinct version, however many pools install it.
    askReleases([...new Set(versions.values())], base, options.headRequest),
  ])
  const all: CheckResult[] = []
  const pools = config.pools.map((pool): DoctorPool => {
    const results = [
      ...(apiChecks.get(pool.name) ?? []),
      brokerCheck(pool, config, options.broker),
      agentVersionCheck(pool, config, options.agentVersion),
      ...releaseChecks(versions.get(pool.name), base, releases),
      tailscaleCheck(pool),
      placeholdersCheck(pool, config),
    ]
    all.push(...results)
    return {name: pool.name, endpoint: resolveEndpoint(options.endpointFlag, options.env, pool).value, checks: results.map((r) => r.check)}
  })
  const misses = all.filter((r) => !r.check.ok)
  return {report: {accounts, pools, ok: misses.length === 0}, apiMiss: misses.some((r) => r.kind === 'api')}
}

/** Each pool's agent version, where it has one (the agent_version check reports a pool without). */
function releaseVersions(config: VeldaConfig, flag: string | undefined): Map<string, string> {
  const versions = new Map<string, string>()
  for (const pool of config.pools) {
    try {
      versions.set(pool.name, resolveAgentVersion(flag, pool, config.file).value)
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error
    }
  }
  return versions
}

async function askReleases(versions: string[], base: string, head: HeadRequest): Promise<Map<string, HeadAnswer>> {
  const answers = await Promise.all(versions.map((version) => head(agentBinaryUrl(version, base), {timeoutMs: RELEASE_CHECK_TIMEOUT_MS})))
  return new Map(versions.map((version, i) => [version, answers[i] as HeadAnswer]))
}

function releaseChecks(version: string | undefined, base: string, answers: Map<string, HeadAnswer>): CheckResult[] {
  const answer = version === undefined ? undefined : answers.get(version)
  return version === undefined || answer === undefined ? [] : [releaseCheck(version, base, answer)]
}

type Settled<T> = {ok: true; value: T} | {ok: false; error: unknown}

const settle = <T>(promise: Promise<T>): Promise<Settled<T>> =>
  promise.then((value) => ({ok: true as const, value}), (error: unknown) => ({ok: false as const, error}))

interface AccountChecks {
  account: DoctorAccount
  /** The API checks, as a function of the pool. */
  results: (pool: PoolConfig) => CheckResult[]
}

/** What the account answered, and the API checks of its pools. */
async function checkAccount(pools: PoolConfig[], options: DoctorOptions): Promise<AccountChecks> {
  const first = pools[0] as PoolConfig
  const endpoint = resolveEndpoint(options.endpointFlag, options.env, first).value
  const token = resolveToken(options.env, first)
  const entry = (answer: Omit<DoctorAccount, 'endpoint' | 'pools' | 'token'>): DoctorAccount => ({endpoint, pools: pools.map((p) => p.name), token: token?.source ?? null, ...answer})
  if (!token?.secret) {
    const result = tokenMissing(token?.source ?? null, token?.missing ?? [])
    const why = token ? `${token.missing.join(', ')} is not set` : 'no token'
    return {account: entry({answer: 'not_sent', status: null, location: null, message: `not sent: ${why}`}), results: (pool) => [result, ...keylessWithoutApi(pool)]}
  }
  let api: DigitalOceanApi
  let account: AccountDetails
  try {
    api = await options.connect(first)
    account = await api.describeAccount()
  } catch (error) {
    const {result, answer} = accountRefused(endpoint, token.source, error)
    return {account: entry(answer), results: (pool) => [result, ...keylessWithoutApi(pool)]}
  }
  const email = account.email ? `account ${maskEmail(account.email)}, ` : ''
  const answered = entry({answer: 'ok', status: 200, location: null, message: `200: ${email}status ${account.status}`})
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
  return {
    account: answered,
    results: (pool) => {
      const image = imageOf.get(pool.image) as Settled<Image | null>
      return [
        ...common,
        sizes.ok ? sizeCheck(pool, sizes.value as Size[], endpoint) : notChecked('size', `the size ${pool.size}`, sizes.error),
        keys.ok ? sshKeysCheck(pool, keys.value as SshKey[] | null) : notChecked('ssh_keys', 'the ssh keys', keys.error),
        image.ok ? imageCheck(pool, image.value) : imageLookupFailed(pool, image.error),
      ]
    },
  }
}

type Answer = Omit<DoctorAccount, 'endpoint' | 'pools' | 'token'>

/** GET /v2/account did not answer 200 (or was never sent): the token check, and what the account entry says. */
function accountRefused(endpoint: string, source: string, error: unknown): {result: CheckResult; answer: Answer} {
  if (error instanceof UnauthorizedError) {
    return {result: tokenRefused(endpoint, source), answer: {answer: 'unauthorized', status: 401, location: null, message: `401: ${error.apiMessage}`}}
  }
  if (error instanceof RedirectError) {
    return {
      result: endpointRedirects(endpoint, source, error),
      answer: {answer: 'redirect', status: null, location: error.location, message: `a redirect to ${error.location}, not followed: the token was sent to ${new URL(endpoint).host} only`},
    }
  }
  if (error instanceof SettingsError) return {result: tokenUnusable(error), answer: {answer: 'not_sent', status: null, location: null, message: `not sent: ${error.message}`}}
  const status = error instanceof ApiError ? error.status : null
  const message = error instanceof ApiError ? `${error.status}: ${error.apiMessage}` : `no answer: ${error instanceof Error ? error.message : String(error)}`
  return {result: endpointFailed(endpoint, error), answer: {answer: 'failed', status, location: null, message}}
}

/** A pool without ssh_key_ids is a miss the config alone decides: reported even when the account cannot be asked. */
function keylessWithoutApi(pool: PoolConfig): CheckResult[] {
  return pool.sshKeyIds.length === 0 ? [sshKeysCheck(pool, null)] : []
}
