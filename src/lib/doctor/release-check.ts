import {UsageError} from '../base/errors.js'
import type {Environment} from '../config/interpolate.js'
import {RELEASE_NAME_EXAMPLES, releaseNameAdvice} from '../config/release-name.js'
import type {HeadAnswer} from '../net/head-request.js'
import {isLoopbackHost} from '../net/loopback.js'
import {agentBinaryUrl, VELDA_RELEASES} from '../userdata/urls.js'
import type {CheckResult} from './checks.js'

/** Where doctor asks for the agent's release instead of releases.velda.io: a mirror, or a test's server. */
export const RELEASES_URL_ENV = 'VELDA_DO_RELEASES_URL'

/** How long the HEAD may take: a release server that does not answer in this time is reported, not waited for. */
export const RELEASE_CHECK_TIMEOUT_MS = 10_000

/**
 * The base URL of the releases: `$VELDA_DO_RELEASES_URL`, else the one the boot script downloads from. Held to the
 * endpoint's rule (https, or plain http to this machine only; no credentials, query or fragment), so a typo
 * cannot send the request somewhere plain; a path is allowed (a mirror's folder). Exit 2 naming the variable.
 */
export function releasesBase(env: Environment): string {
  const given = env[RELEASES_URL_ENV]
  if (!given) return VELDA_RELEASES
  const refuse = (why: string): never => {
    throw new UsageError(`$${RELEASES_URL_ENV} is "${given}": ${why}`, {suggestions: [`unset ${RELEASES_URL_ENV} to ask ${VELDA_RELEASES}, or set it to an https:// URL (plain http:// only to 127.0.0.1 or localhost)`]})
  }
  let url: URL
  try {
    url = new URL(given)
  } catch {
    return refuse('not a URL')
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) return refuse('not https:// (plain http:// goes only to this machine)')
  if (url.username || url.password) return refuse('a URL with credentials (the releases are public: none is needed)')
  if (url.search || url.hash) return refuse('a URL with a query or fragment')
  return url.href.replace(/\/+$/, '')
}

/**
 * What a HEAD of the agent's download says about the release (docs/cli.md, doctor's `agent_release`):
 * - 2xx: it exists;
 * - a redirect with a Location: it exists. A release server may keep its files elsewhere and point there, as
 *   GitHub's release downloads answer 302 to their storage; the redirect is not followed (nothing is sent to where
 *   it points), and a missing file is answered 404 by such servers, not redirected;
 * - 404 or 410: no release of that name: a miss of the config (exit 2), with the likely name;
 * - anything else (403, 5xx, no answer): not known, a miss doctor could not check (exit 3), as a lookup of
 *   DigitalOcean's that fails.
 */
export function releaseCheck(version: string, base: string, answer: HeadAnswer): CheckResult {
  const url = agentBinaryUrl(version, base)
  const asked = `HEAD ${url}`
  if (answer.kind === 'answer' && answer.status >= 200 && answer.status < 300) {
    return {check: {id: 'agent_release', ok: true, message: `agent release ${version} exists (${asked}: ${answer.status})`, fix: null}, kind: 'config'}
  }
  if (answer.kind === 'answer' && answer.status >= 300 && answer.status < 400 && answer.location) {
    const where = safeOrigin(answer.location, url)
    return {check: {id: 'agent_release', ok: true, message: `agent release ${version} exists (${asked}: ${answer.status} to ${where}, not followed)`, fix: null}, kind: 'config'}
  }
  if (answer.kind === 'answer' && (answer.status === 404 || answer.status === 410)) {
    const likely = releaseNameAdvice(version)?.likely
    const fix = `${likely ? `did you mean ${likely}? ` : ''}set agent_version_override (or --agent-version) to a release of velda-io/velda that exists, like ${RELEASE_NAME_EXAMPLES[0]} (its tags: https://github.com/velda-io/velda/tags)`
    return {
      check: {id: 'agent_release', ok: false, message: `no agent release ${version}: ${asked} answered ${answer.status}, so the droplets would fail at boot downloading it`, fix},
      kind: 'config',
    }
  }
  const why = answer.kind === 'answer' ? `answered ${answer.status}` : answer.reason
  return {
    check: {id: 'agent_release', ok: false, message: `could not check agent release ${version}: ${asked}: ${why}`, fix: `check the network, or try again later; the droplets download it from ${url} (${RELEASES_URL_ENV} asks another server)`},
    kind: 'api',
  }
}

/** Where a redirect points, by its origin only (a signed storage URL's query is nobody's business on a terminal). */
function safeOrigin(location: string, base: string): string {
  try {
    return new URL(location, base).origin
  } catch {
    return 'an address that is not a URL'
  }
}
