import {spawn} from 'node:child_process'

export interface SshRun {
  /** ssh's exit code: the remote command's, or 255 when ssh itself failed; null when killed. */
  status: number | null
  stdout: string
  stderr: string
  /** Ended by our timeout, not by ssh. */
  timedOut: boolean
}

/** Runs one `ssh` (the system client), capturing its output, ended after `timeoutMs` or when `signal` aborts. */
export function runSsh(args: readonly string[], options: {timeoutMs: number; signal?: AbortSignal; ssh?: string}): Promise<SshRun> {
  return new Promise((resolve) => {
    const child = spawn(options.ssh ?? 'ssh', [...args], {stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGTERM')
    }, options.timeoutMs)
    const abort = () => child.kill('SIGTERM')
    options.signal?.addEventListener('abort', abort, {once: true})
    child.once('error', (error) => {
      stderr += `${error.message}\n`
    })
    child.once('close', (status) => {
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', abort)
      resolve({status: child.exitCode === null && status === null ? null : status, stdout, stderr, timedOut})
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
