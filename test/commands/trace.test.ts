import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import PoolLogs from '../../src/commands/pool/logs.js'
import PoolSsh from '../../src/commands/pool/ssh.js'
import PoolUp from '../../src/commands/pool/up.js'
import Sizes from '../../src/commands/sizes.js'
import {openTraceFile} from '../../src/lib/output/trace-file.js'
import {FakeApi} from '../support/fake-api.js'
import {fakeFactory, runCommand, sshAnswer} from '../support/command.js'
import {cpuPoolWith} from '../support/pool-fixture.js'
import {writeCpuPoolConfig} from '../support/pools.js'

/** The ssh side of --trace and $VELDA_DO_TRACE, command by command, with fake ssh (the HTTP side: test/e2e/trace.test.ts). */
const SSH_TRACE = /^trace: ssh (\S+) \((\S+)\) -> (exit \d+|ended by a signal) in \d+ms, stdout (\d+ bytes|on the terminal), stderr (\d+ bytes|on the terminal): ssh .* -- (\S+)/gm
const traced = (stderr: string) => [...stderr.matchAll(SSH_TRACE)].map((m) => [m[1], m[2], m[3], m[4], m[5]])

describe('--trace of the ssh a command runs', () => {
  it('pool logs: one line naming the member, its address, exit code and the bytes it printed', async () => {
    const {config, api} = await cpuPoolWith(2, 'trace-logs')
    const run = await runCommand(PoolLogs, ['cpu', '2', '-c', config, '--trace'], {api, ssh: {run: async () => sshAnswer({stdout: 'step 1 done\n', stderr: 'warn\n'})}})
    expect(run.status, run.stderr).toBe(0)
    expect(traced(run.stderr)).toEqual([[api.droplets[1]?.name, '203.0.113.11', 'exit 0', '12 bytes', '5 bytes']])
  })

  it('pool logs --follow: the bytes read as they came', async () => {
    const {config, api} = await cpuPoolWith(1, 'trace-follow')
    const run = await runCommand(PoolLogs, ['cpu', '-c', config, '--follow', '--trace'], {api, ssh: {follow: async () => ({status: 0, signal: null, bytes: {stdout: 40, stderr: 0}})}})
    expect(traced(run.stderr)).toEqual([[api.droplets[0]?.name, '203.0.113.10', 'exit 0', '40 bytes', '0 bytes']])
  })

  it('pool ssh --all: a line per member, each with its own exit code', async () => {
    const {config, api} = await cpuPoolWith(2, 'trace-ssh-all')
    let calls = 0
    const run = await runCommand(PoolSsh, ['cpu', '--all', '-c', config, '--trace', '--', 'uptime'], {api, ssh: {run: async () => sshAnswer({status: calls++, stdout: 'up\n'})}})
    expect(traced(run.stderr).map((line) => line[2]).sort()).toEqual(['exit 0', 'exit 1'])
    expect(traced(run.stderr).map((line) => line[1]).sort()).toEqual(['203.0.113.10', '203.0.113.11'])
  })

  it('pool ssh on the terminal: the exit code, its output the terminal\'s', async () => {
    const {config, api} = await cpuPoolWith(1, 'trace-ssh')
    const run = await runCommand(PoolSsh, ['cpu', '-c', config, '--trace'], {api, ssh: {interactive: async () => 5}})
    expect(run.status).toBe(5)
    expect(traced(run.stderr)).toEqual([[api.droplets[0]?.name, '203.0.113.10', 'exit 5', 'on the terminal', 'on the terminal']])
  })

  it('$VELDA_DO_TRACE alone: the JSON line in the file, nothing on stderr', async () => {
    const {config, api} = await cpuPoolWith(1, 'trace-file')
    const factory = fakeFactory({api, env: {VELDA_DO_TRACE: '/trace.jsonl'}, ssh: {run: async () => sshAnswer({stdout: 'x\n'})}})
    const run = await runCommand(PoolLogs, ['cpu', '-c', config], factory)
    expect(run.stderr).not.toContain('trace:')
    const lines = (factory.traceFiles.get('/trace.jsonl') ?? []).map((line) => JSON.parse(line))
    expect(lines).toEqual([expect.objectContaining({v: 1, kind: 'ssh', address: '203.0.113.10', exit_code: 0, stdout_bytes: 2, stderr_bytes: 0, member: api.droplets[0]?.name})])
  })
})

describe('--trace and the rest of the command line', () => {
  it('no spinner with --trace on a terminal: its redraws would tear the lines', async () => {
    const api = new FakeApi()
    const factory = fakeFactory({api, tty: true})
    const rawDuringCreate: boolean[] = []
    const created = api.createDroplets.bind(api)
    api.createDroplets = async (request) => {
      rawDuringCreate.push(Boolean(factory.io.in.isRaw))
      return created(request)
    }
    const run = await runCommand(PoolUp, ['cpu', '-n', '1', '-c', writeCpuPoolConfig('trace-no-spinner'), '--trace'], factory)
    expect(run.status, run.stderr).toBe(0)
    // The spinner holds the terminal raw while it spins (up.test.ts): here nothing did.
    expect(rawDuringCreate).toEqual([false])
  })

  it.each([['--trace=bogus'], ['--trace=']])('%s is exit 2, naming the values', async (flag) => {
    const run = await runCommand(Sizes, [flag], {api: new FakeApi()})
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('headers, body')
  })

  it('a trace file that cannot be opened is exit 2 before the API is opened, naming the variable and the fix', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'velda-trace-')), 'missing', 'trace.jsonl')
    const factory = fakeFactory({api: new FakeApi(), env: {VELDA_DO_TRACE: path}})
    factory.openTraceFile = openTraceFile
    const run = await runCommand(Sizes, ['--trace'], factory)
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(`Error: $VELDA_DO_TRACE is ${JSON.stringify(path)}: cannot create it (ENOENT`)
    expect(run.stderr).toContain('give the path of a file in a directory you can write')
    expect(factory.connects).toEqual([])
  })
})
