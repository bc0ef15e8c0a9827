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

  it('MEMBER --json -- CMD prints the member\'s run as one document and exits with the command\'s code', async () => {
    const {config, api} = await cpuPoolWith(2, 'ssh-json')
    const target = api.droplets[1]
    if (!target) throw new Error('the fixture made no member')
    const runs: string[][] = []
    const run = await runCommand(PoolSsh, ['cpu', target.name, '-c', config, '--json', '--', 'cat', '/etc/hostname'], {
      api,
      ssh: {run: async (args) => (runs.push([...args]), sshAnswer({status: 3, stdout: 'node-2\n', stderr: 'warning\n', cutBytes: {stdout: 10, stderr: 0}}))},
    })
    expect(run.status).toBe(3)
    expect(runs).toHaveLength(1)
    expect(runs[0]).toContain('203.0.113.11')
    expect(JSON.parse(run.stdout)).toEqual({
      pool: 'cpu',
      command: 'cat /etc/hostname',
      member: {id: target.id, name: target.name},
      exit_code: 3,
      state: 'ran',
      stdout: 'node-2\n',
      stderr: 'warning\n',
      stdout_cut_bytes: 10,
      stderr_cut_bytes: 0,
    })
  })

  it('MEMBER --json where ssh fails is exit 255 with ssh\'s reason in the document', async () => {
    const {config, api} = await cpuPoolWith(1, 'ssh-json-255')
    const run = await runCommand(PoolSsh, ['cpu', '1', '-c', config, '-o', 'json', '--', 'true'], {
      api,
      ssh: {run: async () => sshAnswer({status: 255, stderr: 'ssh: connect to host 203.0.113.10 port 22: Connection refused\n'})},
    })
    expect(run.status).toBe(255)
    const document = JSON.parse(run.stdout) as {exit_code: number; stderr: string}
    expect(document.exit_code).toBe(255)
    expect(document.stderr).toMatch(/^ssh: refused: /)
  })

  it('MEMBER --json without a command is exit 2 before any request: a shell has no document', async () => {
    const {config, api} = await cpuPoolWith(1, 'ssh-json-shell')
    const run = await runCommand(PoolSsh, ['cpu', '1', '-c', config, '--json'], {api})
    expect(run.status).toBe(2)
    expect(api.calls).toEqual([])
    const document = JSON.parse(run.stdout) as {error: {code: string; message: string; suggestions: string[]}}
    expect(document.error.code).toBe('usage')
    expect(document.error.message).toContain('--json needs a command')
    expect(document.error.suggestions).toEqual([`velda-do pool ssh cpu 1 --json -c ${config} -- uptime`])
  })
})
