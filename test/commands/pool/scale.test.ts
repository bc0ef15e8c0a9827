import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import PoolScale from '../../../src/commands/pool/scale.js'
import PoolUp from '../../../src/commands/pool/up.js'
import {connectApi} from '../../../src/lib/cli/connection.js'
import {fakeFactory, runCommand} from '../../support/command.js'
import {CPU_DROPLET, type DropletPool, veldaYaml} from '../../support/configs.js'
import {FakeApi, type FakeApiOptions, unprocessable} from '../../support/fake-api.js'
import {cpuPoolWith} from '../../support/pool-fixture.js'

/** The pool `cpu` (the fake's s-1vcpu-1gb, $0.00893/h) with these auto_scaler settings, and `members` of it already made. */
async function cpuPool(purpose: string, members: number, scaler: DropletPool['scaler'] = {}, api = new FakeApi()): Promise<{config: string; api: FakeApi}> {
  const config = join(mkdtempSync(join(tmpdir(), `velda-${purpose}-`)), 'velda.yaml')
  writeFileSync(config, veldaYaml([{name: 'cpu', droplet: CPU_DROPLET, scaler}]))
  if (members > 0) {
    const up = await runCommand(PoolUp, ['cpu', '-n', String(members), '-c', config], {api})
    if (up.status !== 0) throw new Error(`the pool's members could not be made: ${up.stderr}`)
  }
  api.calls.length = 0
  return {config, api}
}

/** The last line a person reads on stderr, colours left out. */
function lastLine(stderr: string): string {
  // eslint-disable-next-line no-control-regex -- chalk's escapes
  return stderr.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').split(/[\r\n]/).filter((l) => l.trim() !== '').at(-1) ?? ''
}

describe('pool scale (the command, with a fake API)', () => {
  it('--to 5 from 2 creates the 3 missing, and says so', async () => {
    const {config, api} = await cpuPoolWith(2, 'scale-up')
    const run = await runCommand(PoolScale, ['cpu', '--to', '5', '-c', config, '--json'], {api})
    expect(run.status).toBe(0)
    const output = JSON.parse(run.stdout)
    expect(output.created).toHaveLength(3)
    expect(api.droplets).toHaveLength(5)
  })

  it('--to 1 from 3 with --yes deletes 2', async () => {
    const {config, api} = await cpuPoolWith(3, 'scale-down')
    const run = await runCommand(PoolScale, ['cpu', '--to', '1', '--yes', '-c', config, '--json'], {api})
    expect(run.status).toBe(0)
    expect(JSON.parse(run.stdout).deleted).toHaveLength(2)
    expect(api.droplets).toHaveLength(1)
  })

  it('--to the size it has changes nothing and sends no create or delete', async () => {
    const {config, api} = await cpuPoolWith(2, 'scale-same')
    const run = await runCommand(PoolScale, ['cpu', '--to', '2', '-c', config], {api})
    expect(run.status).toBe(0)
    expect(api.callsOf('createDroplets')).toEqual([])
    expect(api.callsOf('deleteDroplet')).toEqual([])
  })

  it('shrinking without --yes and without a terminal: exit 2, nothing deleted', async () => {
    const {config, api} = await cpuPoolWith(2, 'scale-refused')
    const run = await runCommand(PoolScale, ['cpu', '--to', '0', '-c', config], {api})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('--yes')
    expect(api.callsOf('deleteDroplet')).toEqual([])
  })

  it('--dry-run --to 4 from 1 says it would create 3 and creates none', async () => {
    const {config, api} = await cpuPoolWith(1, 'scale-dry')
    const run = await runCommand(PoolScale, ['cpu', '--to', '4', '--dry-run', '-c', config], {api})
    expect(run.status).toBe(0)
    expect(run.stdout + run.stderr).toMatch(/would create 3/)
    expect(api.callsOf('createDroplets')).toEqual([])
  })
})

describe('pool scale: its guards say --to, and its dry run runs them', () => {
  it('--to 5 past max_agents of 4 says --to 4, not pool up\'s "ask for at most"', async () => {
    const {config, api} = await cpuPool('scale-max', 2, {max_agents: 4})
    const run = await runCommand(PoolScale, ['cpu', '--to', '5', '-c', config], {api})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('Error: pool cpu has 2 droplets; --to 5 would exceed its max_agents of 4\nTry this:\n  scale to at most 4: --to 4\n  or pass --ignore-limits to go past max_agents\n')
    expect(run.stderr).not.toContain('ask for at most')
  })

  it('--max-hourly-cost: the fix is a --to, said once', async () => {
    const {config, api} = await cpuPool('scale-cost', 2)
    const run = await runCommand(PoolScale, ['cpu', '--to', '10', '--max-hourly-cost', '0.05', '-c', config], {api})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('Try this:\n  scale to at most 5 (s-1vcpu-1gb is $0.00893/h): --to 5\n  or raise --max-hourly-cost\n')
    expect(run.stderr.match(/raise --max-hourly-cost/g)).toHaveLength(1)
  })

  const REFUSED: [string, {scaler?: DropletPool['scaler']; api?: FakeApiOptions; flags: string[]}][] = [
    ['past max_agents', {scaler: {max_agents: 4}, flags: ['--to', '5']}],
    ['past --max-hourly-cost', {flags: ['--to', '10', '--max-hourly-cost', '0.05']}],
    ["past the account's droplet limit", {api: {account: {droplet_limit: 4}}, flags: ['--to', '5']}],
    ['an unknown --project', {flags: ['--to', '3', '--project', 'nope']}],
  ]
  it.each(REFUSED)('%s: the run and the dry run both exit 2 with the same refusal', async (_name, row) => {
    const real = await cpuPool('scale-real', 2, row.scaler, new FakeApi(row.api))
    const dry = await cpuPool('scale-dry', 2, row.scaler, new FakeApi(row.api))
    const realRun = await runCommand(PoolScale, ['cpu', ...row.flags, '-c', real.config, '--json'], {api: real.api})
    const dryRun = await runCommand(PoolScale, ['cpu', ...row.flags, '-c', dry.config, '--json', '--dry-run'], {api: dry.api})
    expect([realRun.status, dryRun.status]).toEqual([2, 2])
    const dryOutput = JSON.parse(dryRun.stdout)
    expect(dryOutput.error).toEqual(JSON.parse(realRun.stdout).error)
    expect(dryOutput).toMatchObject({pool: 'cpu', dry_run: true, before: {total: 2}})
    expect(dry.api.callsOf('createDroplets')).toEqual([])
  })

  it('--dry-run --to 1000001 is refused (exit 2), not "would create 999997"', async () => {
    const {config, api} = await cpuPool('scale-huge', 2, {max_agents: 10})
    const run = await runCommand(PoolScale, ['cpu', '--to', '1000001', '--dry-run', '-c', config], {api})
    expect(run.status).toBe(2)
    expect(run.stdout).not.toContain('would create')
  })

  it('--dry-run without a token refuses a --to past max_agents from the config alone; otherwise it needs the token', async () => {
    const {config} = await cpuPool('scale-offline', 0, {max_agents: 10})
    const over = await runCommand(PoolScale, ['cpu', '--to', '12', '--dry-run', '-c', config], {connectApi})
    expect(over.status).toBe(2)
    expect(over.stderr).toContain("Error: --to 12 would exceed pool cpu's max_agents of 10 even if it had no droplet\nTry this:\n  scale to at most 10: --to 10\n")
    const within = await runCommand(PoolScale, ['cpu', '--to', '8', '--dry-run', '-c', config, '--json'], {connectApi})
    expect(within.status).toBe(2)
    expect(JSON.parse(within.stdout).error.code).toBe('missing_token')
  })
})

describe('pool scale: after a stop, what keeps billing', () => {
  it('SIGINT while creating, in a pool that had 2: --id for each new droplet, and what they cost', async () => {
    const {config, api} = await cpuPool('scale-stop', 2)
    const factory = fakeFactory({api})
    const created = api.createDroplets.bind(api)
    api.createDroplets = async (request) => {
      factory.signals.emit('SIGINT')
      return created(request)
    }
    const run = await runCommand(PoolScale, ['cpu', '--to', '14', '-c', config], factory)
    expect(run.status).toBe(130)
    const ids = api.droplets.slice(2).map((d) => d.id)
    expect(ids).toHaveLength(10)
    expect(lastLine(run.stderr)).toBe(`10 droplets are running ($0.0893/h): velda-do pool down cpu ${ids.map((id) => `--id ${id}`).join(' ')} -c ${config}`)
  })
})

describe('pool scale: a create refused part-way is said once, with the count and the fix', () => {
  /** A pool of 2 whose second create (the 10 after the first 10) is refused: the size is sold out in nyc3. */
  const soldOut = async (purpose: string) => {
    const {config, api} = await cpuPool(purpose, 2, {}, new FakeApi({account: {droplet_limit: 100}}))
    let sent = 0
    api.createDroplets = ((create) => async (request) => {
      if (sent++ >= 1) {
        api.calls.push({method: 'createDroplets', args: [request]})
        throw unprocessable('size is unavailable')
      }
      return create(request)
    })(api.createDroplets.bind(api))
    return {config, api}
  }

  it('on a terminal: one line for the names not created, the refusal once, its fix', async () => {
    const {config, api} = await soldOut('scale-sold-out')
    const run = await runCommand(PoolScale, ['cpu', '--to', '27', '--ignore-limits', '-c', config], {api})
    expect(run.status).toBe(4)
    expect(api.droplets).toHaveLength(12)
    expect(run.stderr).toContain('not created: 15 droplets, all for the reason below (--json lists their names)')
    expect(run.stderr).toContain('10 of 25 created; no capacity for s-1vcpu-1gb in nyc3 right now: DigitalOcean answered 422')
    expect(run.stderr).toContain('Try this:\n  --retry-until-up waits for it, --fallback POOL tries another pool\n')
    expect(run.stderr.split('size is unavailable')).toHaveLength(2)
    expect(run.stderr).not.toMatch(/not created: cpu-|not attempted/)
  })

  it('--json: error.code is the class, and failed lists every name', async () => {
    const {config, api} = await soldOut('scale-sold-out-json')
    const run = await runCommand(PoolScale, ['cpu', '--to', '27', '--ignore-limits', '-c', config, '--json'], {api})
    expect(run.status).toBe(4)
    const output = JSON.parse(run.stdout)
    expect([output.error.code, output.refusal, output.created.length, output.failed.length]).toEqual(['no_capacity', 'no_capacity', 10, 15])
  })
})

describe('pool scale: a create refused for capacity is tried smaller, as pool up\'s', () => {
  it('--to 12 from 2 with 3 places free (creates all or nothing): 10, 5, 2, 2, 1, 1 sent, the 3 taken, exit 4', async () => {
    const {config, api} = await cpuPool('scale-shrink', 2)
    const free = api.droplets.length + 3
    api.createDroplets = ((create) => async (request) => {
      if (request.names.length > free - api.droplets.length) {
        api.calls.push({method: 'createDroplets', args: [request]})
        throw unprocessable('size is unavailable')
      }
      return create(request)
    })(api.createDroplets.bind(api))
    const run = await runCommand(PoolScale, ['cpu', '--to', '12', '-c', config, '--json'], {api})
    expect(run.status).toBe(4)
    expect(api.callsOf('createDroplets').map(([request]) => (request as {names: string[]}).names.length)).toEqual([10, 5, 2, 2, 1, 1])
    const output = JSON.parse(run.stdout)
    expect([output.error.code, output.created.length, output.failed.length]).toEqual(['no_capacity', 3, 7])
    expect(api.droplets).toHaveLength(5)
  })
})
