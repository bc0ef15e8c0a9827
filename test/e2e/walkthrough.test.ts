import {spawnSync, type SpawnSyncReturns} from 'node:child_process'
import {join} from 'node:path'

import {beforeAll, expect, it} from 'vitest'

import {PROJECT_ROOT} from '../support/cli.js'
import {canRunHosts} from '../support/hosts.js'

// A dozen CLI processes one after another: 12 s alone, three times that on two cores shared with the rest of the
// suite, and minutes on a machine that other work keeps busy. Its own limit is the test's.
const DEMO_LIMIT_MS = 300_000

let result: SpawnSyncReturns<string>

beforeAll(() => {
  result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'demo.mjs')], {cwd: PROJECT_ROOT, encoding: 'utf8', timeout: DEMO_LIMIT_MS})
}, DEMO_LIMIT_MS)

it('the README walk-through (npm run demo) runs start to end', () => {
  expect(result.status, result.stdout + result.stderr).toBe(0)
  expect(result.stdout).toMatch(/\$ velda-do pool up amd-mi300x --count 2 --wait/)
  expect(result.stdout.match(/ active +atl1 /g)?.length).toBeGreaterThanOrEqual(2)
  expect(result.stdout).toMatch(/amd-mi300x: 0 droplets; min 0, max 10\n*$/)
})

// The day ends with the question that matters: are the agents running? The demo asks it where the simulator's
// hosts can run (ssh, sshd, bwrap), as here.
it.runIf(canRunHosts('the demo\'s pool status step'))('the walk-through ends its day on pool status: both members healthy', () => {
  expect(result.stdout).toMatch(/\$ velda-do pool status amd-mi300x /)
  expect(result.stdout).toContain('2 of 2 members healthy (agent active)')
})
