import {describe, expect, it} from 'vitest'

import PoolLogs from '../../../src/commands/pool/logs.js'
import {fakeFactory, runCommand, sshAnswer} from '../../support/command.js'
import {cpuPoolWith} from '../../support/pool-fixture.js'

describe('pool logs (the command, with a fake API and fake ssh)', () => {
  it('prints the last lines of the member\'s boot log, escape sequences made harmless', async () => {
    const {config, api} = await cpuPoolWith(2, 'logs')
    const commands: string[] = []
    const run = await runCommand(PoolLogs, ['cpu', '2', '-c', config, '-n', '20'], {
      api,
      ssh: {
        run: async (args) => {
          commands.push(args.join(' '))
          return sshAnswer({stdout: 'step 1 done\n\u001b]52;c;cm0gLXJmIH4=\u0007step 2 done\n'})
        },
      },
    })
    expect(run.status).toBe(0)
    // The second member, in pool list's order, at its address; the boot log's last 20 lines.
    expect(commands[0]).toContain('203.0.113.11')
    expect(commands[0]).toMatch(/tail -n 20 /)
    expect(run.stdout).toContain('step 1 done\n')
    expect(run.stdout).not.toContain('\u001b')
  })

  it('--agent reads the agent\'s journal instead', async () => {
    const {config, api} = await cpuPoolWith(1, 'logs-agent')
    const commands: string[] = []
    await runCommand(PoolLogs, ['cpu', '-c', config, '--agent'], {api, ssh: {run: async (args) => (commands.push(args.join(' ')), sshAnswer())}})
    expect(commands[0]).toContain('journalctl -u velda-agent')
  })

  it('ssh failing to reach the member is exit 3, saying so', async () => {
    const {config, api} = await cpuPoolWith(1, 'logs-refused')
    const run = await runCommand(PoolLogs, ['cpu', '-c', config], {api, ssh: {run: async () => sshAnswer({status: 255, stderr: 'ssh: connect to host 203.0.113.10 port 22: Connection refused\n'})}})
    expect(run.status).toBe(3)
    expect(run.stderr).toContain('Connection refused')
  })

  it('a login ssh refused is exit 3 with the fix of the login (user, key), with the -c and --ssh-port typed; not pool logs again', async () => {
    const {config, api} = await cpuPoolWith(1, 'logs-auth')
    const run = await runCommand(PoolLogs, ['cpu', '-c', config, '--ssh-port', '2222'], {api, ssh: {run: async () => sshAnswer({status: 255, stderr: 'root@203.0.113.10: Permission denied (publickey).\n'})}})
    expect(run.status).toBe(3)
    const tryThis = run.stderr.split('Try this:\n')[1] ?? ''
    expect(tryThis).toContain('--ssh-user USER (root on DigitalOcean images) and -i PATH')
    expect(tryThis).toContain('export VELDA_DO_SSH_USER=USER VELDA_DO_IDENTITY_FILE=PATH')
    expect(tryThis).not.toContain('pool logs')
  })

  it('a member ssh cannot reach: is the droplet up (its pool named, the flags typed), another port, the VPC', async () => {
    const {config, api} = await cpuPoolWith(1, 'logs-unreachable')
    const run = await runCommand(PoolLogs, ['cpu', '-c', config, '--ssh-port', '2222'], {api, ssh: {run: async () => sshAnswer({status: 255, stderr: 'ssh: connect to host 203.0.113.10 port 2222: Connection timed out\n'})}})
    expect(run.stderr.split('Try this:\n')[1]).toBe(`  is the droplet up and is sshd listening? velda-do pool list cpu -c ${config} shows its status\n  sshd on another port: --ssh-port PORT (or VELDA_DO_SSH_PORT); over a VPC: --private\n`)
  })

  it('--follow ends on SIGHUP with exit 129, the lines so far printed', async () => {
    const {config, api} = await cpuPoolWith(1, 'logs-follow')
    const factory = fakeFactory({api})
    factory.ssh.follow = (_args, options) => {
      options.stdout.write('first line\n')
      const ended = new Promise<{status: number | null; signal: NodeJS.Signals | null}>((resolve) => options.signal.addEventListener('abort', () => resolve({status: null, signal: null})))
      factory.signals.emit('SIGHUP')
      return ended
    }
    const run = await runCommand(PoolLogs, ['cpu', '-c', config, '--follow'], factory)
    expect(run.status).toBe(129)
    expect(run.stdout).toBe('first line\n')
  })

  it('-o json with --follow is refused as --json with --follow is: exit 2, the error as JSON, nothing run', async () => {
    const {config, api} = await cpuPoolWith(1, 'logs-o-json-follow')
    const run = await runCommand(PoolLogs, ['cpu', '-c', config, '-f', '-o', 'json'], {api})
    expect(run.status).toBe(2)
    expect(JSON.parse(run.stdout).error).toMatchObject({code: 'usage', message: '--follow cannot also be provided when using -o json (the same as --json)'})
    expect(api.calls).toEqual([])
  })
})
