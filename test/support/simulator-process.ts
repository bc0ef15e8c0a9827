import {type ChildProcess, spawn} from 'node:child_process'
import {createInterface} from 'node:readline'

import {BIN} from './cli.js'
import {simAdmin} from './sim-admin.js'

export interface SimulatorProcess {
  url: string
  token: string
  /** Calls the admin API under /__sim/. */
  admin(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>
  stop(): Promise<void>
}

/** `velda-do simulator --json` in a child process, as a user or a CI script runs it (with `node`: this one's when absent). */
export async function startSimulatorProcess(args: string[] = [], bin = BIN, node = process.execPath): Promise<SimulatorProcess> {
  const child: ChildProcess = spawn(node, [bin, 'simulator', '--json', '--quiet', ...args], {stdio: ['ignore', 'pipe', 'pipe']})
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({input: child.stdout!})
    lines.once('line', resolve)
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code}) before it started: ${stderr}`)))
    // A node that cannot be started (ENOENT) never exits: without this the test would wait out its hook's limit.
    child.once('error', (error) => reject(new Error(`the simulator could not be started with ${node}: ${error.message}`)))
  })
  const {url, token} = JSON.parse(firstLine) as {url: string; token: string}
  return {
    url,
    token,
    admin: (method, path, body) => simAdmin({url, token}, method, path, body),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGINT')
      }),
  }
}
