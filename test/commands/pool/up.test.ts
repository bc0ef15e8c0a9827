import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import PoolUp from '../../../src/commands/pool/up.js'
import {connectApi} from '../../../src/lib/cli/connection.js'
import {ApiError} from '../../../src/lib/do/errors.js'
import type {Droplet, DropletCreateRequest} from '../../../src/lib/do/types.js'
import {fakeFactory, runCommand, sshAnswer} from '../../support/command.js'
import {CPU_DROPLET, type DropletPool, veldaYaml} from '../../support/configs.js'
import {FakeApi, type FakeApiOptions, unprocessable} from '../../support/fake-api.js'
import {probeAnswer} from '../../support/member-answers.js'
import {cpuPoolWith} from '../../support/pool-fixture.js'
import {writeCpuPoolConfig} from '../../support/pools.js'

/** A droplet of another pool, or of none: it counts toward the account's limit only. */
const OTHER_DROPLET: Droplet = {id: 9000, name: 'other', status: 'active', region: 'nyc3', size: 's-1vcpu-1gb', image: 'ubuntu-24-04-x64', public_ipv4: null, private_ipv4: null, public_ipv6: null, created_at: '2026-11-27T10:00:00Z', tags: [], price_hourly: 0.00893, gpu_model: null}

/** A config of one pool `cpu` (the fake's s-1vcpu-1gb, $0.00893/h) with these auto_scaler and droplet settings. */
function cpuConfig(purpose: string, scaler: DropletPool['scaler'] = {}, droplet: DropletPool['droplet'] = {}): string {
  const file = join(mkdtempSync(join(tmpdir(), `velda-${purpose}-`)), 'velda.yaml')
  writeFileSync(file, veldaYaml([{name: 'cpu', droplet: {...CPU_DROPLET, ...droplet}, scaler}]))
  return file
}

/** The last line a person reads on stderr, colours and the spinner's redraws left out. */
function lastLine(stderr: string): string {
  // eslint-disable-next-line no-control-regex -- ora's and chalk's escapes
  return stderr.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').split(/[\r\n]/).filter((l) => l.trim() !== '').at(-1) ?? ''
}

describe('pool up (the command, with a fake API)', () => {
  it('creates the droplets in one request per 10, tagged for the pool, and lists them', async () => {
    const api = new FakeApi()
    const run = await runCommand(PoolUp, ['cpu', '-n', '12', '-c', writeCpuPoolConfig('up'), '--json'], {api})
    expect(run.status).toBe(0)
    const requests = api.callsOf('createDroplets').map(([request]) => request as {names: string[]; tags: string[]; size: string})
    expect(requests.map((r) => r.names.length)).toEqual([10, 2])
    expect(requests[0]?.size).toBe('s-1vcpu-1gb')
    // How pool list, down and the broker find the pool's droplets again.
    expect(requests[0]?.tags).toEqual(expect.arrayContaining(['velda', 'velda-pool:cpu']))
    const output = JSON.parse(run.stdout)
    expect(output.created).toHaveLength(12)
    expect(new Set(output.created.map((d: {name: string}) => d.name)).size).toBe(12)
    expect(output.failed).toEqual([])
  })

  it('a refused create is exit 3, nothing created, with the reason', async () => {
    const api = new FakeApi({fail: {createDroplets: () => unprocessable('size is not available in this region')}})
    const run = await runCommand(PoolUp, ['cpu', '-n', '2', '-c', writeCpuPoolConfig('up-refused')], {api})
    expect(run.status).toBe(3)
    expect(run.stderr).toContain('no droplet was created')
    expect(run.stderr).toContain('size is not available')
    expect(api.droplets).toEqual([])
  })

  describe('a refused create means what the account says, not what the words say', () => {
    /** Another run fills the account while this one creates: its create is refused, in whatever words. */
    const racedBy = (message: string) => {
      const api: FakeApi = new FakeApi({
        fail: {
          createDroplets: () => {
            api.droplets.push(...Array.from({length: 25}, (_v, i): Droplet => ({...OTHER_DROPLET, id: 9000 + i, name: `other-${i}`})))
            return unprocessable(message)
          },
        },
      })
      return api
    }

    it.each([
      ['DigitalOcean\'s words', 'creating this/these droplet(s) will exceed your droplet limit'],
      ['other words', 'quota reached, sorry'],
    ])('a full account after the refusal (%s): the droplet limit, with its fix', async (_what, message) => {
      const api = racedBy(message)
      const run = await runCommand(PoolUp, ['cpu', '-n', '2', '-c', writeCpuPoolConfig('up-limit'), '--json'], {api})
      expect(run.status).toBe(3)
      const output = JSON.parse(run.stdout)
      expect(output.refusal).toBe('droplet_limit')
      expect(output.error.code).toBe('droplet_limit')
      expect(output.error.message).toBe(`no droplet was created; the account's droplet limit is 25; 25 droplets exist and 2 more were asked for: DigitalOcean answered 422 unprocessable_entity to POST /v2/droplets: ${message} (after 1 attempt)`)
      expect(output.error.suggestions).toEqual(['delete droplets the account no longer needs', 'or ask DigitalOcean to raise the limit (control panel: Settings, then Team; or a support ticket)'])
    })

    it('the droplet limit\'s very words with room left under the limit, for a size offered in the region: no capacity', async () => {
      const api = new FakeApi({fail: {createDroplets: () => unprocessable('creating this/these droplet(s) will exceed your droplet limit')}})
      const run = await runCommand(PoolUp, ['cpu', '-n', '2', '-c', writeCpuPoolConfig('up-limit-words'), '--json'], {api})
      expect(run.status).toBe(3)
      const output = JSON.parse(run.stdout)
      expect([output.refusal, output.error.code]).toEqual(['no_capacity', 'no_capacity'])
      expect(output.error.message).not.toMatch(/droplet limit is/)
      expect(output.error.suggestions[0]).toBe('--retry-until-up waits for it, --fallback POOL tries another pool')
    })

    it('a 400 that nothing velda-do reads explains: other, and doctor is suggested', async () => {
      const api = new FakeApi({fail: {createDroplets: () => new ApiError(400, 'bad_request', 'something is off', null, {method: 'POST', path: '/v2/droplets', attempts: 1})}})
      const run = await runCommand(PoolUp, ['cpu', '-n', '2', '-c', writeCpuPoolConfig('up-other'), '--json'], {api})
      expect(run.status).toBe(3)
      const output = JSON.parse(run.stdout)
      expect([output.refusal, output.error.code]).toEqual(['other', 'other'])
      expect(output.error.suggestions[0]).toMatch(/^velda-do doctor (-c \S+ )?checks pool cpu's size, region, image and keys/)
    })

    it('the image gone after the refusal (GET /v2/images answers 404): image, read only after the refusal', async () => {
      const api = new FakeApi({fail: {createDroplets: () => unprocessable('You specified an invalid image for Droplet creation.')}})
      api.getImage = async (slug) => {
        api.calls.push({method: 'getImage', args: [slug]})
        return null
      }
      const run = await runCommand(PoolUp, ['cpu', '-n', '2', '-c', writeCpuPoolConfig('up-image'), '--json'], {api})
      expect(run.status).toBe(3)
      const output = JSON.parse(run.stdout)
      expect(output.error.code).toBe('image')
      expect(output.error.message).toMatch(/^no droplet was created; image ubuntu-24-04-x64 of pool cpu does not exist on this account: /)
      expect(api.calls.findIndex((c) => c.method === 'getImage')).toBeGreaterThan(api.calls.findIndex((c) => c.method === 'createDroplets'))
    })
  })

  describe('a refusal part-way is said once, with the count and the fix', () => {
    /** The account has room for 10 more of the size: the second create of 10 is refused (a 422, in any words). */
    const soldOutAfter = (created: number) => {
      let sent = 0
      return new FakeApi({fail: {createDroplets: () => (sent++ >= created / 10 ? unprocessable('Size is not available in this region.') : null)}})
    }

    it('on a terminal: one line for the names not created, the refusal once, its fix', async () => {
      const api = soldOutAfter(10)
      const run = await runCommand(PoolUp, ['cpu', '-n', '25', '--ignore-limits', '-c', writeCpuPoolConfig('up-sold-out')], {api})
      expect(run.status).toBe(4)
      expect(api.droplets).toHaveLength(10)
      expect(run.stderr).toContain('not created: 15 droplets, all for the reason below (--json lists their names)')
      expect(run.stderr).toContain('10 of 25 created; no capacity for s-1vcpu-1gb in nyc3 right now: DigitalOcean answered 422')
      expect(run.stderr).toContain('Try this:\n  --retry-until-up waits for it, --fallback POOL tries another pool\n')
      // Said once: neither DigitalOcean's words nor a name not created is repeated per name.
      expect(run.stderr.split('Size is not available in this region.')).toHaveLength(2)
      expect(run.stderr).not.toMatch(/not created: cpu-|not attempted/)
    })

    it('--json: error.code is the class, and failed still lists every name', async () => {
      const api = soldOutAfter(10)
      const run = await runCommand(PoolUp, ['cpu', '-n', '25', '--ignore-limits', '-c', writeCpuPoolConfig('up-sold-out-json'), '--json'], {api})
      expect(run.status).toBe(4)
      const output = JSON.parse(run.stdout)
      expect(output.error).toMatchObject({code: 'no_capacity', message: expect.stringMatching(/^10 of 25 created; no capacity for s-1vcpu-1gb in nyc3 right now: /)})
      expect(output.refusal).toBe('no_capacity')
      expect(output.created).toHaveLength(10)
      expect(output.failed).toHaveLength(15)
      expect(new Set([...output.created, ...output.failed].map((d: {name: string}) => d.name)).size).toBe(25)
    })
  })

  describe('a create refused for capacity is tried smaller before the run stops', () => {
    /** `free` places for the size: a create of more than what is left is refused whole (a 422), as DigitalOcean's multi-create is. */
    const allOrNothing = (free: number) => {
      const api: FakeApi = new FakeApi({
        fail: {createDroplets: (request) => ((request as DropletCreateRequest).names.length > free - api.droplets.length ? unprocessable('size is unavailable') : null)},
      })
      return api
    }
    const createSizes = (api: FakeApi) => api.callsOf('createDroplets').map(([request]) => (request as DropletCreateRequest).names.length)

    it('-n 10 with 3 free: 10, 5, 2, 2, 1, 1 sent; the 3 taken, exit 4, the refusal said once with the count', async () => {
      const api = allOrNothing(3)
      const run = await runCommand(PoolUp, ['cpu', '-n', '10', '-c', writeCpuPoolConfig('up-shrink')], {api})
      expect(run.status).toBe(4)
      expect(createSizes(api)).toEqual([10, 5, 2, 2, 1, 1])
      expect(api.droplets).toHaveLength(3)
      expect(new Set(api.droplets.map((d) => d.name)).size).toBe(3)
      expect(run.stderr).toContain('not created: 7 droplets, all for the reason below (--json lists their names)')
      expect(run.stderr).toContain('3 of 10 created; no capacity for s-1vcpu-1gb in nyc3 right now: DigitalOcean answered 422')
      expect(run.stderr.split('size is unavailable')).toHaveLength(2)
      // The facts are read again once, after the first of the 4 refusals, and explain them all.
      expect(api.callsOf('listSizes').length - 1).toBe(1)
    })

    it('--json: the created and the names not created, each once, error.code no_capacity', async () => {
      const api = allOrNothing(3)
      const run = await runCommand(PoolUp, ['cpu', '-n', '10', '-c', writeCpuPoolConfig('up-shrink-json'), '--json'], {api})
      expect(run.status).toBe(4)
      const output = JSON.parse(run.stdout)
      expect([output.created.length, output.failed.length, output.refusal, output.error.code]).toEqual([3, 7, 'no_capacity', 'no_capacity'])
      expect(output.created.map((d: {name: string}) => d.name).sort()).toEqual(api.droplets.map((d) => d.name).sort())
      expect(new Set([...output.created, ...output.failed].map((d: {name: string}) => d.name)).size).toBe(10)
    })

    it('a refusal of another class (the account full) is not tried smaller: one create, exit 3', async () => {
      const api: FakeApi = new FakeApi({
        fail: {
          createDroplets: () => {
            api.droplets.push(...Array.from({length: 25}, (_v, i): Droplet => ({...OTHER_DROPLET, id: 9000 + i, name: `other-${i}`})))
            return unprocessable('quota reached, sorry')
          },
        },
      })
      const run = await runCommand(PoolUp, ['cpu', '-n', '10', '-c', writeCpuPoolConfig('up-shrink-limit'), '--json'], {api})
      expect(run.status).toBe(3)
      expect(createSizes(api)).toEqual([10])
      expect(JSON.parse(run.stdout).error.code).toBe('droplet_limit')
      // The facts read to decide whether to shrink are the ones the refusal is explained with: read once after it.
      expect(api.callsOf('listSizes')).toHaveLength(2)
    })
  })

  it('SIGTERM between two requests: exit 143, the first ten listed, the rest not sent', async () => {
    const api = new FakeApi()
    const config = writeCpuPoolConfig('up-stopped')
    const factory = fakeFactory({api})
    // The signal arrives while the first POST is in flight: it finishes, and nothing more is sent.
    const created = api.createDroplets.bind(api)
    api.createDroplets = async (request) => {
      factory.signals.emit('SIGTERM')
      return created(request)
    }
    const run = await runCommand(PoolUp, ['cpu', '-n', '12', '-c', config, '--json'], factory)
    expect(run.status).toBe(143)
    const output = JSON.parse(run.stdout)
    expect(output.created).toHaveLength(10)
    expect(output.error).toMatchObject({code: 'interrupted', signal: 'SIGTERM'})
    expect(api.droplets).toHaveLength(10)
  })

  it('Ctrl-C typed at the terminal while the spinner runs: exit 130, what was created listed, the terminal given back', async () => {
    const api = new FakeApi()
    const factory = fakeFactory({api, tty: true})
    const created = api.createDroplets.bind(api)
    api.createDroplets = async (request) => {
      // The spinner holds the terminal in raw mode: Ctrl-C arrives as a key, not as SIGINT.
      expect(factory.io.in.isRaw).toBe(true)
      factory.io.in.write('\u0003')
      await new Promise((resolve) => setImmediate(resolve))
      return created(request)
    }
    const run = await runCommand(PoolUp, ['cpu', '-n', '12', '-c', writeCpuPoolConfig('up-ctrl-c')], factory)
    expect(run.status).toBe(130)
    expect(api.droplets).toHaveLength(10)
    for (const droplet of api.droplets) expect(run.stdout).toContain(droplet.name)
    expect(factory.io.in.isRaw).toBe(false)
  })

  it('--dry-run prints the requests and sends nothing', async () => {
    const api = new FakeApi()
    const run = await runCommand(PoolUp, ['cpu', '-n', '3', '-c', writeCpuPoolConfig('up-dry'), '--dry-run'], {api})
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('POST')
    expect(api.callsOf('createDroplets')).toEqual([])
  })

  it('a --count past what one run creates is refused before anything is sent (exit 2, naming the flag)', async () => {
    const api = new FakeApi()
    const run = await runCommand(PoolUp, ['cpu', '-n', '1001', '-c', writeCpuPoolConfig('up-many')], {api})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('--count 1001 is more than velda-do creates in one run')
    expect(run.factory.connects).toEqual([])
    expect(api.callsOf('createDroplets')).toEqual([])
  })

  it('on a terminal of 60 columns the droplets created are a table that fits, and a note says what it left out', async () => {
    const api = new FakeApi()
    const run = await runCommand(PoolUp, ['cpu', '-n', '2', '-q', '--agent-version', 'v1.1.4', '-c', writeCpuPoolConfig('up-narrow')], {api, tty: true, columns: 60})
    expect(run.status).toBe(0)
    const lines = run.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^POOL +NAME +.*STATUS/)
    expect(lines).toHaveLength(3)
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(60)
    expect(run.stderr.replaceAll('\n', ' ')).toMatch(/^to fit 60 columns: left out [^.]*PRIVATE IPV4[^.]*\. -o wide prints the whole table; --format picks columns $/)
  })
})

describe('pool up --dry-run runs the guards the run runs', () => {
  // Each row: a config and an account the run refuses, and the flags. The dry run must refuse with the same words.
  const REFUSED: [string, {scaler?: DropletPool['scaler']; droplet?: DropletPool['droplet']; api?: FakeApiOptions; flags: string[]}][] = [
    ['past max_agents', {scaler: {max_agents: 10}, flags: ['-n', '12']}],
    ['past --max-hourly-cost', {flags: ['-n', '12', '--max-hourly-cost', '0.05']}],
    ["past the account's droplet limit", {api: {account: {droplet_limit: 5}}, flags: ['-n', '6']}],
    ['a size the account does not have', {droplet: {size: 's-64vcpu-512gb'}, flags: ['-n', '1']}],
    ['a size not offered in the region', {droplet: {size: 'gpu-mi300x1-192gb-devcloud'}, flags: ['-n', '1']}],
    ['an ssh key not on the account', {droplet: {ssh_key_ids: '[1234]'}, flags: ['-n', '1']}],
    ['an unknown --project', {flags: ['-n', '1', '--project', 'nope']}],
  ]
  it.each(REFUSED)('%s: the run and the dry run both exit 2 with the same refusal; the dry run prints its plan', async (_name, row) => {
    const config = cpuConfig('dry-guard', row.scaler, row.droplet)
    const real = await runCommand(PoolUp, ['cpu', ...row.flags, '-c', config, '--json'], {api: new FakeApi(row.api)})
    const dryApi = new FakeApi(row.api)
    const dry = await runCommand(PoolUp, ['cpu', ...row.flags, '-c', config, '--json', '--dry-run'], {api: dryApi})
    expect([real.status, dry.status]).toEqual([2, 2])
    const refusal = JSON.parse(real.stdout).error
    const dryOutput = JSON.parse(dry.stdout)
    expect(refusal.code === 'refused' || refusal.code === 'usage').toBe(true)
    expect(dryOutput.error).toEqual(refusal)
    expect(dryOutput).toMatchObject({pool: 'cpu', dry_run: true, requests: expect.arrayContaining([expect.objectContaining({method: 'POST'})])})
    expect(dryApi.callsOf('createDroplets')).toEqual([])
  })

  it('refused on a terminal: the plan on stdout, then the refusal and its fix, once', async () => {
    const run = await runCommand(PoolUp, ['cpu', '-n', '12', '--dry-run', '-c', cpuConfig('dry-human', {max_agents: 10})], {api: new FakeApi()})
    expect(run.status).toBe(2)
    expect(run.stdout).toMatch(/^# would create 12 droplets in 2 requests \(nothing sent\)\n# ≈ \$0\.107\/h for 12 droplets \(s-1vcpu-1gb at \$0\.00893\/h\); pool cpu: \$0\.00\/h now, \$0\.107\/h after\n/)
    expect(run.stderr).toContain('Error: pool cpu has 0 droplets; 12 more would exceed its max_agents of 10\nTry this:\n  ask for at most 10: --count 10\n  or pass --ignore-limits to go past max_agents\n')
  })

  it('passes what the run passes: exit 0, the plan, nothing created', async () => {
    const api = new FakeApi()
    const run = await runCommand(PoolUp, ['cpu', '-n', '10', '--dry-run', '--max-hourly-cost', '1', '-c', cpuConfig('dry-pass', {max_agents: 10})], {api})
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toContain('# would create 10 droplets in 1 request (nothing sent)')
    expect(api.callsOf('createDroplets')).toEqual([])
  })

  it('an API that fails while the guards read is exit 3, as the run would fail: no plan passes for checked', async () => {
    const api = new FakeApi({fail: {listSizes: () => new ApiError(503, 'service_unavailable', 'down for maintenance', null, {method: 'GET', path: '/v2/sizes', attempts: 5})}})
    const run = await runCommand(PoolUp, ['cpu', '-n', '3', '--dry-run', '-c', cpuConfig('dry-api-down')], {api})
    expect(run.status).toBe(3)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain('down for maintenance')
  })

  describe('without a token: what the config alone decides, and what was not checked', () => {
    // The real connection: no DIGITALOCEAN_* variable, so no API at all.
    const offline = {connectApi: connectApi}

    it('a --count past max_agents is refused (exit 2) whatever the pool holds, with the fix', async () => {
      const run = await runCommand(PoolUp, ['cpu', '-n', '12', '--dry-run', '-c', cpuConfig('dry-offline', {max_agents: 10})], offline)
      expect(run.status).toBe(2)
      expect(run.stdout).toContain('# would create 12 droplets in 2 requests (nothing sent)')
      expect(run.stderr).toContain("Error: 12 more would exceed pool cpu's max_agents of 10 even if it had no droplet\nTry this:\n  ask for at most 10 (fewer if the pool has droplets): --count 10\n")
    })

    it('within max_agents it exits 0 and says what it could not check', async () => {
      const run = await runCommand(PoolUp, ['cpu', '-n', '3', '--dry-run', '--max-hourly-cost', '5', '-c', cpuConfig('dry-offline-ok', {max_agents: 10})], offline)
      expect(run.status, run.stderr).toBe(0)
      expect(run.stderr).toMatch(/^cost unknown: no DigitalOcean API token/m)
      expect(run.stderr).toContain("not checked without a token: the pool's droplets (max_agents was checked as if it had none), the account's droplet limit, the size in the region, the ssh keys, --max-hourly-cost\n")
    })
  })
})

describe('pool up: after a stop or a failure, what keeps billing', () => {
  it('SIGTERM after the first ten of an empty pool: the last line is what bills, with pool down --all', async () => {
    const api = new FakeApi()
    const factory = fakeFactory({api})
    const created = api.createDroplets.bind(api)
    api.createDroplets = async (request) => {
      factory.signals.emit('SIGTERM')
      return created(request)
    }
    const config = writeCpuPoolConfig('up-bills')
    const run = await runCommand(PoolUp, ['cpu', '-n', '12', '-c', config], factory)
    expect(run.status).toBe(143)
    // With the -c typed: the line is pasted as it is (cli/pasteable.ts).
    expect(lastLine(run.stderr)).toBe(`10 droplets are running ($0.0893/h): velda-do pool down cpu --all -c ${config}`)
  })

  it('a partial create in a pool that had droplets: --id for each new one, and what they cost', async () => {
    const {config, api} = await cpuPoolWith(2, 'up-bills-partial')
    const run = await runCommand(PoolUp, ['cpu', '-n', '11', '-c', config], {api: failingSecondCreate(api)})
    expect(run.status).toBe(4)
    const ids = api.droplets.slice(2).map((d) => d.id)
    expect(ids).toHaveLength(10)
    expect(lastLine(run.stderr)).toBe(`10 droplets are running ($0.0893/h): velda-do pool down cpu ${ids.map((id) => `--id ${id}`).join(' ')} -c ${config}`)
    // The same line under --json, on stderr, for whoever reads the CI log; stdout stays one document.
    const json = await runCommand(PoolUp, ['cpu', '-n', '11', '-c', config, '--json'], {api: failingSecondCreate(new FakeApi())})
    expect(json.status).toBe(4)
    expect(JSON.parse(json.stdout).created).toHaveLength(10)
    expect(lastLine(json.stderr)).toBe(`10 droplets are running ($0.0893/h): velda-do pool down cpu --all -c ${config}`)
  })

  it('agents that fail to boot: the spinner ends saying so, and the last line is the one droplet that bills', async () => {
    const api = new FakeApi()
    activeOnCreate(api)
    const config = cpuConfig('up-agents', {min_agents: 1}, {ssh_key_ids: '[52896465]'})
    const factory = fakeFactory({api, tty: true, ssh: {run: async () => sshAnswer({stdout: probeAnswer({phase: 'failed', step: 'agent'})})}})
    const run = await runCommand(PoolUp, ['cpu', '-n', '1', '--wait-for', 'agent', '-c', config], factory)
    expect(run.status, run.stderr).toBe(4)
    // eslint-disable-next-line no-control-regex -- the mark is coloured on a terminal
    expect(run.stderr).toMatch(/✖(\x1b\[\d+m)? created 1 droplet; 1 of 1 agent did not start\n/)
    expect(run.stderr).not.toContain('created 1 of 1 droplet')
    // The pool had none: --all; it would go below its min_agents of 1, so pool down needs --ignore-limits.
    expect(lastLine(run.stderr)).toBe(`1 droplet is running ($0.0089/h): velda-do pool down cpu --all --ignore-limits -c ${config}`)
  })
})

/** The fake's droplets are `new` forever; these come up active with an address, as a member --wait-for agent probes. */
function activeOnCreate(api: FakeApi): void {
  const created = api.createDroplets.bind(api)
  api.createDroplets = async (request) => {
    const droplets = await created(request)
    api.droplets = api.droplets.map((d, i): Droplet => ({...d, status: 'active', public_ipv4: `203.0.113.${i + 10}`}))
    return droplets.map((d) => api.droplets.find((a) => a.id === d.id) ?? d)
  }
}

/** Creates answer until the second, which DigitalOcean refuses (a 422): the run stops part-way. */
function failingSecondCreate(api: FakeApi): FakeApi {
  let calls = 0
  const created = api.createDroplets.bind(api)
  api.createDroplets = async (request) => {
    if (++calls === 2) throw unprocessable('You have reached your droplet limit')
    return created(request)
  }
  return api
}
