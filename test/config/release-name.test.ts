import {describe, expect, it} from 'vitest'

import {releaseNameAdvice} from '../../src/lib/config/release-name.js'

describe("Velda's release names (velda-io/velda's tags and builds)", () => {
  it.each([
    'v1.1.4', 'v1.1.2', 'v1.0.0-alpha', 'v1.1.1-beta1', 'v1.1.0-alpha0', 'v0.0.0-test1', 'weekly-20260202-173400', 'dev-42-20260101120000',
  ])('%s is one: no advice', (version) => {
    expect(releaseNameAdvice(version)).toBeNull()
  })

  it.each([
    ['1.0.0', 'v1.0.0'],
    ['V1.1.4', 'v1.1.4'],
    ['1.1', 'v1.1.0'],
    ['1.1.1beta1', 'v1.1.1-beta1'],
    ['v1.1.1-Beta1', 'v1.1.1-beta1'],
    ['weekly_20260202_173400', 'weekly-20260202-173400'],
    ['Weekly-20260202173400', 'weekly-20260202-173400'],
  ])('%s is not: did you mean %s?', (version, likely) => {
    const advice = releaseNameAdvice(version)
    expect(advice?.likely).toBe(likely)
    expect(advice?.fix).toBe(`did you mean ${likely}? velda-do doctor checks that it exists`)
    expect(advice?.message).toBe(`"${version}" does not look like a Velda release name (v1.1.4, v1.1.1-beta1, weekly-20260202-173400): the droplets would download velda-${version}-linux-amd64, which no release is named, and fail at boot`)
  })

  it.each(['latest', '1.0.0+build.5', '2025.11.02.1', 'main'])('%s is not, and no name is likely: the fix shows what one looks like', (version) => {
    const advice = releaseNameAdvice(version)
    expect(advice?.likely).toBeNull()
    expect(advice?.fix).toBe('write the name of a release of velda-io/velda, like v1.1.4, v1.1.1-beta1, weekly-20260202-173400; velda-do doctor checks that it exists')
  })
})
