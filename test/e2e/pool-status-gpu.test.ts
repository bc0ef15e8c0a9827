import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {GpuSample} from '../../src/lib/boot/gpu-sample.js'
import type {Simulator} from '../../src/lib/simulator/server.js'
import {canRunHosts, hostSshFlags, sshWorkspace, startHostsSimulator} from '../support/hosts.js'
import {runInProcess} from '../support/in-process-cli.js'
import {simAdmin, simAdminFetch} from '../support/sim-admin.js'
import {haveTool} from '../support/tools.js'

// The simulated hosts run the droplet's own GPU sampler, which reads the figures with python3.
const canHost = canRunHosts('pool status of GPU members against simulated hosts') && haveTool('python3', 'python3', 'the simulated hosts\' GPU sampler')

describe.runIf(canHost)('velda-do pool status of members with GPUs: the sampler on each simulated host, over real SSH', () => {
  const {configFile, key, state} = sshWorkspace('velda-status-gpu-')
  let sim: Simulator
  let clock = Date.now() - 3600_000

  beforeAll(async () => {
    sim = await startHostsSimulator(key, {bootMs: 10_000, now: () => clock})
  })
  afterAll(async () => {
    await sim?.close()
  })

  const env = () => ({DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, XDG_STATE_HOME: state})
  const velda = (args: string[]) => runInProcess([...args, '-c', configFile], {env: env()})
  type Member = {name: string; state: string; detail: string; gpu: GpuSample | null}

  it('shows each GPU profile: busy and idle members healthy, a missing GPU and uncorrectable errors not, N/A unknown', async () => {
    sim.core.reset()
    const up = await velda(['pool', 'up', 'gpu', '-n', '6', '--json'])
    expect(up.status, up.stderr).toBe(0)
    await sim.hostsReady()
    const members = (JSON.parse(up.stdout) as {created: {id: number; name: string}[]}).created
    const idleSince = new Date(Date.now() - 2 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z')
    const profiles = [{gpu_profile: 'busy'}, {gpu_profile: 'idle', idle_since: idleSince}, {gpu_profile: 'gpu-missing'}, {gpu_profile: 'gpu-errors'}, {gpu_profile: 'smi-na'}]
    for (const [index, body] of profiles.entries()) {
      const answer = await simAdminFetch(sim, 'POST', `hosts/${members[index]!.id}`, body)
      expect(answer.status).toBe(200)
    }
    clock += 10_000
    const result = await velda(['pool', 'status', 'gpu', '--json', ...hostSshFlags(sim, key)])
    expect(result.status, result.stderr).toBe(4)
    const json = JSON.parse(result.stdout) as {members: Member[]; healthy: number}
    expect(json.members.map((m) => [m.state, m.detail])).toEqual([
      ['healthy', 'agent active'],
      ['healthy', 'agent active'],
      ['gpu-missing', 'no GPU seen, 1 promised'],
      ['gpu-errors', '2 uncorrectable ECC errors on GPU 0'],
      ['healthy', 'agent active'],
      // No GPU profile: no sample, judged by its boot and agent as before.
      ['healthy', 'agent active'],
    ])
    const [busy, idle, missing, errors, na, none] = json.members
    expect(busy?.gpu).toMatchObject({tool: 'amd-smi', promised: 1, seen: 1, busy: true, idle_since: null, gpus: [{index: 0, utilization_pct: 100, vram_used_mib: 170000, vram_total_mib: 196592, temperature_c: 71, power_w: 612, ecc_correctable: 0, ecc_uncorrectable: 0}]})
    expect(busy?.gpu?.last_busy_at).toBe(busy?.gpu?.sampled_at)
    // The member's own idle run, set two hours back, goes on: the decision is the member's, not velda-do's.
    expect(idle?.gpu).toMatchObject({busy: false, idle_since: idleSince, last_busy_at: idleSince})
    expect(missing?.gpu).toMatchObject({seen: 0, promised: 1, gpus: []})
    expect(errors?.gpu?.gpus[0]).toMatchObject({ecc_correctable: 12, ecc_uncorrectable: 2})
    expect(na?.gpu).toMatchObject({seen: 1, busy: null, idle_since: null, gpus: [{utilization_pct: null, vram_used_mib: null, temperature_c: null, ecc_uncorrectable: null}]})
    expect(none?.gpu).toBeNull()

    const table = await velda(['pool', 'status', 'gpu', ...hostSshFlags(sim, key)])
    expect(table.stdout).toMatch(/^NAME +ID +DROPLET +ADDRESS +STATE +BOOT +AGENT +GPU +GPUS +UTIL +VRAM +TEMP +ECC +DETAIL$/m)
    const row = (name: string) => table.stdout.split('\n').find((line) => line.startsWith(name)) ?? ''
    expect(row(members[0]!.name)).toMatch(/ healthy +done +active +amd ok +1\/1 +100% +166\/192G +71C +0 +agent active$/)
    expect(row(members[2]!.name)).toMatch(/ gpu-missing +done +active +amd ok +0\/1 +\? +\? +\? +\? +no GPU seen, 1 promised$/)
    expect(row(members[3]!.name)).toMatch(/ gpu-errors +.* +1\/1 +0% +0\/192G +38C +2u 12c +2 uncorrectable ECC errors on GPU 0$/)
    expect(row(members[4]!.name)).toMatch(/ healthy +.* +1\/1 +\? +\? +\? +\? +agent active$/)
    expect(row(members[5]!.name)).toMatch(/ healthy +.* +amd ok +- +- +- +- +- +agent active$/)
    expect(table.stderr).toMatch(/Error: 2 of 6 members of pool gpu are not healthy/)
  })

  it('takes a GPU profile only from the admin API\'s callers, and only a valid one', async () => {
    sim.core.reset()
    const [droplet] = sim.seedDroplets({count: 1, namePrefix: 'velda-0badc0de-', size: 'gpu-mi300x8-1536gb-devcloud'})
    await sim.hostsReady()
    const refused = await fetch(`${sim.url}/__sim/hosts/${droplet!.id}`, {method: 'POST', headers: {'content-type': 'application/json'}, body: '{"gpu_profile": "busy"}'})
    expect(refused.status).toBe(401)
    const post = async (body: unknown) => {
      const answer = await simAdminFetch(sim, 'POST', `hosts/${droplet!.id}`, body)
      return [answer.status, ((await answer.json()) as {error?: string}).error]
    }
    expect(await post({gpu_profile: 'melting'})).toEqual([400, 'gpu_profile is null or one of busy, idle, gpu-missing, gpu-errors, smi-na'])
    expect(await post({gpu_profile: 'idle', idle_since: 'yesterday'})).toEqual([400, 'idle_since is an RFC 3339 time, e.g. "2026-12-04T08:00:00Z"'])
    expect(await post({gpu_profile: 'idle', idle_since: new Date(clock + 3600_000).toISOString()})).toEqual([400, 'idle_since is in the future'])
    expect(await post({gpu_profile: 'busy', idle_since: new Date(clock - 60_000).toISOString()})).toEqual([400, 'idle_since goes with gpu_profile "idle"'])
    expect(await post({idle_since: new Date(clock - 60_000).toISOString()})).toEqual([400, 'idle_since needs a gpu_profile (give both, or set the profile first)'])
    expect(await simAdmin(sim, 'GET', `hosts/${droplet!.id}`)).toMatchObject({gpu_profile: null})
    expect(await post({gpu_profile: 'gpu-missing'})).toEqual([200, undefined])
    expect(await simAdmin(sim, 'GET', `hosts/${droplet!.id}`)).toMatchObject({gpu_profile: 'gpu-missing'})
    expect(await post({gpu_profile: null})).toEqual([200, undefined])
    expect(await simAdmin(sim, 'GET', `hosts/${droplet!.id}`)).toMatchObject({gpu_profile: null})
  })
})
