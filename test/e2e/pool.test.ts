import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {parseConfig} from '../../src/lib/config/parse.js'
import {startCli} from '../support/cli.js'
import {CPU_DROPLET, veldaYaml} from '../support/configs.js'
import {runInProcess} from '../support/in-process-cli.js'
import {startAdminSimulator} from '../support/in-process-simulator.js'
import {runOnPty} from '../support/pty.js'
import {haveTool} from '../support/tools.js'
import {duplicateJsonKeys} from '../support/duplicate-keys.js'
import {expectNoSecrets, FAKE_TAILSCALE_KEY} from '../support/secrets.js'
import {type SimulatorProcess, startSimulatorProcess} from '../support/simulator-process.js'

const CONFIG = veldaYaml([
  {
    name: 'cpu-a',
    droplet: {
      size: 's-2vcpu-4gb', region: 'nyc3', image: 'ubuntu-24-04-x64', ssh_key_ids: '[52896465]',
      vpc_uuid: '5a4981aa-9653-4bd1-bef5-d6bff52042e4', monitoring: true, ipv6: true, labels: '{team: infra}',
    },
    scaler: {max_agents: 30},
  },
  {name: 'cpu-b', droplet: CPU_DROPLET, scaler: {min_agents: 3}},
], {
  rest: `provisioners:
  - digitalocean_auto:
      region: atl1
      agent_version_override: "v1.1.4"
      ssh_key_ids: [52896465]
      tailscale_config: {pre_auth_key: "\${TS_KEY}"}
      pool_details:
        - pool_name: gpu
          size: gpu-mi300x1-192gb-devcloud
          image: amd-rocm71software
`,
})
const dir = mkdtempSync(join(tmpdir(), 'velda-pool-'))
const configFile = join(dir, 'velda.yaml')
writeFileSync(configFile, CONFIG)
const prefix = Object.fromEntries((parseConfig(CONFIG, {file: 'x', env: {}}).config?.pools ?? []).map((p) => [p.name, p.prefix]))

let sim: SimulatorProcess
beforeAll(async () => {
  sim = await startSimulatorProcess(['--active-after', '0s'])
})
afterAll(async () => {
  await sim.stop()
})
beforeEach(async () => {
  await sim.admin('POST', 'reset')
})

const env = () => ({DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, TS_KEY: FAKE_TAILSCALE_KEY})
/** Most runs are in-process (the build's bundles, without a process start); tests of signals, prompts and locks start one. */
const velda = (args: string[], extra: Record<string, string> = {}) => runInProcess([...args, '-c', configFile], {env: {...env(), ...extra}})
type Listed = {name: string; id: number; tags: string[]; user_data: string; size: {slug: string}; region: {slug: string}; image: {slug: string}; ssh_keys: number[]; vpc_uuid: string; features: string[]}
/** With the secrets the droplets were sent: these tests check the user_data byte for byte, the key included. */
const state = async () => ((await sim.admin('GET', 'state?show_secrets=true')).droplets as Listed[])
const requests = async () => (await sim.admin('GET', 'requests')) as {requests: {method: string; path: string; query: string; body: string}[]; counts: Record<string, number>}

describe('velda-do pool up, through the binary', () => {
  it('makes exactly 25 droplets with 3 POSTs, each as the config says, with the user_data of render-userdata', async () => {
    const result = await velda(['pool', 'up', 'cpu-a', '--count', '25', '--json'])
    expect(result.status, result.stderr).toBe(0)
    const output = JSON.parse(result.stdout) as {pool: string; requested: number; created: {name: string; pool: string}[]; failed: unknown[]}
    expect(output).toMatchObject({pool: 'cpu-a', requested: 25, failed: []})
    expect(output.created).toHaveLength(25)
    const droplets = await state()
    expect(droplets.map((d) => d.name).sort()).toEqual(output.created.map((d) => d.name).sort())
    const userData = (await velda(['render-userdata', 'cpu-a', '--show-secrets'])).stdout
    for (const d of droplets) {
      expect(d.name).toMatch(new RegExp(`^${prefix['cpu-a']}-[a-z0-9]{5}$`))
      expect(d).toMatchObject({size: {slug: 's-2vcpu-4gb'}, region: {slug: 'nyc3'}, image: {slug: 'ubuntu-24-04-x64'}, ssh_keys: [52896465], vpc_uuid: '5a4981aa-9653-4bd1-bef5-d6bff52042e4'})
      expect(d.tags).toEqual(['velda', 'velda-pool:cpu-a', 'team:infra'])
      expect(d.features).toEqual(expect.arrayContaining(['ipv6', 'monitoring']))
      expect(d.user_data).toBe(userData)
    }
    const log = await requests()
    expect(log.counts['POST /v2/droplets']).toBe(3)
    for (const post of log.requests.filter((r) => r.method === 'POST')) expect(duplicateJsonKeys(post.body)).toEqual([])
  })

  it('sends the Tailscale key to the droplets and shows it nowhere', async () => {
    const result = await velda(['pool', 'up', 'gpu', '-n', '2'])
    expect(result.status, result.stderr).toBe(0)
    expect((await state())[0]?.user_data).toContain(FAKE_TAILSCALE_KEY.replace(/'/g, "'\\''"))
    expectNoSecrets(result.stdout + result.stderr)
    // Nor does the simulator show it to whoever reads its request log or state (without ?show_secrets=true).
    const shown = JSON.stringify([await sim.admin('GET', 'requests'), await sim.admin('GET', 'state')])
    expect(shown).not.toContain(FAKE_TAILSCALE_KEY.slice(0, 15))
    expect(shown).toContain("VELDA_TAILSCALE_AUTHKEY='<redacted>'")
    expect(result.stdout).toMatch(/^POOL +NAME +ID +STATUS/)
  })

  it('cuts the token and the Tailscale key out of an error that echoes the request, in every line and in --json', async () => {
    const quotedKey = FAKE_TAILSCALE_KEY.replace(/'/g, "'\\''")
    const echo = `invalid request (Authorization: Bearer ${sim.token}) with user_data: tailscale up --authkey='${quotedKey}' ${FAKE_TAILSCALE_KEY}`
    for (const json of [false, true]) {
      await sim.admin('POST', 'reset')
      // Every create from the second on is refused (a refusal for capacity is tried smaller: those are refused too).
      await sim.admin('POST', 'faults', {method: 'POST', path: '/v2/droplets', nth: 2, count: 0, action: {type: 'status', status: 422, body: {id: 'unprocessable_entity', message: echo}}})
      const result = await velda(['pool', 'up', 'gpu', '-n', '12', '--ignore-limits', ...(json ? ['--json'] : [])])
      expect(result.status).toBe(4)
      const printed = result.stdout + result.stderr
      expect(printed).toMatch(/invalid request \(Authorization: Bearer <redacted>\) with user_data: tailscale up --authkey=/)
      for (const secret of [sim.token, FAKE_TAILSCALE_KEY, quotedKey, JSON.stringify(FAKE_TAILSCALE_KEY).slice(1, -1)]) expect(printed).not.toContain(secret)
      // Said once, in the error line: the names not created are a count.
      if (!json) expect(result.stderr).toMatch(/10 of 12 created; .*: .*<redacted>/)
      else expect((JSON.parse(result.stdout) as {failed: {error: string}[]}).failed[0]?.error).toMatch(/Bearer <redacted>/)
    }
  })

  it('makes exactly N when every create loses its answer, reporting every droplet once', async () => {
    await sim.admin('POST', 'faults', {method: 'POST', path: '/v2/droplets', count: 0, action: {type: 'ambiguous', then: 'drop'}})
    // 12 is past the pool's max_agents of 10 (the broker's default for provisioned pools): --ignore-limits.
    const result = await velda(['pool', 'up', 'gpu', '-n', '12', '--ignore-limits', '--json'])
    expect(result.status, result.stderr).toBe(0)
    const created = (JSON.parse(result.stdout) as {created: {name: string}[]}).created.map((d) => d.name)
    const existing = (await state()).map((d) => d.name)
    expect(new Set(created).size).toBe(12)
    expect(existing.sort()).toEqual(created.sort())
    expect(result.stderr).toMatch(/ended ambiguously .*; checking which exist/)
  })

  it('reports a 422 mid-way for a size offered in the region as no capacity: exit 4, created and failed listed', async () => {
    // Every create from the second on is refused: the batch of 5 is tried as 2 and 1, refused too.
    await sim.admin('POST', 'faults', {method: 'POST', path: '/v2/droplets', nth: 2, count: 0, action: {type: 'status', status: 422}})
    const result = await velda(['pool', 'up', 'cpu-a', '-n', '15', '--json'])
    expect(result.status).toBe(4)
    const output = JSON.parse(result.stdout) as {created: {name: string}[]; failed: {name: string}[]; error: {code: string}}
    expect(output.error.code).toBe('no_capacity')
    expect(output.created).toHaveLength(10)
    expect(output.failed).toHaveLength(5)
    expect((await state()).map((d) => d.name).sort()).toEqual(output.created.map((d) => d.name).sort())
  })

  it('refuses to pass max_agents (exit 2) and sends no create', async () => {
    const result = await velda(['pool', 'up', 'cpu-a', '-n', '31'])
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/would exceed its max_agents of 30/)
    expect((await requests()).counts['POST /v2/droplets']).toBeUndefined()
  })

  it('refuses a --count past what one run creates (exit 2), before sending anything', async () => {
    const result = await velda(['pool', 'up', 'cpu-a', '-n', '20000000', '--ignore-limits'])
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/--count 20000000 is more than velda-do creates in one run \(1000\)/)
    expect((await requests()).requests).toEqual([])
  })

  it.each([
    [['--poll-interval', '999999h'], /--poll-interval 999999h is longer than 10m/],
    [['--wait-timeout', '99999999h'], /--wait-timeout 99999999h is longer than 24h/],
  ])('refuses a wait that would overflow the timers, %j (exit 2), before sending anything', async (flags, message) => {
    const result = await velda(['pool', 'up', 'cpu-a', '-n', '1', '--wait', ...flags])
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(message)
    expect((await requests()).requests).toEqual([])
  })

  it('--wait shows the droplets active with their addresses', async () => {
    const result = await velda(['pool', 'up', 'gpu', '-n', '2', '--wait', '--poll-interval', '1s'])
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout.match(/ active +atl1 .* 203\.0\.11\d\.\d+ +10\.\d+\.\d+\.\d+/g)).toHaveLength(2)
    expect(result.stderr).toMatch(/2\/2 active/)
  })

  it('--dry-run prints the exact requests, secrets redacted, without a token or a request; past max_agents it refuses as the run would', async () => {
    const result = await runInProcess(['pool', 'up', 'gpu', '-n', '12', '--dry-run', '-c', configFile], {env: {TS_KEY: FAKE_TAILSCALE_KEY}})
    // digitalocean_auto's pools have a max_agents of 10: the config alone refuses 12, and the plan is still shown.
    expect(result.status).toBe(2)
    expect(result.stderr).toContain("Error: 12 more would exceed pool gpu's max_agents of 10 even if it had no droplet\n")
    expect(result.stdout.match(/^POST https:\/\/api-amd\.digitalocean\.com\/v2\/droplets$/gm)).toHaveLength(2)
    expect(result.stdout).toContain("VELDA_TAILSCALE_AUTHKEY='<redacted>'")
    expectNoSecrets(result.stdout + result.stderr)
    expect((await requests()).requests).toEqual([])
  })
})

describe('velda-do pool up --wait timing out', () => {
  it('exits 5 listing what exists', async () => {
    const slow = await startAdminSimulator({activeAfterMs: 3_600_000})
    try {
      const result = await runInProcess(['pool', 'up', 'gpu', '-n', '2', '--wait', '--wait-timeout', '1s', '--poll-interval', '1s', '--json', '-c', configFile], {
        env: {DIGITALOCEAN_API_ENDPOINT: slow.url, DIGITALOCEAN_API_TOKEN: slow.token, TS_KEY: FAKE_TAILSCALE_KEY},
      })
      expect(result.status).toBe(5)
      const output = JSON.parse(result.stdout) as {created: {status: string}[]; error: {code: string}}
      expect(output.error.code).toBe('wait_timeout')
      expect(output.created.map((d) => d.status)).toEqual(['new', 'new'])
    } finally {
      await slow.close()
    }
  })
})

describe('velda-do pool list and pool down, through the binary', () => {
  async function seed() {
    await sim.admin('POST', 'droplets', {count: 200, namePrefix: prefix['cpu-a'], tags: ['velda', 'velda-pool:cpu-a'], size: 's-2vcpu-4gb'})
    await sim.admin('POST', 'droplets', {count: 150, namePrefix: prefix['cpu-b'], tags: ['velda'], size: 's-1vcpu-1gb'})
    await sim.admin('POST', 'droplets', {count: 100, namePrefix: prefix.gpu, tags: ['velda', 'velda-pool:gpu'], size: 'gpu-mi300x1-192gb-devcloud'})
    await sim.admin('POST', 'droplets', {count: 1, namePrefix: 'web', tags: ['www']})
    await sim.admin('POST', 'droplets', {count: 1, namePrefix: 'velda-0badf00d', tags: ['velda', 'velda-pool:retired']})
    await sim.admin('POST', 'droplets', {count: 1, namePrefix: `${prefix['cpu-a']}-x`, tags: ['velda', 'velda-pool:cpu-b']})
    await sim.admin('POST', 'droplets', {count: 1, namePrefix: 'velda-5ca1ab1e', tags: ['velda'], size: 'gpu-mi300x1-192gb-devcloud'})
    await sim.admin('DELETE', 'requests')
  }

  it('shows each pool exactly its own droplets, GPU ones included, in as many requests as pages', async () => {
    await seed()
    const result = await velda(['pool', 'list', '--json'])
    expect(result.status, result.stderr).toBe(0)
    const output = JSON.parse(result.stdout) as {droplets: {pool: string}[]; pools: {name: string; count: number; prefix: string}[]}
    expect(output.pools.map((p) => [p.name, p.count, p.prefix])).toEqual([['cpu-a', 200, prefix['cpu-a']], ['cpu-b', 150, prefix['cpu-b']], ['gpu', 100, prefix.gpu]])
    expect(output.droplets).toHaveLength(450)
    const log = await requests()
    // 352 velda droplets without GPU (2 pages of 200) and 101 GPU droplets (1 page).
    expect(log.requests.map((r) => r.query).sort()).toEqual(['?page=1&per_page=200&tag_name=velda', '?page=1&per_page=200&type=gpus', '?page=2&per_page=200&tag_name=velda'])
  })

  it('--all adds velda droplets of no configured pool, with pool null and ? in the table', async () => {
    await seed()
    const output = JSON.parse((await velda(['pool', 'list', '--all', '--json'])).stdout) as {droplets: {pool: string | null; name: string}[]}
    expect(output.droplets.filter((d) => d.pool === null).map((d) => d.name).sort()).toEqual([`${prefix['cpu-a']}-x-1`, 'velda-0badf00d-1', 'velda-5ca1ab1e-1'].sort())
    const table = await velda(['pool', 'list', 'cpu-b', '--all'])
    expect(table.stdout).toMatch(/^\? +velda-0badf00d-1 /m)
    expect(table.stdout).toMatch(/cpu-b: 150 droplets \(150 active\); min 3, max unlimited/)
  })

  it('pool down --count 5 removes 5 of the pool\'s droplets and nothing else', async () => {
    await seed()
    const before = await state()
    const result = await velda(['pool', 'down', 'cpu-a', '--count', '5', '--yes', '--json'])
    expect(result.status, result.stderr).toBe(0)
    const output = JSON.parse(result.stdout) as {deleted: {name: string}[]; failed: unknown[]}
    expect(output.deleted).toHaveLength(5)
    expect(output.failed).toEqual([])
    const after = await state()
    const gone = before.filter((d) => !after.some((a) => a.id === d.id)).map((d) => d.name)
    expect(gone.sort()).toEqual(output.deleted.map((d) => d.name).sort())
    for (const name of gone) expect(name.startsWith(`${prefix['cpu-a']}-`) && !name.startsWith(`${prefix['cpu-a']}-x`)).toBe(true)
    expect((await requests()).counts[`DELETE /v2/droplets/${before.find((d) => d.name === gone[0])?.id}`]).toBe(1)
  })

  it.each([
    ['a --name of another pool\'s droplet', (p: Record<string, string>) => ['pool', 'down', 'cpu-a', '--name', `${p['cpu-b']}-1`, '--yes'], /not in pool cpu-a/],
    ['no --yes without a terminal', () => ['pool', 'down', 'cpu-a', '--count', '1'], /without a terminal to confirm on, pass --yes/],
    ['going below min_agents', () => ['pool', 'down', 'cpu-b', '--count', '148', '--yes'], /below its min_agents of 3/],
    ['--all together with --name', (p: Record<string, string>) => ['pool', 'down', 'cpu-a', '--all', '--name', `${p['cpu-a']}-1`, '--yes'], /cannot also be provided|exactly one/i],
  ])('refuses %s: exit 2, nothing deleted', async (_name, args, message) => {
    await seed()
    const result = await velda(args(prefix))
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(Object.keys((await requests()).counts).filter((k) => k.startsWith('DELETE'))).toEqual([])
    expect(await state()).toHaveLength(454)
  })
})

describe('velda-do pool up interrupted', () => {
  it('stops creating on Ctrl-C, reports exactly what exists, exits 130', async () => {
    const slow = await startSimulatorProcess(['--latency', '300ms', '--active-after', '0s'])
    try {
      const child = startCli(['pool', 'up', 'cpu-a', '-n', '30', '--json', '-c', configFile], {DIGITALOCEAN_API_ENDPOINT: slow.url, DIGITALOCEAN_API_TOKEN: slow.token})
      // Interrupt once the first create has reached the API: an event, not a guess at timing.
      for (let i = 0; i < 200; i++) {
        const log = (await slow.admin('GET', 'requests')) as {counts: Record<string, number>}
        if (log.counts['POST /v2/droplets']) break
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      child.kill('SIGINT')
      const {status, stdout} = await child.exited
      expect(status).toBe(130)
      const output = JSON.parse(stdout) as {created: {name: string}[]; failed: {error: string}[]; error: {code: string}}
      expect(output.error.code).toBe('interrupted')
      const existing = ((await slow.admin('GET', 'state')).droplets as {name: string}[]).map((d) => d.name)
      expect(existing.sort()).toEqual(output.created.map((d) => d.name).sort())
      expect(output.created.length).toBeLessThan(30)
      expect(output.created.length + output.failed.length).toBe(30)
      expect(output.failed.every((f) => f.error === 'not attempted: interrupted')).toBe(true)
    } finally {
      await slow.stop()
    }
  })
})

describe('velda-do processes working on one pool', () => {
  it.runIf(haveTool('script', 'bsdutils', 'a velda-do holding a pool at its prompt on a terminal'))('take turns: a pool up waits, saying so, while a pool down holds the pool at its prompt, then counts the pool afresh', async () => {
    await sim.admin('POST', 'droplets', {count: 20, namePrefix: prefix['cpu-a'], tags: ['velda', 'velda-pool:cpu-a']})
    const holder = runOnPty(['pool', 'down', 'cpu-a', '--count', '1', '-c', configFile], env())
    await holder.waitFor(/Delete this droplet of pool cpu-a\? \[y\/N\]/)

    const waiter = startCli(['pool', 'up', 'cpu-a', '-n', '15', '--json', '-c', configFile], env())
    await waiter.stderrShows(/waiting for another velda-do \(pid \d+, "velda-do pool down cpu-a"/)
    expect((await requests()).counts['POST /v2/droplets']).toBeUndefined()

    holder.type('y\r')
    expect((await holder.exited).status).toBe(0)
    // The pool up counted the pool only once it had it: 19 left, and 19 + 15 is past max_agents 30.
    const {status, stdout, stderr} = await waiter.exited
    expect(status, stderr).toBe(2)
    expect((JSON.parse(stdout) as {error: {message: string}}).error.message).toMatch(/pool cpu-a has 19 droplets; 15 more would exceed its max_agents of 30/)
    expect(await state()).toHaveLength(19)
  })
})

describe('velda-do pool commands, as doctl and gh users expect them', () => {
  it('pool up --dry-run says first what it would do and that nothing was sent', async () => {
    const result = await runInProcess(['pool', 'up', 'gpu', '-n', '10', '--dry-run', '-c', configFile], {env: {TS_KEY: FAKE_TAILSCALE_KEY}})
    expect(result.status).toBe(0)
    expect(result.stdout.split('\n')[0]).toBe('# would create 10 droplets in 1 request (nothing sent)')
    const one = await runInProcess(['pool', 'up', 'gpu', '--dry-run', '-c', configFile], {env: {TS_KEY: FAKE_TAILSCALE_KEY}})
    expect(one.stdout.split('\n')[0]).toBe('# would create 1 droplet in 1 request (nothing sent)')
  })

  it('pool down --dry-run says first what it would delete, and deletes nothing', async () => {
    await sim.admin('POST', 'droplets', {count: 7, namePrefix: prefix['cpu-a'], tags: ['velda', 'velda-pool:cpu-a']})
    const result = await velda(['pool', 'down', 'cpu-a', '--count', '5', '--dry-run'])
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout.split('\n')[0]).toBe('would delete 5 droplets of pool cpu-a (nothing deleted):')
    expect(result.stdout.split('\n')[1]).toMatch(/^POOL +NAME +ID/)
    const empty = await velda(['pool', 'down', 'cpu-b', '--all', '--dry-run'])
    expect(empty.stdout).toBe('would delete nothing: pool cpu-b has no droplets to delete\n')
    expect(Object.keys((await requests()).counts).filter((k) => k.startsWith('DELETE'))).toEqual([])
    expect(await state()).toHaveLength(7)
  })

  it.each([
    ['pool up --force', ['pool', 'up', 'gpu', '-n', '12', '--force'], /--force was renamed --ignore-limits: it goes past the pool's min_agents\/max_agents; in doctl --force skips the confirmation, which is -y\/--yes here/],
    ['pool down --force', ['pool', 'down', 'cpu-b', '--all', '--force', '--yes'], /--force was renamed --ignore-limits/],
    ['render-userdata -o FILE', ['render-userdata', 'cpu-a', '-o', join(dir, 'boot.sh')], /-o\/--output \S+boot\.sh: not an output format; -o takes json, text or wide\nTry this:\n.*\n {2}--output-file \S+boot\.sh writes to that file/],
  ])('%s: the old spelling is exit 2 with the new name and why, and does nothing', async (_name, args, message) => {
    await sim.admin('POST', 'droplets', {count: 3, namePrefix: prefix['cpu-b'], tags: ['velda', 'velda-pool:cpu-b']})
    await sim.admin('DELETE', 'requests')
    const result = await velda(args)
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(message)
    expect((await requests()).requests).toEqual([])
  })

  it('pool list --format picks columns in the order given; --no-header leaves rows only, without the pool summary', async () => {
    await sim.admin('POST', 'droplets', {count: 3, namePrefix: prefix['cpu-a'], tags: ['velda', 'velda-pool:cpu-a']})
    const withHeader = await velda(['pool', 'list', 'cpu-a', '--format', 'status,Name,public_ipv4'])
    expect(withHeader.status, withHeader.stderr).toBe(0)
    const lines = withHeader.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^STATUS +NAME +PUBLIC IPV4$/)
    expect(lines.slice(1)).toHaveLength(3)
    for (const line of lines.slice(1)) expect(line).toMatch(new RegExp(`^active +${prefix['cpu-a']}-\\d+ +203\\.0\\.11\\d\\.\\d+$`))
    const rows = await velda(['pool', 'list', 'cpu-a', '--format', 'ID', '--no-header'])
    expect(rows.stdout).toMatch(/^(\d+\n){3}$/)
    expect(rows.stdout.trimEnd().split('\n').map(Number).sort()).toEqual((await state()).map((d) => d.id).sort())
  })

  it('--quiet: no progress on stderr, the result on stdout, and errors still printed', async () => {
    const quiet = await velda(['pool', 'up', 'gpu', '-n', '2', '--wait', '--poll-interval', '1s', '--quiet'])
    expect(quiet.status, quiet.stderr).toBe(0)
    expect(quiet.stderr).toBe('')
    expect(quiet.stdout.match(/ active +atl1 /g)).toHaveLength(2)
    const loud = await velda(['pool', 'up', 'gpu', '-n', '1', '--wait', '--poll-interval', '1s'])
    expect(loud.stderr).toMatch(/^creating 1 droplet in pool gpu \(1 request\)$/m)
    expect(loud.stderr).toMatch(/^1\/1 active, \d+s of 10m$/m)
    const refused = await velda(['pool', 'up', 'gpu', '-n', '20', '-q'])
    expect(refused.status).toBe(2)
    expect(refused.stderr).toMatch(/^Error: .*max_agents/m)
  })

  it('pool down at the prompt: a typed "n" is a cancel, not an error: nothing deleted, exit 130', async () => {
    await sim.admin('POST', 'droplets', {count: 2, namePrefix: prefix['cpu-a'], tags: ['velda', 'velda-pool:cpu-a']})
    const session = runOnPty(['pool', 'down', 'cpu-a', '--all', '-c', configFile], env())
    await session.waitFor(/Delete these 2 droplets of pool cpu-a\? \[y\/N\]/)
    session.type('n\r')
    const {status} = await session.exited
    const output = session.screen()
    expect(status).toBe(130)
    expect(output).toMatch(/cancelled: nothing was deleted/)
    expect(output).not.toMatch(/Error:/)
    expect(Object.keys((await requests()).counts).filter((k) => k.startsWith('DELETE'))).toEqual([])
    expect(await state()).toHaveLength(2)
  })
})
