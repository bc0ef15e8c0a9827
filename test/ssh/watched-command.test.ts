import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {watchedCommand} from '../../src/lib/ssh/remote-commands.js'
import {haveTool} from '../support/tools.js'

/**
 * The watched command as sshd runs it: the login shell's `-c`, in a session of its own (setsid, as sshd makes
 * one), stdin a pipe held open by this process (velda-do's hold on ssh's stdin).
 */
function runWatched(shell: string, command: string) {
  const child = spawn('setsid', [shell, '-c', watchedCommand(command)], {stdio: ['pipe', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const ended = new Promise<{status: number | null; stdout: string; stderr: string}>((resolve) => child.once('close', (status) => resolve({status, stdout, stderr})))
  return {child, ended, hangUp: () => child.stdin.end()}
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
})

describe.runIf(haveTool('shellcheck', 'shellcheck', 'shellcheck of the remote watchdog'))('the watchdog is clean POSIX sh', () => {
  it('shellcheck --shell=sh reports nothing', () => {
    const result = spawnSync('shellcheck', ['--shell=sh', '--severity=style', '-'], {input: watchedCommand(`echo 'it''s' "$HOME" | tr a-z A-Z`), encoding: 'utf8'})
    expect(result.stdout).toBe('')
    expect(result.status).toBe(0)
  })
})
