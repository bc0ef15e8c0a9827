import {describe, expect, it} from 'vitest'

import PoolReap from '../../src/commands/pool/reap.js'
import PoolStatus from '../../src/commands/pool/status.js'
import PoolUp from '../../src/commands/pool/up.js'
import Simulator from '../../src/commands/simulator.js'
import {runCommand} from '../support/command.js'
import {FakeApi} from '../support/fake-api.js'
import {writeCpuPoolConfig} from '../support/pools.js'

/**
 * Every duration a user types carries its unit: `--ttl 120` was a two-minute lease. Each flag and variable that
 * takes a duration refuses a bare number with exit 2, both readings offered, and nothing sent (the variables,
 * read when the API is opened: test/cli/connection.test.ts).
 */
describe('a duration without a unit (every command that takes one)', () => {
  const config = writeCpuPoolConfig('duration-units')

  it.each([
    ['pool up --ttl', PoolUp, ['cpu', '-c', config, '--ttl', '120'], '--ttl 120: a duration needs a unit: 120s or 120m?', '--ttl 120s (seconds) or --ttl 120m (minutes)'],
    ['pool up --wait-timeout', PoolUp, ['cpu', '-c', config, '--wait', '--wait-timeout', '120'], '--wait-timeout 120: a duration needs a unit: 120s or 120m?', '--wait-timeout 120s (seconds)'],
    ['pool up --poll-interval', PoolUp, ['cpu', '-c', config, '--wait', '--poll-interval', '5'], '--poll-interval 5: a duration needs a unit: 5s or 5m?', '--poll-interval 5s (seconds)'],
    ['pool reap --stuck-after', PoolReap, ['cpu', '-c', config, '--yes', '--stuck-after', '30'], '--stuck-after 30: a duration needs a unit: 30s or 30m?', '--stuck-after 30m (minutes)'],
    ['pool status --timeout', PoolStatus, ['cpu', '-c', config, '--timeout', '30'], '--timeout 30: a duration needs a unit: 30s or 30m?', '--timeout 30s (seconds)'],
    ['simulator --latency', Simulator, ['--latency', '50'], '--latency 50: a duration needs a unit: 50s or 50m?', '--latency 50s (seconds)'],
  ])('%s: exit 2 with the fix, nothing sent', async (_name, command, argv, message, fix) => {
    const api = new FakeApi()
    const run = await runCommand(command, argv, {api, env: {DIGITALOCEAN_API_TOKEN: 'dop_v1_test'}})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(`Error: ${message}`)
    expect(run.stderr).toContain(fix)
    expect(api.calls).toEqual([])
  })

  it('with the unit, the same values are taken: --ttl 120m is a two-hour lease', async () => {
    const api = new FakeApi()
    const run = await runCommand(PoolUp, ['cpu', '--ttl', '120m', '-c', config, '--json'], {api, now: () => Date.parse('2026-12-04T12:00:00Z')})
    expect(run.status).toBe(0)
    expect(JSON.parse(run.stdout).created[0].expires_at).toBe('2026-12-04T14:00:00Z')
  })
})
