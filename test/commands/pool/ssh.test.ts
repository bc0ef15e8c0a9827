import {describe, expect, it} from 'vitest'

import PoolSsh from '../../../src/commands/pool/ssh.js'
import {runCommand, sshAnswer} from '../../support/command.js'
import {cpuPoolWith} from '../../support/pool-fixture.js'

describe('pool ssh (the command, with a fake API and fake ssh)', () => {
  it('MEMBER -- CMD runs the command on that member and exits with its exit code', async () => {
    const {config, api} = await cpuPoolWith(2, 'ssh')
    const target = api.droplets[1]
    if (!target) throw new Error('the fixture made no member')
    const runs: string[][] = []
    const run = await runCommand(PoolSsh, ['cpu', target.name, '-c', config, '--', 'exit', '3'], {
      api,
      ssh: {interactive: async (args) => (runs.push([...args]), 3)},
    })
    expect(run.status).toBe(3)
    expect(runs).toHaveLength(1)
    expect(runs[0]).toContain('203.0.113.11')
    expect(runs[0]?.at(-1)).toBe('exit 3')
    // No terminal here: ssh must not ask anything (BatchMode), and gets no -t.
    expect(runs[0]).not.toContain('-t')
  })

  it('a command without -- before it is exit 2 naming the stray word, nothing run', async () => {
    const {config, api} = await cpuPoolWith(1, 'ssh-no-dashes')
    const run = await runCommand(PoolSsh, ['cpu', '1', 'uptime', '-c', config], {api})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('Unexpected argument: uptime')
    expect(api.calls).toEqual([])
  })

  it('--all -- CMD runs on every member, each line prefixed with the member\'s name; one failure is exit 4', async () => {
    const {config, api} = await cpuPoolWith(3, 'ssh-all')
    const run = await runCommand(PoolSsh, ['cpu', '--all', '-c', config, '--', 'hostname'], {
      api,
      ssh: {run: async (args) => (args.includes('203.0.113.12') ? sshAnswer({status: 1, stderr: 'no such file\n'}) : sshAnswer({stdout: 'ok\n'}))},
    })
    expect(run.status).toBe(4)
    for (const droplet of api.droplets.slice(0, 2)) expect(run.stdout).toContain(`${droplet.name}: ok`)
    expect(run.stderr).toContain('the command failed on 1 of 3 members')
  })

  it('--all without a command is a usage error before any request', async () => {
    const {config, api} = await cpuPoolWith(1, 'ssh-usage')
    const run = await runCommand(PoolSsh, ['cpu', '--all', '-c', config], {api})
    expect(run.status).toBe(2)
    expect(api.calls).toEqual([])
  })
})
