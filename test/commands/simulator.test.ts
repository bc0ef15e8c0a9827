import {describe, expect, it} from 'vitest'

import Simulator from '../../src/commands/simulator.js'
import {fakeFactory, runCommand} from '../support/command.js'

describe('simulator (the command, with a fake IO and signals)', () => {
  it('prints the endpoint and token as export lines, serves until SIGTERM, then exits 143', async () => {
    const factory = fakeFactory()
    // Once the export lines are out, the API answers with the token printed, and the test stops it.
    const answered = factory.io.out.until(/export DIGITALOCEAN_API_ENDPOINT=(\S+)\nexport DIGITALOCEAN_API_TOKEN=(\S+)\n/).then(async ([, endpoint, token]) => {
      const response = await fetch(`${endpoint}/v2/regions`, {headers: {authorization: `Bearer ${token}`}})
      factory.signals.emit('SIGTERM')
      return response.status
    })
    const run = await runCommand(Simulator, ['--quiet'], factory)
    expect(await answered).toBe(200)
    expect(run.status).toBe(143)
    expect(run.stdout).toMatch(/^DigitalOcean API simulator listening on http:\/\/127\.0\.0\.1:\d+/)
  })

  it('a --fault that is not JSON is exit 2 before anything listens', async () => {
    const run = await runCommand(Simulator, ['--fault', '{oops'])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('--fault: not JSON')
  })

  it('--cloud and --moved-to: the first line and the --json line say what it plays', async () => {
    for (const json of [false, true]) {
      const factory = fakeFactory()
      const started = factory.io.out.until(/\n/).then(() => factory.signals.emit('SIGINT'))
      const run = await runCommand(Simulator, ['--quiet', '--cloud', 'amd-devcloud', '--moved-to', 'https://api.devcloud.amd.com/', ...(json ? ['--json'] : [])], factory)
      await started
      expect(run.status).toBe(130)
      const first = run.stdout.split('\n')[0] ?? ''
      if (json) expect(JSON.parse(first)).toMatchObject({cloud: 'amd-devcloud', moved_to: 'https://api.devcloud.amd.com'})
      else expect(first).toMatch(/^DigitalOcean API simulator listening on http:\/\/127\.0\.0\.1:\d+ \(admin API: \S+\); playing amd-devcloud: the AMD Developer Cloud's catalog \(MI300X sizes ending in -devcloud, AMD images\); every API request answers 301 to https:\/\/api\.devcloud\.amd\.com$/)
    }
  })

  it('says nothing of a cloud by default, and the --json line says mixed', async () => {
    const factory = fakeFactory()
    const started = factory.io.out.until(/\n/).then(() => factory.signals.emit('SIGINT'))
    const run = await runCommand(Simulator, ['--quiet', '--json'], factory)
    await started
    expect(JSON.parse(run.stdout.split('\n')[0] ?? '')).toMatchObject({cloud: 'mixed', moved_to: null})
  })

  it.each([
    [['--moved-to', 'api.devcloud.amd.com'], /^Error: --moved-to: "api\.devcloud\.amd\.com" is not an absolute URL/],
    [['--moved-to', 'https://api.devcloud.amd.com/v2'], /^Error: --moved-to: "https:\/\/api\.devcloud\.amd\.com\/v2" has a path/],
    [['--cloud', 'aws'], /Expected --cloud=aws to be one of: mixed, amd-devcloud, digitalocean/],
  ])('%j is exit 2 before anything listens', async (args, message) => {
    const run = await runCommand(Simulator, args)
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(message)
    expect(run.stdout).toBe('')
  })

  it('--capacity (repeatable): the admin API shows each pair free, and a create past it is refused with 422', async () => {
    const factory = fakeFactory()
    const answered = factory.io.out.until(/export DIGITALOCEAN_API_ENDPOINT=(\S+)\nexport DIGITALOCEAN_API_TOKEN=(\S+)\n/).then(async ([, endpoint, token]) => {
      const headers = {authorization: `Bearer ${token}`, 'content-type': 'application/json'}
      const state = (await (await fetch(`${endpoint}/__sim/state`, {headers})).json()) as {capacity: unknown}
      const create = (names: string[]) => fetch(`${endpoint}/v2/droplets`, {method: 'POST', headers, body: JSON.stringify({names, size: 's-1vcpu-1gb', region: 'nyc3', image: 'ubuntu-24-04-x64'})})
      const past = await create(['a', 'b', 'c'])
      const within = await create(['a', 'b'])
      factory.signals.emit('SIGTERM')
      return {capacity: state.capacity, past: {status: past.status, body: await past.json()}, within: within.status}
    })
    const run = await runCommand(Simulator, ['--quiet', '--capacity', 's-1vcpu-1gb@nyc3=2', '--capacity', 'gpu-mi300x1-192gb-devcloud@atl1=3,+5/30s'], factory)
    expect(run.status).toBe(143)
    expect(await answered).toEqual({
      capacity: {'s-1vcpu-1gb@nyc3': {free: 2, spec: 's-1vcpu-1gb@nyc3=2'}, 'gpu-mi300x1-192gb-devcloud@atl1': {free: 3, spec: 'gpu-mi300x1-192gb-devcloud@atl1=3,+5/30s'}},
      past: {status: 422, body: {id: 'unprocessable_entity', message: 'size is unavailable', request_id: expect.any(String)}},
      within: 202,
    })
  })

  it.each([
    [['--capacity', 's-1vcpu-1gb@nyc3'], /^Error: --capacity: "s-1vcpu-1gb@nyc3" is not SIZE@REGION=N\[,\+M\/PERIOD\]/, /write SIZE@REGION=N or SIZE@REGION=N,\+M\/PERIOD, e\.g\. gpu-mi300x1-192gb-devcloud@atl1=3,\+5\/30s/],
    [['--capacity', 's-1vcpu-1gb@nyc3=3,+5/30'], /^Error: --capacity: "s-1vcpu-1gb@nyc3=3,\+5\/30": the period "30"/, /e\.g\. gpu-mi300x1-192gb-devcloud@atl1=3,\+5\/30s/],
    [['--capacity', 's-1vcpu-1gb@nyc3=1', '--capacity', 's-1vcpu-1gb@nyc3=2'], /^Error: --capacity: s-1vcpu-1gb@nyc3 is given twice/, /give one capacity for s-1vcpu-1gb@nyc3/],
    [['--cloud', 'digitalocean', '--capacity', 'gpu-mi300x1-192gb-devcloud@atl1=3'], /^Error: --capacity: gpu-mi300x1-192gb-devcloud@atl1: the catalog has no size gpu-mi300x1-192gb-devcloud/, /name a size and region of --cloud digitalocean's catalog/],
    [['--replay', 'trace.jsonl', '--capacity', 's-1vcpu-1gb@nyc3=1'], /^Error: --replay answers every request from the trace: --capacity cannot go with it/, /leave out --capacity/],
  ])('%j is exit 2 naming --capacity and the fix, before anything listens', async (args, message, fix) => {
    const run = await runCommand(Simulator, args)
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(message)
    expect(run.stderr).toMatch(fix)
    expect(run.stdout).toBe('')
  })
})
