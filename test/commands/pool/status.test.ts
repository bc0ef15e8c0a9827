import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import PoolStatus from '../../../src/commands/pool/status.js'
import type {SshRunOptions} from '../../../src/lib/ssh/run.js'
import {fakeFactory, runCommand, sshAnswer} from '../../support/command.js'
import {probeAnswer} from '../../support/member-answers.js'
import {cpuPoolWith} from '../../support/pool-fixture.js'

/** A member's GPU sample: ROCm 7's amd-smi of the simulator's `busy` profile, seen by the sampler. */
const BUSY_SAMPLE = JSON.stringify({
  version: 1, sampled_at: '2026-12-04T11:05:00Z', tool: 'amd-smi', tool_exit: 0, promised: 8, busy_thresholds: {utilization_pct: 5, vram_pct: 5}, busy: true,
  last_busy_at: '2026-12-04T11:05:00Z', idle_since: null, output_cut: false, output: readFileSync(new URL('../../../assets/sim-gpu/busy.json', import.meta.url), 'utf8'),
})

describe('pool status (the command, with a fake API and fake ssh)', () => {
  it('probes each member once at its address and says which are healthy, booting or failed', async () => {
    const {config, api} = await cpuPoolWith(3, 'status')
    const hosts: string[] = []
    const answers = new Map([
      ['203.0.113.10', probeAnswer()],
      ['203.0.113.11', probeAnswer({phase: 'running', agent: 'inactive'})],
      ['203.0.113.12', probeAnswer({phase: 'failed', step: 'agent', log: ['curl: (22) The requested URL returned error: 404']})],
    ])
    const run = await runCommand(PoolStatus, ['cpu', '-c', config, '--json'], {
      api,
      ssh: {
        run: async (args) => {
          const host = args.find((arg) => answers.has(arg)) ?? ''
          hosts.push(host)
          return sshAnswer({stdout: answers.get(host) ?? ''})
        },
      },
    })
    expect(hosts.sort()).toEqual([...answers.keys()])
    const states = Object.fromEntries(JSON.parse(run.stdout).members.map((m: {address: string; state: string}) => [m.address, m.state]))
    expect(states).toEqual({'203.0.113.10': 'healthy', '203.0.113.11': 'booting', '203.0.113.12': 'boot-failed'})
    expect(run.status).not.toBe(0)
  })

  it('a member whose host refuses ssh is reported as that, not as a failed boot', async () => {
    const {config, api} = await cpuPoolWith(1, 'status-refused')
    const run = await runCommand(PoolStatus, ['cpu', '-c', config, '--json'], {
      api,
      ssh: {run: async () => sshAnswer({status: 255, stderr: 'ssh: connect to host 203.0.113.10 port 22: Connection refused\n'})},
    })
    const [member] = JSON.parse(run.stdout).members
    expect(member.state).toBe('refused')
  })

  it('SIGTERM while the probes run ends them at once (their signal aborts) and exits 143, every member listed', async () => {
    const {config, api} = await cpuPoolWith(2, 'status-stopped')
    const factory = fakeFactory({api})
    factory.ssh.run = (_args: readonly string[], options: SshRunOptions) =>
      new Promise((resolve) => {
        options.signal?.addEventListener('abort', () => resolve(sshAnswer({status: null, aborted: true})))
        factory.signals.emit('SIGTERM')
      })
    const run = await runCommand(PoolStatus, ['cpu', '-c', config, '--json'], factory)
    expect(run.status).toBe(143)
    const output = JSON.parse(run.stdout)
    expect(output.members.map((m: {state: string}) => m.state)).toEqual(['not-probed', 'not-probed'])
    expect(output.error.signal).toBe('SIGTERM')
  })

  it('on a terminal of 60 columns the table fits: the detail cut, the least needed columns left out, said once on stderr (a failed run too)', async () => {
    const {config, api} = await cpuPoolWith(2, 'status-narrow')
    const answers = new Map([
      ['203.0.113.10', probeAnswer()],
      ['203.0.113.11', probeAnswer({phase: 'failed', step: 'agent', log: ['curl: (22) The requested URL returned error: 404']})],
    ])
    const run = await runCommand(PoolStatus, ['cpu', '-c', config, '-q'], {
      api,
      tty: true,
      columns: 60,
      ssh: {run: async (args) => sshAnswer({stdout: answers.get(args.find((arg) => answers.has(arg)) ?? '') ?? ''})},
    })
    expect(run.status).toBe(4)
    const table = run.stdout.split('\n\n')[0]!.split('\n')
    expect(table[0]).toMatch(/^NAME +.*STATE +.*DETAIL$/)
    expect(table).toHaveLength(3)
    for (const line of table) expect(line.length).toBeLessThanOrEqual(60)
    const stderr = run.stderr.replaceAll('\n', ' ')
    expect(stderr.split('to fit 60 columns: left out ')).toHaveLength(2)
    expect(stderr).toMatch(/to fit 60 columns: left out [^;]+; cut DETAIL with …\. -o wide prints the whole table; --format picks columns /)
    expect(run.stdout).toContain('\n1 of 2 members healthy (agent active)\n')
  })

  describe('what to try next, from the members\' states, as the user can paste it', () => {
    /** The text after "Try this:", one suggestion a line. */
    const tryThis = (stderr: string) => stderr.split('Try this:\n')[1]?.split('\n').filter(Boolean).map((line) => line.trim()) ?? []

    it('ssh refused the login: the fix is the user and the key, not pool logs (which logs in the same way)', async () => {
      const {config, api} = await cpuPoolWith(1, 'status-auth')
      const run = await runCommand(PoolStatus, ['cpu', '-c', config], {
        api,
        ssh: {run: async () => sshAnswer({status: 255, stderr: 'root@203.0.113.10: Permission denied (publickey).\n'})},
      })
      expect(run.status).toBe(4)
      const lines = tryThis(run.stderr)
      expect(lines.join('\n')).toContain('--ssh-user USER')
      expect(lines.join('\n')).toContain('-i PATH')
      expect(lines.join('\n')).toContain('export VELDA_DO_SSH_USER=USER VELDA_DO_IDENTITY_FILE=PATH')
      expect(lines.join('\n')).not.toContain('pool logs')
      expect(lines.join('\n')).not.toContain('pool ssh')
    })

    it('a member that answered but did not boot: its boot log and a shell, named, with the -c, --ssh-port and -i typed', async () => {
      const {config, api} = await cpuPoolWith(1, 'status-paste')
      const name = api.droplets[0]?.name ?? ''
      const typed = ['-c', config, '--ssh-port', '2222', '-i', '/nonexistent/velda key']
      const flags = `-c ${config} --ssh-port 2222 -i '/nonexistent/velda key'`
      const answer = {ssh: {run: async () => sshAnswer({stdout: probeAnswer({phase: 'failed', step: 'agent'})})}}
      const run = await runCommand(PoolStatus, ['cpu', ...typed], {api, ...answer})
      expect(run.status).toBe(4)
      expect(tryThis(run.stderr)).toEqual([`velda-do pool logs cpu ${name} ${flags} shows its boot log`, `velda-do pool ssh cpu ${name} ${flags} to look around`])
      // --json's suggestions are the same lines.
      const json = await runCommand(PoolStatus, ['cpu', ...typed, '--json'], {api, ...answer})
      expect(JSON.parse(json.stdout).error.suggestions).toEqual(tryThis(run.stderr))
    })

    it('a flag that came from a variable is not copied: the pasted command runs in the same shell', async () => {
      const {config, api} = await cpuPoolWith(1, 'status-env')
      const run = await runCommand(PoolStatus, ['cpu', '-c', config], {
        api,
        env: {VELDA_DO_CONFIG: config},
        ssh: {run: async () => sshAnswer({status: 255, stderr: 'ssh: connect to host 203.0.113.10 port 22: Connection refused\n'})},
      })
      expect(tryThis(run.stderr)[0]).toBe(`is the droplet up and is sshd listening? velda-do pool list cpu -c ${config} shows its status`)
      const untyped = await runCommand(PoolStatus, ['cpu'], {
        api,
        env: {VELDA_DO_CONFIG: config},
        ssh: {run: async () => sshAnswer({status: 255, stderr: 'ssh: connect to host 203.0.113.10 port 22: Connection refused\n'})},
      })
      expect(tryThis(untyped.stderr)[0]).toBe('is the droplet up and is sshd listening? velda-do pool list cpu shows its status')
    })
  })

  it('shows each member\'s GPUs: seen of promised, mean utilisation, VRAM, the hottest, ECC errors; --json has each GPU', async () => {
    const {config, api} = await cpuPoolWith(2, 'status-gpus')
    const answers = new Map([
      ['203.0.113.10', probeAnswer({gpu: BUSY_SAMPLE})],
      ['203.0.113.11', probeAnswer()],
    ])
    const ssh = {run: async (args: readonly string[]) => sshAnswer({stdout: answers.get(args.find((arg) => answers.has(arg)) ?? '') ?? ''})}
    const table = await runCommand(PoolStatus, ['cpu', '-c', config], {api, ssh})
    expect(table.status, table.stderr).toBe(0)
    const lines = table.stdout.split('\n')
    expect(lines[0]).toMatch(/^NAME +ID +DROPLET +ADDRESS +STATE +BOOT +AGENT +GPU +GPUS +UTIL +VRAM +TEMP +ECC +DETAIL$/)
    expect(lines[1]).toMatch(/ healthy +done +active +- +8\/8 +97% +1328\/1536G +71C +0 +agent active$/)
    expect(lines[2]).toMatch(/ healthy +done +active +- +- +- +- +- +- +agent active$/)
    const json = await runCommand(PoolStatus, ['cpu', '-c', config, '--json'], {api, ssh})
    const [gpuMember] = JSON.parse(json.stdout).members
    expect(gpuMember.gpu.gpus).toHaveLength(8)
    expect(gpuMember.gpu.gpus[7]).toEqual({index: 7, utilization_pct: 93, vram_used_mib: 170007, vram_total_mib: 196592, temperature_c: 71, power_w: 612, ecc_correctable: 0, ecc_uncorrectable: 0})
  })

  it.each([
    [120, ['TEMP']],
    [100, ['GPU', 'UTIL', 'VRAM', 'TEMP']],
    [80, ['ID', 'DROPLET', 'GPU', 'UTIL', 'VRAM', 'TEMP', 'ECC']],
  ])('on a terminal of %d columns the GPU figures are left out first, the count of GPUs and their errors last of them (left out: %j)', async (columns, leftOut) => {
    const {config, api} = await cpuPoolWith(1, `status-gpus-${columns}`)
    const run = await runCommand(PoolStatus, ['cpu', '-c', config, '-q'], {
      api,
      tty: true,
      columns,
      ssh: {run: async () => sshAnswer({stdout: probeAnswer({gpu: BUSY_SAMPLE})})},
    })
    expect(run.status, run.stderr).toBe(0)
    const table = run.stdout.split('\n\n')[0]!.split('\n')
    for (const line of table) expect(line.length).toBeLessThanOrEqual(columns)
    const left = /left out (.+?)(?:;|\. -o wide)/.exec(run.stderr.replaceAll('\n', ' '))?.[1]?.split(/, | and /) ?? []
    expect(left).toEqual(leftOut)
    expect(table[0]).toMatch(/^NAME +.*STATE +.*DETAIL$/)
  })
})
