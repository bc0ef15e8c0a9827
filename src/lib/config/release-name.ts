/**
 * Whether an agent version names a Velda release. The droplet downloads `velda-<version>-linux-amd64`
 * (userdata/urls.ts), and Velda names its builds after their tags (velda-io/velda, Makefile `release`:
 * `bin/velda-${VERSION}-linux-amd64`; .github/workflows/release.yml: the tag pushed, `weekly-%Y%m%d-%H%M%S` for the
 * scheduled build, `dev-<PR>-<%Y%m%d%H%M%S>` for a PR's): `v1.1.4`, `v1.1.1-beta1`, `weekly-20260202-173400`. A
 * version like `1.0.0` passes the broker's loader but downloads a file no release is named: the droplet fails at
 * boot after it started billing. So velda-do warns, never refuses (the broker accepts it: parity).
 */

/** Release tags (`v1.1.4`, `v1.0.0-alpha`, `v1.1.1-beta1`), the weekly builds and the PR builds. */
const RELEASE_NAMES: readonly RegExp[] = [/^v\d+\.\d+\.\d+(?:-[a-z]+\d*)?$/, /^weekly-\d{8}-\d{6}$/, /^dev-\d+-\d{14}$/]

/** Real names, for a message that shows what one looks like. */
export const RELEASE_NAME_EXAMPLES = ['v1.1.4', 'v1.1.1-beta1', 'weekly-20260202-173400'] as const

export interface ReleaseNameAdvice {
  /** What is wrong, with the version quoted. */
  message: string
  /** What to write instead. */
  fix: string
  /** The release name the version most likely meant (`1.0.0` → `v1.0.0`); null when none is clear. */
  likely: string | null
}

/** Advice when `version` does not look like a Velda release name; null when it does. Pure: no network. */
export function releaseNameAdvice(version: string): ReleaseNameAdvice | null {
  if (RELEASE_NAMES.some((pattern) => pattern.test(version))) return null
  const likely = likelyReleaseName(version)
  const examples = RELEASE_NAME_EXAMPLES.join(', ')
  return {
    message: `"${version}" does not look like a Velda release name (${examples}): the droplets would download velda-${version}-linux-amd64, which no release is named, and fail at boot`,
    fix: likely === null
      ? `write the name of a release of velda-io/velda, like ${examples}; velda-do doctor checks that it exists`
      : `did you mean ${likely}? velda-do doctor checks that it exists`,
    likely,
  }
}

/** The release name a near miss meant: the `v` left out or in capitals, a variant without its dash, a weekly build's separators. */
function likelyReleaseName(version: string): string | null {
  const semantic = /^[vV]?(\d+)\.(\d+)(?:\.(\d+))?(?:-?([A-Za-z]+)(\d*))?$/.exec(version)
  if (semantic) {
    const [, major, minor, patch = '0', variant, count = ''] = semantic
    return `v${major}.${minor}.${patch}${variant ? `-${variant.toLowerCase()}${count}` : ''}`
  }
  const weekly = /^weekly[-_.]?(\d{8})[-_.]?(\d{6})$/i.exec(version)
  if (weekly) return `weekly-${weekly[1]}-${weekly[2]}`
  return null
}
