import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {BIN, cleanEnv} from './cli.js'

/** The byte a terminal sends when Ctrl-C is typed. */
export const CTRL_C = '\x03'

export interface PtySession {
  /** Types bytes at the terminal, as a user's keyboard does. */
  type(bytes: string): void
  /** Everything the terminal showed so far: stderr and the prompt, and stdout when it goes to the terminal. */
  screen(): string
  /** Resolves when the screen shows `pattern`; fails after `timeoutMs` with what was shown. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>
  /** The exit code and the command's stdout. */
  exited: Promise<{status: number | null; stdout: string}>
}

export interface PtyOptions {
  /** The velda-do to run (an installed package's bin); the built bin/run.js when absent. */
  bin?: string
  /** The working directory; this process's when absent. */
  cwd?: string
  /** Variables to remove from the environment, e.g. CI (with it, ora draws no spinner: not a user's terminal). */
  unset?: string[]
  /** Where stdout goes: a file (the default; `exited` has it), or the terminal, as for a user watching a stream. */
  stdout?: 'file' | 'terminal'
  /** The terminal's width: 120 when absent. */
  columns?: number
}

/**
 * Runs the built CLI on a real pseudo-terminal (util-linux `script`), with stdin and stderr on the terminal and
 * stdout in a file: what a user at a keyboard sees, spinner and raw-mode prompt included. A Ctrl-C typed here is
 * a byte on the terminal, not a signal: only a program that reads it, or a terminal in cooked mode, stops.
 */
export function runOnPty(args: string[], env: Record<string, string | undefined>, options: PtyOptions = {}): PtySession {
  return runProgramOnPty([process.execPath, options.bin ?? BIN, ...args], env, options)
}

/** Any program on a real pseudo-terminal, as runOnPty runs velda-do (`ssh -t` to a simulated host, say). */
export function runProgramOnPty(argv: string[], env: Record<string, string | undefined>, options: Omit<PtyOptions, 'bin'> = {}): PtySession {
  const stdoutFile = join(mkdtempSync(join(tmpdir(), 'velda-pty-')), 'stdout')
  const command = argv.map(shellWord).join(' ')
  // A fresh pty has no size; a real terminal has one, and the spinner needs it.
  const redirect = options.stdout === 'terminal' ? '' : ` > ${shellWord(stdoutFile)}`
  const script = `stty cols ${options.columns ?? 120} rows 40; exec ${command}${redirect}`
  const childEnv = cleanEnv({...env, TERM: 'xterm-256color'})
  for (const name of options.unset ?? []) Reflect.deleteProperty(childEnv, name)
  const child = spawn('script', ['--quiet', '--flush', '--return', '--command', script, '/dev/null'], {
    env: childEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.cwd ? {cwd: options.cwd} : {}),
  })
  let screen = ''
  const watchers = new Set<() => void>()
  child.stdout.on('data', (chunk: Buffer) => {
    screen += chunk.toString()
    for (const watcher of watchers) watcher()
  })
  const exited = new Promise<{status: number | null; stdout: string}>((resolve) => {
    child.once('close', (status) => resolve({status, stdout: options.stdout === 'terminal' ? '' : readFileSync(stdoutFile, 'utf8')}))
  })
  return {
    type: (bytes) => child.stdin.write(bytes),
    screen: () => screen,
    // Under the test's own limit (vitest.config.ts), so that a screen that never shows the pattern is what a failure
    // reports; minutes, since a busy machine can take that long to start the command and draw its first lines.
    waitFor: (pattern, timeoutMs = 100_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!pattern.test(screen)) return
          cleanup()
          resolve()
        }
        const timer = setTimeout(() => {
          cleanup()
          reject(new Error(`the terminal never showed ${pattern}; it showed:\n${screen}`))
        }, timeoutMs)
        const cleanup = () => {
          clearTimeout(timer)
          watchers.delete(check)
        }
        watchers.add(check)
        check()
      }),
    exited,
  }
}

function shellWord(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`
}
