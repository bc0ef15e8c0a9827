import {spawn} from 'node:child_process'

import {sharedCloseWatch} from '../system/close-watch.js'
import {BoundedOutput, type OutputLimit, PROBE_OUTPUT_LIMIT} from './bounded-output.js'
import {sshSpawnArgs} from './ssh-program.js'

export interface SshRun {
  /** ssh's exit code: the remote command's, or 255 when ssh itself failed; null when killed. */
  status: number | null
  stdout: string
  stderr: string
  /** Ended by our timeout, not by ssh. */
  timedOut: boolean
  /** Ended by us because `signal` aborted while ssh still ran (not: it ended by itself as the stop came). */
  aborted: boolean
  /** Ended by us because it printed more than the limit allows (`overflow: 'stop'`): stdout and stderr are cut. */
  tooLarge: boolean
  /** Bytes of each stream dropped before what is kept (`overflow: 'tail'`); 0 when it is whole. */
  cutBytes: {stdout: number; stderr: number}
}

export interface SshRunOptions {
  timeoutMs: number
  signal?: AbortSignal
  ssh?: string
  /** How much of what the member prints is kept: the probe's 1 MiB, ended past it, unless told. */
  limit?: OutputLimit
  /**
   * `hold`: ssh's stdin is a pipe this process keeps open and never writes, so that the member sees EOF only when
   * ssh (or this process) is gone: what a remote watchdog (remote-commands.ts, watchedCommand) waits for.
   */
  stdin?: 'hold'
  /** The droplet this ssh reaches, named in the trace (`--trace`); not used to run it. */
  member?: string
}

/**
 * Runs one `ssh` (the system client), capturing its output within `limit`, ended after `timeoutMs`, when `signal`
 * aborts, or (`overflow: 'stop'`) when the member prints more than the limit: memory stays bounded whatever it prints.
 */
export function runSsh(args: readonly string[], options: SshRunOptions): Promise<SshRun> {
  const limit = options.limit ?? PROBE_OUTPUT_LIMIT
  return new Promise((resolve) => {
    // ssh starts with SIGINT and SIGHUP ignored, which OpenSSH keeps (see follow.ts): a terminal's Ctrl-C reaches
    // this process alone, which ends ssh itself (OpenSSH would exit 255 on it, as if the member had failed).
    const child = spawn(...sshSpawnArgs(options.ssh ?? 'ssh', args), {stdio: ['pipe', 'pipe', 'pipe']})
    child.stdin.on('error', () => {})
    if (options.stdin !== 'hold') child.stdin.end()
    const keep = limit.overflow === 'stop' ? 'head' : 'tail'
    const stdout = new BoundedOutput(limit.bytes, keep)
    const stderr = new BoundedOutput(limit.bytes, keep)
    let spawnError = ''
    let timedOut = false
    let tooLarge = false
    let aborted = false
    // Our ends of the pipes close too: whatever else holds them (a ProxyCommand, a stand-in's children) cannot
    // keep the run from ending, and nothing more is read.
    const end = () => {
      child.kill('SIGTERM')
      child.stdout.destroy()
      child.stderr.destroy()
    }
    const collect = (output: BoundedOutput) => (chunk: Buffer) => {
      if (output.push(chunk) || limit.overflow !== 'stop' || tooLarge) return
      tooLarge = true
      end()
    }
    child.stdout.on('data', collect(stdout))
    child.stderr.on('data', collect(stderr))
    const timer = setTimeout(() => {
      timedOut = true
      end()
    }, options.timeoutMs)
    const abort = () => {
      aborted = child.exitCode === null && child.signalCode === null
      end()
    }
    // One listener on the signal for all the ssh runs it stops (close-watch.ts): `pool ssh --all` on 16 members
    // would otherwise put 16 on it, and Node warns of a leak past 10.
    const unwatch = sharedCloseWatch(options.signal)(abort)
    child.once('error', (error) => {
      spawnError += `${error.message}\n`
    })
    child.once('close', (status) => {
      clearTimeout(timer)
      unwatch()
      child.stdin.destroy()
      const out = stdout.text()
      const err = stderr.text()
      resolve({
        status: child.exitCode === null && status === null ? null : status,
        stdout: out.text,
        stderr: err.text + spawnError,
        timedOut,
        aborted,
        tooLarge,
        cutBytes: {stdout: out.cutBytes, stderr: err.cutBytes},
      })
    })
  })
}

/** Runs `work` on each item, at most `limit` at a time, in the items' order in the result. */
export async function boundedMap<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index] as T)
    }
  }
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker))
  return results
}

/** A command's output as lines, without the empty one after its last newline. */
export function outputLines(text: string): string[] {
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  return lines
}
