import {describe, expect, it} from 'vitest'

import PoolUp from '../../../src/commands/pool/up.js'
import {fakeFactory, runCommand} from '../../support/command.js'
import {FakeApi, unprocessable} from '../../support/fake-api.js'
import {writeCpuPoolConfig} from '../../support/pools.js'

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
    const run = await runCommand(PoolUp, ['cpu', '-n', '2', '-q', '-c', writeCpuPoolConfig('up-narrow')], {api, tty: true, columns: 60})
    expect(run.status).toBe(0)
    const lines = run.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^POOL +NAME +.*STATUS/)
    expect(lines).toHaveLength(3)
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(60)
    expect(run.stderr.replaceAll('\n', ' ')).toMatch(/^to fit 60 columns: left out [^.]*PRIVATE IPV4[^.]*\. -o wide prints the whole table; --format picks columns $/)
  })
})
