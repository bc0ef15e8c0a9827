import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Readable} from 'node:stream'

import {describe, expect, it} from 'vitest'

import {watchedCommand} from '../../src/lib/ssh/remote-commands.js'
import {haveTool} from '../support/tools.js'

/**
 * The watched command as sshd runs it: the login shell's `-c`, in a session of its own (setsid, as sshd makes
 * one), stdin a pipe held open by this process (velda-do's hold on ssh's stdin).
 */
function runWatched(shell: string, command: string) {
  // fd 5, a pipe this process reads, is held by the shell and all it starts that keeps it (the watchdog does): its
  // EOF says they are all gone.
  const child = spawn('setsid', [shell, '-c', watchedCommand(command)], {stdio: ['pipe', 'pipe', 'pipe', 'ignore', 'ignore', 'pipe']})
  const watcher = (child.stdio as unknown as Readable[])[5]!
  const [stdin, stdoutStream, stderrStream] = [child.stdin!, child.stdout!, child.stderr!]
  watcher.resume()
  const allGone = new Promise<void>((resolve) => watcher.once('close', () => resolve()))
  let stdout = ''
  let stderr = ''
  stdoutStream.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  stderrStream.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const ended = new Promise<{status: number | null; stdout: string; stderr: string}>((resolve) => child.once('close', (status) => resolve({status, stdout, stderr})))
  return {child, ended, allGone, hangUp: () => stdin.end()}
}

/** Whether `pid` runs: it exists and is not a zombie (an orphan's end may not have been collected yet). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    return !/^\d+ \(.*\) Z /s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return process.platform !== 'linux'
  }
}

const shells = ['sh', 'bash'].filter((shell) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0)

describe.each(shells)('the watchdog around a remote command (login shell %s)', (shell) => {
  it('leaves the command as it was: parsed by the login shell, stdout and stderr apart, stdin empty, $? its exit status', async () => {
    const run = runWatched(shell, `echo 'a  b' "$(echo c)"; read -r line || echo no-input; echo oops >&2; exit 7`)
    const ended = await run.ended
    expect(ended).toEqual({status: 7, stdout: 'a  b c\nno-input\n', stderr: 'oops\n'})
    run.hangUp()
  })

  it('ends the command and all it started when the connection\'s stdin reaches EOF: the marker is never written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'velda-watchdog-'))
    // The command and its child hold a FIFO while they run: its reader ends (EOF) once both are gone.
    const fifo = join(dir, 'held')
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0)
    const reader = spawn('cat', [fifo], {stdio: ['ignore', 'pipe', 'ignore']})
    const started = new Promise<void>((resolve) => reader.stdout.once('data', () => resolve()))
    const gone = new Promise<void>((resolve) => reader.once('close', () => resolve()))
    const run = runWatched(shell, `exec 9>${fifo}; echo started >&9; sh -c 'sleep 60'; touch ${dir}/marker`)
    await started
    run.hangUp()
    await gone
    expect((await run.ended).status).not.toBe(0)
    expect(existsSync(join(dir, 'marker'))).toBe(false)
  })

  it.each([['exit 3', 3], ['false', 1], ['(exit 4); echo $? >/dev/null', 0]])('exits as the command did: `%s` gives %i', async (command, status) => {
    const run = runWatched(shell, command)
    expect((await run.ended).status).toBe(status)
    run.hangUp()
    await run.allGone
  })

  // A job the command leaves running on purpose (nohup ... &) outlives the connection, as without the watchdog; the
  // command cannot stop the watchdog being ended when it ends: neither its own EXIT trap nor exec replaces that.
  it.each([
    ['its own EXIT trap', `trap 'echo cleanup' EXIT`, 'cleanup\n'],
    ['exec', 'exec echo replaced', 'replaced\n'],
  ])('leaves a nohup\'d job alive after the command ends, with %s, and then the connection', async (_, ending, stdout) => {
    const dir = mkdtempSync(join(tmpdir(), 'velda-watchdog-'))
    const pidFile = join(dir, 'job.pid')
    const job = `nohup sleep 60 >/dev/null 2>&1 5>&- & echo $! >${pidFile}`
    const run = runWatched(shell, ending.startsWith('trap') ? `${ending}; ${job}` : `${job}; ${ending}`)
    const ended = await run.ended
    // Written by the command before it ended.
    const pid = Number(readFileSync(pidFile, 'utf8').trim())
    try {
      expect(ended).toEqual({status: 0, stdout, stderr: ''})
      run.hangUp()
      // The shell and the watchdog are gone (whatever the watchdog did at EOF, it did it before it went).
      await run.allGone
      expect(isRunning(pid)).toBe(true)
    } finally {
      if (Number.isSafeInteger(pid)) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // Already gone.
        }
      }
    }
  })
})

describe.runIf(haveTool('shellcheck', 'shellcheck', 'shellcheck of the remote watchdog'))('the watchdog is clean POSIX sh', () => {
  it('shellcheck --shell=sh reports nothing', () => {
    const result = spawnSync('shellcheck', ['--shell=sh', '--severity=style', '-'], {input: watchedCommand(`echo 'it''s' "$HOME" | tr a-z A-Z`), encoding: 'utf8'})
    expect(result.stdout).toBe('')
    expect(result.status).toBe(0)
  })
})
