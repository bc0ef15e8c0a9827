import type {PoolConfig, VeldaConfig} from '../config/types.js'
import type {AccountDetails, Image, Size, SshKey} from '../do/types.js'
import {SettingsError, VeldaError} from '../base/errors.js'
import {accountLimitProblem, type GuardProblem, sizeProblem, sshKeysProblem} from '../pool/scale-up-guards.js'
import {resolveAgentVersion, resolveBroker} from '../config/resolve-settings.js'
import {marksOfPool} from '../config/change-marks.js'
import {formatPosition} from '../config/diagnostics.js'
import {CLOUDS} from '../config/clouds.js'
import type {RedirectError} from '../do/errors.js'
import {tokensByEndpoint} from '../net/known-endpoints.js'
import {describeEndpoint, otherTokenHosts} from './endpoints.js'
import {DEVCLOUD_SUFFIX, nearestSizes} from './nearest-sizes.js'
import {inflect, plural} from '../text/plural.js'

/** One line of the checklist: `--json` prints exactly these keys. */
export interface Check {
  id: CheckId
  ok: boolean
  message: string
  /** What to do about a miss; null when the check passed. */
  fix: string | null
}

export type CheckId = 'token' | 'account_status' | 'droplet_limit' | 'size' | 'ssh_keys' | 'image' | 'broker' | 'agent_version' | 'agent_release' | 'tailscale_key' | 'placeholders'

/**
 * A miss the user fixes in the config or the account (exit 2), or one where DigitalOcean could not be asked or
 * refused the token (exit 3). Kept beside the check, not in it: the JSON shape is the user's, this is the exit code's.
 */
export type MissKind = 'config' | 'api'

export interface CheckResult {
  check: Check
  kind: MissKind
}

const pass = (id: CheckId, message: string): CheckResult => ({check: {id, ok: true, message, fix: null}, kind: 'config'})
const miss = (id: CheckId, message: string, fix: string, kind: MissKind = 'config'): CheckResult => ({check: {id, ok: false, message, fix}, kind})
const fromProblem = (id: CheckId, problem: GuardProblem): CheckResult => miss(id, problem.message, problem.suggestions.join('; '))

/** `op…@example.com`: enough to recognise the account in a CI log, not to harvest the address. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@')
  if (at < 1) return email === '' ? '' : '…'
  return `${email.slice(0, Math.min(2, at))}…${email.slice(at)}`
}

export function tokenAccepted(endpoint: string, source: string, account: AccountDetails): CheckResult {
  const email = account.email ? `account ${maskEmail(account.email)}, ` : ''
  return pass('token', `token from ${source} accepted by ${describeEndpoint(endpoint)} (${email}status ${account.status})`)
}

/** No token at all, or its variable is unset: nothing was sent. */
export function tokenMissing(source: string | null, missing: readonly string[]): CheckResult {
  if (source === null) {
    return miss('token', 'no DigitalOcean API token: the account, size, ssh keys and image were not checked', 'export DIGITALOCEAN_API_TOKEN=dop_v1_..., or give the pool an api_token: "${VARIABLE}"')
  }
  return miss('token', `the API token comes from ${source}, but ${missing.join(', ')} is not set: the account, size, ssh keys and image were not checked`, `export ${missing[0] ?? 'DIGITALOCEAN_API_TOKEN'}=dop_v1_...`)
}

/** A token that cannot be sent (spaces, a newline): the config or the environment must change, nothing was sent. */
export function tokenUnusable(error: SettingsError): CheckResult {
  return miss('token', `${error.message}; the account, size, ssh keys and image were not checked`, error.suggestions.join('; '))
}

/** A 401 on the pool's endpoint. The most common cause is a token made for another endpoint. */
export function tokenRefused(endpoint: string, source: string): CheckResult {
  const host = new URL(endpoint).hostname
  const others = otherTokenHosts(endpoint)
  const hint = others.length > 0 ? `, or it was made for ${others.join(' or ')}` : ''
  return miss(
    'token',
    `${describeEndpoint(endpoint)} refused the token from ${source} (401): it is revoked or mistyped${hint}; the account, size, ssh keys and image were not checked`,
    `each endpoint takes its own tokens (${tokensByEndpoint()}): create a token for ${host} in its control panel, or point the pool's api_endpoint at the endpoint the token was made for`,
    'api',
  )
}

/**
 * The endpoint answered GET /v2/account with a redirect. It was not followed: the token goes only to the endpoint
 * the config or the flags named. The fix (the transport's) names the target and when to trust it.
 */
export function endpointRedirects(endpoint: string, source: string, error: RedirectError): CheckResult {
  return miss(
    'token',
    `${describeEndpoint(endpoint)} answered GET /v2/account with a redirect to ${error.location}, not followed: the token from ${source} was sent to ${new URL(endpoint).host} only; the account, size, ssh keys and image were not checked`,
    fixOf(error, `set the pool's api_endpoint to the endpoint your token was made for`),
    'api',
  )
}

/** The endpoint could not be asked at all (network, timeout, 5xx after the retries). */
export function endpointFailed(endpoint: string, error: unknown): CheckResult {
  return miss('token', `could not ask ${endpoint} about the token: ${reason(error)}; the account, size, ssh keys and image were not checked`, fixOf(error, 'check the network and the endpoint, then run velda-do doctor again'), 'api')
}

/** A single lookup that failed while the token itself worked. */
export function notChecked(id: CheckId, what: string, error: unknown): CheckResult {
  return miss(id, `${what} could not be checked: ${reason(error)}`, fixOf(error, 'run velda-do doctor again'), 'api')
}

export function accountStatusCheck(account: AccountDetails): CheckResult {
  if (account.status === 'active') return pass('account_status', 'account status: active')
  const why = account.status_message ? `: ${account.status_message}` : ''
  const effect = account.status === 'locked' ? 'a locked account cannot create droplets' : 'DigitalOcean may refuse to create droplets'
  return miss('account_status', `account status: ${account.status}${why} (${effect})`, 'settle it in the DigitalOcean control panel (Billing, or a support ticket), then run velda-do doctor again')
}

/** Room for at least one droplet; pool up checks the exact count it is asked for. */
export function dropletLimitCheck(usage: {dropletLimit: number; droplets: number}): CheckResult {
  const problem = accountLimitProblem(usage, 1)
  if (problem) return fromProblem('droplet_limit', {...problem, message: `droplet limit: ${usage.droplets} of ${usage.dropletLimit} used, no room for another droplet`})
  return pass('droplet_limit', `droplet limit: ${usage.droplets} of ${usage.dropletLimit} used, room for ${usage.dropletLimit - usage.droplets}`)
}

/**
 * The size must be in the endpoint's catalog and offered in the pool's region. A size the catalog lacks gets the
 * nearest it has (nearest-sizes.ts): most often a config written for the other cloud (`-devcloud` or not).
 */
export function sizeCheck(pool: PoolConfig, sizes: readonly Size[], endpoint: string): CheckResult {
  if (sizes.some((size) => size.slug === pool.size)) {
    const problem = sizeProblem(pool, sizes)
    return problem ? fromProblem('size', problem) : pass('size', `size ${pool.size} is offered in ${pool.region}`)
  }
  const near = nearestSizes(pool.size, sizes)
  const missing = `the size ${pool.size} of pool ${pool.name} is not in the catalog of ${describeEndpoint(endpoint)}`
  const clouds = `a size ending in ${DEVCLOUD_SUFFIX} is the AMD Developer Cloud's (${CLOUDS['amd-devcloud'].endpoint}), one without it DigitalOcean's (${CLOUDS.digitalocean.endpoint}): check the pool's api_endpoint too`
  if (near.length === 0) return miss('size', `${missing}, nor any size near it`, `pick one it has: velda-do sizes${pool.size.startsWith('gpu-') ? ' --gpu' : ''} lists them; ${clouds}`)
  const listed = near.map((n) => `${n.slug} (${n.why})`).join(', ')
  return miss('size', `${missing}; nearest it offers: ${listed}`, `set size: ${near[0]?.slug} in pool ${pool.name} (velda-do sizes --gpu lists the catalog), or ${clouds}`)
}

export function sshKeysCheck(pool: PoolConfig, keys: readonly SshKey[] | null): CheckResult {
  // Without a key no one logs in to a real droplet: pool ssh, status and logs all go over ssh.
  if (pool.sshKeyIds.length === 0 || keys === null) {
    return miss('ssh_keys', 'no ssh_key_ids: droplets get no ssh key, so pool ssh, pool status and pool logs cannot reach them',
      `add ssh_key_ids: [ID] to pool ${pool.name} (velda-do ssh-keys lists the ids of the account's keys; doctl compute ssh-key import adds one)`)
  }
  const problem = sshKeysProblem(pool, keys)
  if (!problem) return pass('ssh_keys', `${inflect(pool.sshKeyIds.length, 'ssh key', 'ssh keys')} ${pool.sshKeyIds.join(', ')} on the account`)
  return miss('ssh_keys', problem.message, 'add it to the account (doctl compute ssh-key import, or the control panel) or remove it from ssh_key_ids; velda-do ssh-keys lists the keys there are')
}

/**
 * The image must exist and be usable, or every create is refused. Its regions are not compared with the pool's:
 * dots reads them through an enum of regions that lacks newer ones (atl1, the MI300X region), so an image there
 * would look absent from it.
 */
export function imageCheck(pool: PoolConfig, image: Image | null): CheckResult {
  if (!image) {
    return miss('image', `image ${pool.image} does not exist on this account (a private image is found by its numeric id only)`, `use a public slug (e.g. ubuntu-24-04-x64; for MI300X, ${CLOUDS['amd-devcloud'].image} on the AMD Developer Cloud or ${CLOUDS.digitalocean.image} on DigitalOcean) or the id of one of your images: doctl compute image list`)
  }
  const name = image.slug ?? image.name
  if (UNUSABLE_IMAGE_STATUSES.has(image.status)) return miss('image', `image ${pool.image} (${name}) is ${image.status}, not available`, 'pick an available image: doctl compute image list')
  return pass('image', `image ${pool.image} exists (${name}, id ${image.id})`)
}

/**
 * DigitalOcean's public images that velda-do pools use. A token scoped without `image:read` cannot look them up
 * (403), yet can create droplets from them: for these slugs a failed lookup is not a miss.
 */
export const KNOWN_IMAGE_SLUGS: ReadonlySet<string> = new Set([
  'ubuntu-24-04-x64',
  'ubuntu-22-04-x64',
  'amd-rocm71software',
  'gpu-amd-base',
  'gpu-h100x1-base',
  'gpu-h100x8-base',
])

/** The image could not be looked up (not a 404): a known public slug still passes. */
export function imageLookupFailed(pool: PoolConfig, error: unknown): CheckResult {
  if (KNOWN_IMAGE_SLUGS.has(pool.image)) return pass('image', `image ${pool.image} is a known public slug (the lookup failed: ${reason(error)})`)
  return notChecked('image', `the image ${pool.image}`, error)
}

const UNUSABLE_IMAGE_STATUSES: ReadonlySet<string> = new Set(['NEW', 'pending', 'deleted', 'retired'])

export function brokerCheck(pool: PoolConfig, config: VeldaConfig, flag: string | undefined): CheckResult {
  try {
    const broker = resolveBroker(flag, pool, config)
    const host = broker.value.slice(0, broker.value.lastIndexOf(':')).replace(/^\[|\]$/g, '')
    if (isPlaceholderHost(host)) {
      const fix = broker.source.startsWith('--')
        ? `pass ${broker.source} with the address agents reach your Velda broker at (host:port)`
        : `set ${broker.source === 'default_broker_info' ? 'default_broker_info.address' : `${broker.source} of pool ${pool.name}`} in ${config.file} to the address agents reach your Velda broker at (host:port), or pass --broker HOST:PORT`
      return miss('broker', `broker address ${broker.value} (from ${broker.source}) is a placeholder: ${host} is a name reserved for examples, no broker answers there, so agents would never connect`, fix)
    }
    return pass('broker', `broker address ${broker.value} (from ${broker.source})`)
  } catch (error) {
    if (error instanceof SettingsError) return miss('broker', error.message, error.suggestions.join('; '))
    throw error
  }
}

export function agentVersionCheck(pool: PoolConfig, config: VeldaConfig, flag: string | undefined): CheckResult {
  try {
    const version = resolveAgentVersion(flag, pool, config.file)
    return pass('agent_version', `agent version ${version.value} (from ${version.source})`)
  } catch (error) {
    if (error instanceof SettingsError) return miss('agent_version', error.message, error.suggestions.join('; '))
    throw error
  }
}

/**
 * Names reserved for documentation (RFC 2606, RFC 6761): example.com/.net/.org, any name under them or under the
 * .example and .invalid top-level domains. The starter's broker is broker.example.com.
 */
export function isPlaceholderHost(host: string): boolean {
  return /(^|\.)(example\.(com|net|org)|example|invalid)\.?$/i.test(host)
}

/**
 * Values the config still marks `# CHANGE` (config init's placeholders). The mark is the user's word that the
 * value is not theirs yet, so it counts until the comment is deleted, whatever the value now is.
 */
export function placeholdersCheck(pool: PoolConfig, config: VeldaConfig): CheckResult {
  const marks = marksOfPool(config.changeMarks, pool)
  if (marks.length === 0) return pass('placeholders', 'no value marked CHANGE')
  const listed = marks.map((mark) => `${mark.path} ${JSON.stringify(mark.value)} (${formatPosition(mark.position, config.file)})`).join(', ')
  return miss('placeholders', `${plural(marks.length, 'value')} still marked CHANGE: ${listed}`,
    `set ${inflect(marks.length, 'it', 'each')} to your own value, then delete the "# CHANGE" comment on ${inflect(marks.length, 'its line', 'their lines')} in ${config.file}`)
}

/** The key's value is never revealed here: only whether its variables are set. */
export function tailscaleCheck(pool: PoolConfig): CheckResult {
  const setting = pool.tailscale?.preAuthKey
  if (!setting) return pass('tailscale_key', 'no tailscale_config: droplets do not join a tailnet')
  if (!setting.secret) {
    return miss('tailscale_key', `the Tailscale key (${setting.path}) needs ${setting.missing.join(', ')}, which is not set`, `export ${setting.missing[0] ?? 'TAILSCALE_AUTH_KEY'}=tskey-auth-... before pool up`)
  }
  return pass('tailscale_key', `Tailscale key present${setting.variables.length > 0 ? ` (from $${setting.variables.join(', $')})` : ''}`)
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function fixOf(error: unknown, fallback: string): string {
  return error instanceof VeldaError && error.suggestions.length > 0 ? error.suggestions.join('; ') : fallback
}
