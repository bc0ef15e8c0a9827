import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {createInterface} from 'node:readline'

import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {poolPrefix} from '../../src/lib/config/naming.js'
import {cleanEnv, PROJECT_ROOT} from '../support/cli.js'
import {type SimulatorProcess, startSimulatorProcess} from '../support/simulator-process.js'

/**
 * `npm run test:live` cannot reach DigitalOcean here, so its script runs against `velda-do simulator` exactly as it
 * would against the real API: the same endpoint and token variables, the built CLI, a droplet created and deleted.
 * Each run ends by asking the simulator which droplets exist: the script's promise is that none is left.
 */

const SCRIPT = join(PROJECT_ROOT, 'scripts', 'live-test.mjs')

interface LiveRun {
  status: number | null
  stdout: string
  stderr: string
}

/** Acts once on the first line (of stdout or stderr: the script's own lines, or the CLI's progress it relays) that matches. */
interface Trigger {
  match: RegExp
  act: (signal: (name: NodeJS.Signals) => void) => void | Promise<void>
}

interface RunOptions {
  env?: Record<string, string | undefined>
  triggers?: Trigger[]
}

function runLiveScript(sim: SimulatorProcess | null, options: RunOptions = {}): Promise<LiveRun> {
  const env = cleanEnv({
    DIGITALOCEAN_API_ENDPOINT: sim?.url,
    DIGITALOCEAN_API_TOKEN: sim?.token,
    VELDA_DO_LIVE_TEST: '1',
    VELDA_DO_LIVE_POLL_INTERVAL: '1s',
    ...options.env,
  })
  const child = spawn(process.execPath, [SCRIPT], {cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe']})
  const output = {stdout: '', stderr: ''}
  const pending = [...(options.triggers ?? [])]
  for (const stream of ['stdout', 'stderr'] as const) {
    createInterface({input: child[stream]}).on('line', (line) => {
      output[stream] += `${line}\n`
      const index = pending.findIndex((t) => t.match.test(line))
      if (index === -1) return
      const [trigger] = pending.splice(index, 1)
      void trigger!.act((name) => child.kill(name))
    })
  }
  return new Promise((resolve) => child.once('close', (status) => resolve({status, ...output})))
}

async function dropletsLeft(sim: SimulatorProcess): Promise<unknown[]> {
  return (await sim.admin('GET', 'state')).droplets as unknown[]
}

async function requests(sim: SimulatorProcess, method: string, path: RegExp): Promise<{body: string}[]> {
  const log = (await sim.admin('GET', 'requests')).requests as {method: string; path: string; body: string}[]
  return log.filter((r) => r.method === method && path.test(r.path))
}

function expectTokenHidden(run: LiveRun, sim: SimulatorProcess): void {
  expect(run.stdout + run.stderr).not.toContain(sim.token)
}

function runId(run: LiveRun): string {
  const id = /^live test ([0-9a-f]{8}):/m.exec(run.stdout)?.[1]
  expect(id, run.stdout).toBeDefined()
  return id!
}

/** The temporary config the script announced: removed once its droplets are gone. */
function configPath(run: LiveRun): string {
  const path = /temporary config (\S+)/.exec(run.stdout)?.[1]
  expect(path, run.stdout).toBeDefined()
  return path!
}

/**
 * One simulator (a process costs 2 s of CPU to start) whose droplets stay `new`, so a run is still waiting when a
 * test acts; the run that passes makes its droplet active once it is created (POST /__sim/activate), and the next
 * poll of the wait finds it so.
 */
let sim: SimulatorProcess

beforeAll(async () => {
  sim = await startSimulatorProcess(['--active-after', '10m'])
})

afterAll(async () => {
  await sim?.stop()
})

beforeEach(async () => {
  await sim.admin('POST', 'reset')
  await sim.admin('DELETE', 'requests')
})

describe('npm run test:live against the simulator', () => {
  it('creates the cheapest droplet in a unique pool, waits, lists and deletes it, and leaves nothing', async () => {
    const run = await runLiveScript(sim, {triggers: [{match: /created 1 of 1/, act: () => void sim.admin('POST', 'activate')}]})

    expect(run.status, run.stdout + run.stderr).toBe(0)
    // The simulator's cheapest size, in the first open region that sells it.
    expect(run.stdout).toContain('picked s-1vcpu-1gb ($0.00893/hour) in ams3')
    expect(run.stdout).toMatch(/created velda-[0-9a-f]{8}-[a-z0-9]{5} \(id \d+\) in ams3: active/)
    expect(run.stdout).toMatch(/listed velda-\S+: active/)
    expect(run.stdout).toMatch(/the pool is empty/)
    expect(run.stdout).toMatch(/live test passed/)
    const creates = await requests(sim, 'POST', /^\/v2\/droplets$/)
    expect(creates).toHaveLength(1)
    const create = JSON.parse(creates[0]!.body) as {name: string; size: string; region: string; tags: string[]}
    expect(create).toMatchObject({size: 's-1vcpu-1gb', region: 'ams3', tags: ['velda', `velda-pool:live-${runId(run)}`]})
    // The run's id is in the prefix (through the agent version no release has): no real pool, and no broker's
    // droplet, shares it, so pool down --all cannot reach beyond this run's droplet.
    const prefix = poolPrefix({size: 's-1vcpu-1gb', region: 'ams3', image: 'ubuntu-24-04-x64', sshKeyIds: [], agentVersionOverride: `0.0.0-live-${runId(run)}`})
    expect(create.name.startsWith(`${prefix}-`)).toBe(true)
    expect(await requests(sim, 'DELETE', /^\/v2\/droplets\/\d+$/)).toHaveLength(1)
    expect(await dropletsLeft(sim)).toEqual([])
    expect(existsSync(configPath(run))).toBe(false)
    expectTokenHidden(run, sim)
  })

  it.each([
    {name: 'without the opt-in', env: {VELDA_DO_LIVE_TEST: undefined}, reason: 'VELDA_DO_LIVE_TEST=1 is not set'},
    {name: 'with the opt-in set to something else', env: {VELDA_DO_LIVE_TEST: 'yes'}, reason: 'VELDA_DO_LIVE_TEST=1 is not set'},
    {name: 'without a token', env: {DIGITALOCEAN_API_TOKEN: undefined}, reason: 'DIGITALOCEAN_API_TOKEN is not set'},
  ])('is skipped $name: exit 0 with the reason, no request sent', async ({env, reason}) => {
    const run = await runLiveScript(sim, {env})

    expect(run.status).toBe(0)
    expect(run.stdout).toContain(`live test skipped: ${reason}`)
    expect((await sim.admin('GET', 'requests')).requests).toEqual([])
  })

  it('fails before creating anything when no size fits VELDA_DO_LIVE_SIZE / VELDA_DO_LIVE_REGION', async () => {
    const run = await runLiveScript(sim, {env: {VELDA_DO_LIVE_SIZE: 'gpu-h100x1-80gb', VELDA_DO_LIVE_REGION: 'ams3'}})

    expect(run.status).toBe(1)
    expect(run.stdout).toContain('no available size matches size gpu-h100x1-80gb in region ams3')
    expect(run.stdout).toContain('no droplet was created')
    expect(await requests(sim, 'POST', /^\/v2\/droplets$/)).toEqual([])
  })

  it('exits non-zero and still deletes the droplet when the wait fails', async () => {
    // Once the droplet exists, the API refuses the next listing: pool up fails (exit 3 when that is its recount
    // after creating, 5 when it is a poll of the wait: which one comes first is up to timing), the cleanup works.
    const run = await runLiveScript(sim, {
      triggers: [{
        match: /created 1 of 1/,
        act: () => void sim.admin('POST', 'faults', {method: 'GET', path: '/v2/droplets', count: 1, action: {type: 'status', status: 401}}),
      }],
    })

    expect(run.status, run.stdout + run.stderr).toBe(1)
    expect(run.stdout).toMatch(/live test FAILED: 2\/5 create one droplet and wait until it is active failed \(exit [35]\)/)
    expect(run.stdout).toMatch(/cleanup deleted velda-[0-9a-f]{8}-[a-z0-9]{5} \(id \d+\)/)
    expect(await requests(sim, 'POST', /^\/v2\/droplets$/)).toHaveLength(1)
    expect(await dropletsLeft(sim)).toEqual([])
    expect(existsSync(configPath(run))).toBe(false)
    expectTokenHidden(run, sim)
  })

  it.each([
    {signal: 'SIGINT' as const, exit: 130},
    {signal: 'SIGTERM' as const, exit: 143},
    {signal: 'SIGHUP' as const, exit: 129},
  ])('killed with $signal while waiting, it deletes the droplet and exits $exit', async ({signal, exit}) => {
    const run = await runLiveScript(sim, {triggers: [{match: /created 1 of 1/, act: (kill) => kill(signal)}]})

    expect(run.status, run.stdout + run.stderr).toBe(exit)
    expect(run.stdout).toContain(`${signal} received; stopping the current step`)
    expect(run.stdout).toMatch(/cleanup deleted velda-[0-9a-f]{8}-[a-z0-9]{5} \(id \d+\)/)
    expect(await requests(sim, 'POST', /^\/v2\/droplets$/)).toHaveLength(1)
    expect(await dropletsLeft(sim)).toEqual([])
    expect(existsSync(configPath(run))).toBe(false)
    expectTokenHidden(run, sim)
  })

  it('a second Ctrl-C during the cleanup is acknowledged, not obeyed: the droplet is still deleted', async () => {
    // The delete is held back long enough for the second signal to arrive while the cleanup runs.
    await sim.admin('POST', 'faults', {method: 'DELETE', path: '/v2/droplets/*', count: 0, action: {type: 'delay', ms: 1_500}})
    const run = await runLiveScript(sim, {
      triggers: [
        {match: /created 1 of 1/, act: (kill) => kill('SIGINT')},
        {match: /^==> cleanup/, act: (kill) => kill('SIGINT')},
      ],
    })

    expect(run.status, run.stdout + run.stderr).toBe(130)
    expect(run.stdout).toContain('SIGINT received again; still cleaning up')
    expect(run.stdout).toMatch(/cleanup deleted velda-[0-9a-f]{8}-[a-z0-9]{5} \(id \d+\)/)
    expect(await dropletsLeft(sim)).toEqual([])
  })
})
