import {describe, expect, it} from 'vitest'

import PoolStatus from '../../../src/commands/pool/status.js'
import type {SshRunOptions} from '../../../src/lib/ssh/run.js'
import {fakeFactory, runCommand, sshAnswer} from '../../support/command.js'
import {probeAnswer} from '../../support/member-answers.js'
import {cpuPoolWith} from '../../support/pool-fixture.js'

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
})
