import {describe, expect, it} from 'vitest'

import {createTracer, tracedSsh, withTraceValue} from '../../src/lib/cli/trace.js'
import type {SshRunners} from '../../src/lib/cli/factory.js'
import {sshAnswer} from '../support/command.js'

describe('--trace on the command line', () => {
  it.each([
    [['sizes', '--trace'], ['sizes', '--trace=headers']],
    [['sizes', '--trace=body'], ['sizes', '--trace=body']],
    [['sizes', '--trace=headers', '--json'], ['sizes', '--trace=headers', '--json']],
    // Its values after a space too, as oclif reads any flag's; any other word is the command's argument.
    [['pool', 'up', '--trace', 'body', 'gpu'], ['pool', 'up', '--trace', 'body', 'gpu']],
    [['pool', 'up', '--trace', 'gpu'], ['pool', 'up', '--trace=headers', 'gpu']],
    [['sizes', '--trace', '--json'], ['sizes', '--trace=headers', '--json']],
    // After `--` it is the remote command's own word.
    [['gpu', '--trace', '--', 'grep', '--trace'], ['gpu', '--trace=headers', '--', 'grep', '--trace']],
    [['gpu', '--', '--trace'], ['gpu', '--', '--trace']],
  ])('%j is parsed as %j', (argv, parsed) => {
    expect(withTraceValue(argv)).toEqual(parsed)
  })
})

describe('the tracer', () => {
  it('is not made when neither --trace nor $VELDA_DO_TRACE asks for one', () => {
    expect(createTracer({mode: null, file: null, writeLine: () => {}, redact: (text) => text})).toBeNull()
  })

  it('writes the file alone without --trace: nothing on stderr', () => {
    const lines: string[] = []
    const written: string[] = []
    const tracer = createTracer({mode: null, file: {append: (line) => lines.push(line), close: () => {}}, writeLine: (text) => written.push(text), redact: (text) => text})
    tracer?.ssh({startedAt: 0, member: 'm', address: '127.1.0.2', argv: ['ssh'], exitCode: 0, stdoutBytes: 0, stderrBytes: 0, durationMs: 1})
    expect(written).toEqual([])
    expect(lines.map((line) => JSON.parse(line).kind)).toEqual(['ssh'])
  })

  it('times each ssh run and counts what the member printed, the bytes cut included', async () => {
    let clock = 1000
    const told: unknown[] = []
    const tracer = {http: () => {}, ssh: (exchange: unknown) => told.push(exchange), close: () => {}}
    const runners: SshRunners = {
      run: async () => {
        clock += 25
        return sshAnswer({status: 3, stdout: 'héllo', stderr: 'x', cutBytes: {stdout: 100, stderr: 0}})
      },
      interactive: async () => 7,
      follow: async () => ({status: 0, signal: null, bytes: {stdout: 12, stderr: 1}}),
    }
    const ssh = tracedSsh(runners, tracer, () => clock)
    const args = ['-o', 'LogLevel=ERROR', '-l', 'root', '--', '127.1.0.2', 'uptime']
    expect((await ssh.run(args, {timeoutMs: 1000, member: 'velda-a-1'})).status).toBe(3)
    expect(await ssh.interactive(args, {member: 'velda-a-2'})).toBe(7)
    await ssh.follow(args, {signal: new AbortController().signal, stdout: process.stdout, stderr: process.stderr})
    expect(told).toEqual([
      {startedAt: 1000, member: 'velda-a-1', address: '127.1.0.2', argv: ['ssh', ...args], exitCode: 3, stdoutBytes: 106, stderrBytes: 1, durationMs: 25},
      {startedAt: 1025, member: 'velda-a-2', address: '127.1.0.2', argv: ['ssh', ...args], exitCode: 7, stdoutBytes: null, stderrBytes: null, durationMs: 0},
      {startedAt: 1025, member: null, address: '127.1.0.2', argv: ['ssh', ...args], exitCode: 0, stdoutBytes: 12, stderrBytes: 1, durationMs: 0},
    ])
  })
})
