import {existsSync, mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {runSsh} from '../../src/lib/ssh/run.js'

/** A stand-in for ssh: `sh -c SCRIPT`, so that what "the member" prints is the script's output. */
const member = (script: string, options: Omit<Parameters<typeof runSsh>[1], 'ssh'>) => runSsh(['-c', script], {...options, ssh: 'sh'})

describe('runSsh keeps what a member prints within a limit', () => {
  it('a member that prints without end is ended past the limit (overflow stop): tooLarge, at most the limit kept', async () => {
    const run = await member('yes "a hostile member prints this forever"', {timeoutMs: 60_000, limit: {bytes: 64 * 1024, overflow: 'stop'}})
    expect(run.tooLarge).toBe(true)
    expect(run.timedOut).toBe(false)
    expect(Buffer.byteLength(run.stdout)).toBeLessThanOrEqual(64 * 1024)
  })

  it('the probe\'s 1 MiB is the limit unless told: 2 MiB of answer is too large', async () => {
    const run = await member('head -c 2097152 /dev/zero', {timeoutMs: 60_000})
    expect(run.tooLarge).toBe(true)
    expect(run.stdout.length).toBeLessThanOrEqual(1024 * 1024)
  })

  it('overflow tail: the run ends by itself, the last bytes are kept from a whole line, and what was cut is counted', async () => {
    const run = await member('seq 1 200000; echo the-end >&2', {timeoutMs: 60_000, limit: {bytes: 4096, overflow: 'tail'}})
    expect(run.status).toBe(0)
    expect(run.tooLarge).toBe(false)
    const lines = run.stdout.split('\n')
    expect(lines.at(-2)).toBe('200000')
    // The first line kept is a whole number, the one after the last line cut.
    const first = Number(lines[0])
    expect(lines.slice(0, -1)).toEqual(Array.from({length: 200000 - first + 1}, (_, i) => String(first + i)))
    const total = Buffer.byteLength(Array.from({length: 200000}, (_, i) => `${i + 1}\n`).join(''))
    expect(run.cutBytes.stdout + Buffer.byteLength(run.stdout)).toBe(total)
    expect(Buffer.byteLength(run.stdout)).toBeLessThanOrEqual(4096)
    expect([run.stderr, run.cutBytes.stderr]).toEqual(['the-end\n', 0])
  })

  it('output within the limit is whole, and says nothing was cut', async () => {
    const run = await member('printf "one\\ntwo\\n"', {timeoutMs: 60_000, limit: {bytes: 4096, overflow: 'tail'}})
    expect([run.stdout, run.cutBytes, run.tooLarge]).toEqual(['one\ntwo\n', {stdout: 0, stderr: 0}, false])
  })
})

describe('runSsh and stop signals', () => {
  it('a Ctrl-C that reaches ssh too (the terminal signals the whole group) does not end it: ssh starts with SIGINT and SIGHUP ignored', async () => {
    // A stand-in for ssh that, like OpenSSH, exits 255 on SIGINT (or SIGHUP) unless it was ignored when it started,
    // and sends itself the terminal's Ctrl-C and hangup.
    const run = await member('trap "exit 255" INT HUP; kill -INT $$; kill -HUP $$; echo survived', {timeoutMs: 60_000})
    expect([run.status, run.stdout, run.aborted]).toEqual([0, 'survived\n', false])
  })

  it('aborted: the stop ended that ssh', async () => {
    const stop = new AbortController()
    const run = member('echo running; exec sleep 600', {timeoutMs: 60_000, signal: stop.signal})
    stop.abort()
    expect(await run).toMatchObject({status: null, aborted: true})
  })

  it('not aborted: an ssh that had finished by itself as the stop came (its output still being read) is not reported stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'velda-run-'))
    const stop = new AbortController()
    // It exits at once, but what it left in the background holds its stdout open: the run has not ended yet.
    const run = member(`echo $$ > ${dir}/pid; sleep 600 & echo $! > ${dir}/holder; exit 0`, {timeoutMs: 60_000, signal: stop.signal})
    try {
      // Gone from /proc: reaped, so this process knows how it ended (Node reaps and records in one step).
      while (!existsSync(join(dir, 'holder')) || existsSync(`/proc/${readFileSync(join(dir, 'pid'), 'utf8').trim()}`)) await new Promise((resolve) => setTimeout(resolve, 10))
      stop.abort()
      expect(await run).toMatchObject({status: 0, aborted: false})
    } finally {
      process.kill(Number(readFileSync(join(dir, 'holder'), 'utf8')), 'SIGKILL')
    }
  })
})

describe('runSsh on one stop signal shared by many members', () => {
  it('16 runs on one signal put one listener on it (no MaxListenersExceededWarning), and an abort still ends them all', async () => {
    const warnings: Error[] = []
    const onWarning = (warning: Error) => warnings.push(warning)
    process.on('warning', onWarning)
    try {
      const aborted = new AbortController()
      const runs = Array.from({length: 16}, () => member('exec sleep 600', {timeoutMs: 600_000, signal: aborted.signal}))
      aborted.abort()
      const ended = await Promise.all(runs)
      expect(ended.map((run) => [run.status, run.timedOut])).toEqual(Array.from({length: 16}, () => [null, false]))
      // A warning is emitted on the next tick: one more turn, and it would be here.
      await new Promise((resolve) => setImmediate(resolve))
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([])
    } finally {
      process.off('warning', onWarning)
    }
  })
})
