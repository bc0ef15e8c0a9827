import {describe, expect, it} from 'vitest'

import {sshdVersionHasSetEnv} from '../../src/lib/simulator/hosts/sshd.js'

describe('whether the simulated hosts may use sshd\'s SetEnv (OpenSSH 8.7 and later)', () => {
  it.each([
    ['OpenSSH_9.2, OpenSSL 3.0.19 27 Jan 2026', true],
    ['OpenSSH_8.7p1, OpenSSL 1.1.1k  FIPS 25 Mar 2021', true],
    ['OpenSSH_10.0p2 Debian-5, OpenSSL 3.5.1 1 Jul 2025', true],
    // Before 9.x, sshd had no -V: it names its version in the usage it prints instead.
    ['sshd: illegal option -- V\nOpenSSH_8.4p1 Debian-5+deb11u3, OpenSSL 1.1.1w  11 Sep 2023\nusage: sshd [-46DdeiqTt]', false],
    ['OpenSSH_8.2p1 Ubuntu-4ubuntu0.11, OpenSSL 1.1.1f  31 Mar 2020', false],
    ['OpenSSH_7.4p1, OpenSSL 1.0.2k-fips  26 Jan 2017', false],
    ['', false],
  ])('%j: %s', (printed, expected) => {
    expect(sshdVersionHasSetEnv(printed)).toBe(expected)
  })
})
