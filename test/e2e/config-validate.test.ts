import {execFileSync, spawnSync} from 'node:child_process'
import {copyFileSync, mkdtempSync, readFileSync, truncateSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {BIN, cleanEnv, EXAMPLE_CONFIG, PROJECT_ROOT, runCli} from '../support/cli.js'
import {runInProcess} from '../support/in-process-cli.js'
import {expectNoSecrets, FAKE_DO_TOKEN, FAKE_TAILSCALE_KEY} from '../support/secrets.js'

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'velda-cli-'))
}

/** The example with four mistakes in it, at known lines. */
function brokenCopy(): string {
  const lines = readFileSync(EXAMPLE_CONFIG, 'utf8').split('\n')
  const replace = (from: string, to: string) => {
    const index = lines.findIndex((l) => l.trim() === from)
    if (index < 0) throw new Error(`example has no line with ${from}`)
    lines[index] = lines[index]!.replace(from, to)
    return index + 1
  }
  const problems = [
    replace('size: s-2vcpu-4gb', 'size: 4'),
    replace('monitoring: true', 'monitorng: true'),
    replace('environment: production', 'environment/name: production'),
    replace('max_agents: 2', 'max_agents: -2'),
  ]
  const file = join(tempDir(), 'velda.yaml')
  writeFileSync(file, lines.join('\n'))
  return JSON.stringify({file, problems})
}

describe('velda-do config validate', () => {
  it('accepts the example and shows every pool with its resolved settings', async () => {
    const result = await runInProcess(['config', 'validate', '-c', EXAMPLE_CONFIG], {env: {TAILSCALE_AUTH_KEY: FAKE_TAILSCALE_KEY, DIGITALOCEAN_API_TOKEN: FAKE_DO_TOKEN}})
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/is valid: 3 DigitalOcean pools/)
    for (const [pool, prefix] of [['cpu-small', 'velda-98ada949'], ['amd-mi300x', 'velda-8e835159'], ['amd-mi300x-8', 'velda-3b1a5955']]) {
      expect(result.stdout).toMatch(new RegExp(`${pool} .*\\n {2}prefix +${prefix}`))
    }
    expect(result.stdout).toContain('token      <redacted> from $DIGITALOCEAN_API_TOKEN')
    expectNoSecrets(result.stdout + result.stderr)
  })

  it('gives scripts one JSON document', async () => {
    const result = await runInProcess(['config', 'validate', '-c', EXAMPLE_CONFIG, '--json'])
    expect(result.status).toBe(0)
    const json = JSON.parse(result.stdout)
    expect(json.valid).toBe(true)
    expect(json.pools.map((p: {name: string; prefix: string}) => [p.name, p.prefix])).toEqual([
      ['cpu-small', 'velda-98ada949'],
      ['amd-mi300x', 'velda-8e835159'],
      ['amd-mi300x-8', 'velda-3b1a5955'],
    ])
    expect(json.pools[1]).toMatchObject({
      api_endpoint: {value: 'https://api-amd.digitalocean.com', source: 'api_endpoint'},
      tailscale: {server: 'https://login.tailscale.com', pre_auth_key: '<redacted>', set: false},
      min_agents: 0,
      max_agents: 10,
    })
  })

  it('lists every problem of a broken copy with file:line:col and exits 2', async () => {
    const {file, problems} = JSON.parse(brokenCopy()) as {file: string; problems: number[]}
    const result = await runInProcess(['config', 'validate', '-c', file])
    expect(result.status).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/is invalid \(4 problems\)/)
    for (const line of problems) expect(result.stderr).toMatch(new RegExp(`${file}:${line}:\\d+: error: `))
    expect(result.stderr).toMatch(/did you mean "monitoring"\?/)
  })

  it('gives the problems as JSON too', async () => {
    const {file, problems} = JSON.parse(brokenCopy()) as {file: string; problems: number[]}
    const result = await runInProcess(['config', 'validate', '-c', file, '--json'])
    expect(result.status).toBe(2)
    const json = JSON.parse(result.stdout)
    expect(json.error.code).toBe('invalid_config')
    expect(json.error.problems.map((p: {line: number}) => p.line)).toEqual(problems)
  })

  it('finds ./velda.yaml, and prefers $VELDA_DO_CONFIG over it', async () => {
    const dir = tempDir()
    copyFileSync(EXAMPLE_CONFIG, join(dir, 'velda.yaml'))
    expect((await runInProcess(['config', 'validate'], {cwd: dir})).stdout).toMatch(/^✓ velda\.yaml is valid/)
    const other = join(tempDir(), 'other.yaml')
    writeFileSync(other, 'agent_pools: []\n')
    const result = await runInProcess(['config', 'validate'], {cwd: dir, env: {VELDA_DO_CONFIG: other}})
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/defines no DigitalOcean pool/)
  })

  it('exits 2 with the fix when there is no config file', async () => {
    const result = await runInProcess(['config', 'validate'], {cwd: tempDir()})
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/no config file found/)
    expect(result.stderr).toMatch(/Try this:\n {2}pass the file/)
    const missing = await runInProcess(['config', 'validate', '-c', '/nonexistent/velda.yaml'])
    expect(missing.status).toBe(2)
    expect(missing.stderr).toMatch(/the config file \/nonexistent\/velda.yaml \(from --config\) does not exist/)
  })

  describe('refuses files that are no config before reading them', () => {
    /** Like runCli with a short leash: a velda-do that reads a FIFO or /dev/zero would never end by itself. */
    function validate(file: string) {
      const result = spawnSync(process.execPath, [BIN, 'config', 'validate', '-c', file], {
        cwd: PROJECT_ROOT, env: cleanEnv({}), encoding: 'utf8', input: '', timeout: 10_000, killSignal: 'SIGKILL',
      })
      return {status: result.status, stderr: result.stderr}
    }

    it.each([
      ['a FIFO (that no one writes to)', () => {
        const fifo = join(tempDir(), 'velda.yaml')
        execFileSync('mkfifo', [fifo])
        return fifo
      }, /is a pipe \(FIFO\), not a regular file/],
      ['/dev/zero', () => '/dev/zero', /the config file \/dev\/zero \(from --config\) is a device, not a regular file/],
      ['a directory', () => tempDir(), /is a directory, not a regular file/],
      ['a file over 4 MiB', () => {
        const file = join(tempDir(), 'velda.yaml')
        writeFileSync(file, '')
        truncateSync(file, 5 * 1024 * 1024)
        return file
      }, /is 5,242,880 bytes, over the limit of 4 MiB \(4,194,304 bytes\)/],
    ])('%s: exit 2 at once', (_kind, target, message) => {
      const result = validate(target())
      expect(result.status).toBe(2)
      expect(result.stderr).toMatch(message)
    })
  })

  // A process of its own, with runCli's 30 s limit: a regression to expanding the bomb would block the thread, and
  // only a limit on a child process turns that into a failure instead of a hung test worker.
  it('refuses a YAML bomb with its position and exit 2, quickly', () => {
    const levels = ['l0: &l0 {k: v}']
    for (let level = 1; level <= 9; level++) levels.push(`l${level}: &l${level} {<<: [${Array.from({length: 9}, () => `*l${level - 1}`).join(', ')}]}`)
    const file = join(tempDir(), 'velda.yaml')
    writeFileSync(file, `${levels.join('\n')}\nagent_pools:\n  - name: x\n    auto_scaler:\n      <<: *l9\n`)
    const result = runCli(['config', 'validate', '-c', file])
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(new RegExp(`${file}:\\d+:\\d+: error: l\\d\\.<<\\[\\d\\]: the file expands aliases too many times \\(>100000\\): a YAML bomb\\?`))
  })

  it('lists an empty pool name, an empty label key, a multi-line broker address and a plain-http endpoint, each with its position', async () => {
    const lines = readFileSync(EXAMPLE_CONFIG, 'utf8').split('\n')
    const replace = (from: RegExp, to: string) => {
      const index = lines.findIndex((l) => from.test(l))
      if (index < 0) throw new Error(`example has no line matching ${from}`)
      lines[index] = lines[index]!.replace(from, to)
      return index + 1
    }
    const problems = [
      replace(/name: cpu-small$/, 'name: ""'),
      replace(/^ {12}environment: staging$/, '            "": staging'),
      replace(/api_endpoint: https:\/\/api-amd\.digitalocean\.com$/, 'api_endpoint: http://api-amd.digitalocean.com'),
      replace(/^ {2}address: .*$/, '  address: "broker.example.com:50051\\nrm -rf /"'),
    ].sort((a, b) => a - b)
    const file = join(tempDir(), 'velda.yaml')
    writeFileSync(file, lines.join('\n'))
    const result = await runInProcess(['config', 'validate', '-c', file, '--json'])
    expect(result.status).toBe(2)
    const json = JSON.parse(result.stdout) as {error: {problems: {line: number; message: string; fix: string | null}[]}}
    expect(json.error.problems.map((p) => p.line)).toEqual(problems)
    expect(json.error.problems.map((p) => p.message)).toEqual(expect.arrayContaining([
      'the pool name is empty',
      'a label key is empty: the tag would be ":staging"',
      expect.stringMatching(/^http:\/\/api-amd\.digitalocean\.com is plain http/),
      expect.stringMatching(/has a control character/),
    ]))
    expect(json.error.problems.every((p) => p.fix)).toBe(true)
  })

  it('refuses $DIGITALOCEAN_API_ENDPOINT with a password, without showing it', async () => {
    const result = await runInProcess(['config', 'validate', '-c', EXAMPLE_CONFIG], {env: {DIGITALOCEAN_API_ENDPOINT: 'https://robot:hunter2@api.digitalocean.com'}})
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/\$DIGITALOCEAN_API_ENDPOINT: "https:\/\/<credentials>@api\.digitalocean\.com" carries a user name or password/)
    expect(result.stdout + result.stderr).not.toContain('hunter2')
  })

  it('refuses ${VAR} where the broker would read the characters, with file:line:col, the key path and the fix: exit 2', async () => {
    const lines = readFileSync(EXAMPLE_CONFIG, 'utf8').split('\n')
    const index = lines.findIndex((l) => l.trim() === 'agent_version_override: "v1.1.4"')
    lines[index] = lines[index]!.replace('"v1.1.4"', '"${VV}"')
    const file = join(tempDir(), 'velda.yaml')
    writeFileSync(file, lines.join('\n'))
    const result = await runInProcess(['config', 'validate', '-c', file], {env: {VV: '1.0.0'}})
    expect(result.status).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain(`${file}:${index + 1}:35: error: agent_pools[0].auto_scaler.backend.digitalocean_droplet.agent_version_override: `
      + '"${VV}": the Velda broker does not expand ${...} and would use these characters as they are')
    expect(result.stderr).toMatch(/fix: write the value itself in the file/)
  })

  it('says per pool whether the broker sees the same prefix, tags and agent.yaml, and the autoscaler it applies', async () => {
    const result = await runInProcess(['config', 'validate', '-c', EXAMPLE_CONFIG], {env: {TAILSCALE_AUTH_KEY: FAKE_TAILSCALE_KEY}})
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('  parity     prefix the same for the broker\n')
    expect(result.stdout).toContain('             tags differ: velda-do adds velda-pool:amd-mi300x; the broker adds velda/pool:amd-mi300x')
    expect(result.stdout).toContain('             agent.yaml the same as the broker writes\n')
    expect(result.stdout).toContain('  autoscale  as a broker applies it (provisioners[0].digitalocean_auto.pool_details[1].autoscaler_config): min 0, max 2\n'
      + '             max_idle_agents 0, idle_decay 0s, so a running broker deletes idle droplets at once down to min 0, velda-do\'s too\n'
      + '             kill_unknown_after never, checked every 60s (1m)\n')
    expect(result.stdout).toMatch(/pre_auth_key reads \$TAILSCALE_AUTH_KEY in velda-do; the broker reads pre_auth_key literally/)
    expect(result.stdout).not.toContain('not checked')
    expectNoSecrets(result.stdout + result.stderr)

    const json = JSON.parse((await runInProcess(['config', 'validate', '-c', EXAMPLE_CONFIG, '--json'])).stdout)
    expect(json.unchecked).toEqual([])
    expect(json.pools[0].broker_parity).toEqual({
      prefix: {same: true, velda_do: 'velda-98ada949', broker: 'velda-98ada949'},
      tags: {same: false, velda_do: ['velda', 'velda-pool:cpu-small', 'environment:staging'], broker: ['velda', 'environment:staging'], note: expect.any(String)},
      agent_config: {same: true, note: 'the same as the broker writes'},
    })
    expect(json.pools[0].broker_autoscaler).toEqual({
      source: 'agent_pools[0].auto_scaler', min_agents: 0, max_agents: 20, min_idle_agents: 0, max_idle_agents: 0,
      idle_decay: '0s', kill_unknown_after: null, sync_loop_interval: '60s',
    })
  })

  it('shows the broker\'s default autoscaler for a provisioned pool, and one line for what it did not check', async () => {
    const file = join(tempDir(), 'velda.yaml')
    writeFileSync(file, `default_broker_info: {address: "b.example.com:50051"}
agent_pools:
  - name: k8s
    auto_scaler: {backend: {kubernetes: {kubeconfig: /etc/k}}}
provisioners:
  - aws_auto: {pool_prefix: aws-}
  - digitalocean_auto:
      region: atl1
      pool_details:
        - pool_name: gpu
          size: gpu-mi300x1-192gb-devcloud
          image: amd-rocm71software
        - pool_name: gpu-slow
          size: gpu-mi300x1-192gb-devcloud
          image: amd-rocm71software
          autoscaler_config: {max_agents: 3, min_idle_agents: 1, default_slots_per_agent: 2, idle_decay: "600s", kill_unknown_after: "1800s"}
`)
    const result = await runInProcess(['config', 'validate', '-c', file])
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toContain('  autoscale  as a broker applies it (the broker\'s default for provisioned pools): min 0, max 10\n'
      + '             max_idle_agents 1, idle_decay 60s (1m)\n')
    expect(result.stdout).toContain('max_idle_agents 2, idle_decay 600s (10m)\n             kill_unknown_after 1800s (30m), checked every 60s (1m)')
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('not checked agent_pools[0].auto_scaler.backend.kubernetes, provisioners[0].aws_auto: '
      + 'velda-do does not know their schema (the broker refuses unknown keys there too)')
  })
})
