import {spawn} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {cleanEnv} from '../support/cli.js'
import {veldaYaml} from '../support/configs.js'
import {CTRL_C, runOnPty} from '../support/pty.js'
import {expectNoSecrets, FAKE_TAILSCALE_KEY} from '../support/secrets.js'
import {type SimulatorProcess, startSimulatorProcess} from '../support/simulator-process.js'
import {haveTool} from '../support/tools.js'
import {installedCli, runInstalled} from './installed-cli.js'

/**
 * The signal matrix: every way of stopping velda-do (SIGINT, SIGTERM, SIGHUP sent with kill, and Ctrl-C typed at a
 * terminal while the spinner holds it in raw mode), in every phase that takes time (creating, waiting for active,
 * deleting), run through the installed package against `velda-do simulator`. Each cell checks: the exit code
 * (128 + the signal's number), that what exists afterwards is exactly what was reported, that the stop took effect
 * (fewer than all created or deleted), and that no secret was printed.
 *
 * Every stop is sent on an event: a line on stderr or on the terminal, or a request seen in the simulator's log.
 * The simulator's latency only makes each request last long enough for the stop to land while it is in flight.
 */

const CONFIG = veldaYaml([{
  name: 'cpu',
  droplet: {size: 's-2vcpu-4gb', region: 'nyc3', image: 'ubuntu-24-04-x64', ssh_key_ids: '[52896465]', tailscale_config: '{pre_auth_key: "${TS_KEY}"}'},
  scaler: {max_agents: 100},
}])
const configFile = join(mkdtempSync(join(tmpdir(), 'velda-e2e-config-')), 'velda.yaml')
writeFileSync(configFile, CONFIG)

type Signal = 'SIGINT' | 'SIGTERM' | 'SIGHUP'

interface Stop {
  name: string
  signal: Signal
  exit: number
  /** kill: the signal sent to the process (--json, pipes); pty: Ctrl-C typed at a terminal (the table output). */
  via: 'kill' | 'pty'
}

const STOPS: Stop[] = [
  {name: 'SIGINT (kill)', signal: 'SIGINT', exit: 130, via: 'kill'},
  {name: 'SIGTERM (kill)', signal: 'SIGTERM', exit: 143, via: 'kill'},
  {name: 'SIGHUP (kill)', signal: 'SIGHUP', exit: 129, via: 'kill'},
  {name: 'Ctrl-C typed (pty)', signal: 'SIGINT', exit: 130, via: 'pty'},
]

/** When to stop: once a line shows (stderr, or the terminal's screen), or once a request reached the API. */
type Trigger = {line: RegExp} | {request: {method: string; path: RegExp}}

interface Phase {
  name: string
  kind: 'up' | 'down'
  args: string[]
  /** Droplets of the pool that exist before the command (pool down). */
  seed: number
  /** What the command was asked to create or delete. */
  requested: number
  trigger: Trigger
  /** Whether the stop must leave some of the work undone (creating, deleting); waiting has nothing left to undo. */
  cutShort: boolean
  /** The simulator's free places for the phase (`POST /__sim/capacity`); no limit when absent. */
  capacity?: string[]
  /** A stop before a delete by tag is sent deletes nothing at all (a stop between per-droplet deletes, some). */
  deletesNone?: true
  /** Simulator faults set before the run. */
  faults?: Record<string, unknown>[]
}

const PHASES: Phase[] = [
  {
    name: 'during create',
    kind: 'up',
    args: ['pool', 'up', 'cpu', '-n', '30', '-c', configFile],
    seed: 0,
    requested: 30,
    // The first of the three POSTs has reached the API: it finishes, the two others are never sent.
    trigger: {request: {method: 'POST', path: /^\/v2\/droplets$/}},
    cutShort: true,
  },
  {
    name: 'during wait',
    kind: 'up',
    args: ['pool', 'up', 'cpu', '-n', '3', '--wait', '--poll-interval', '1s', '-c', configFile],
    seed: 0,
    requested: 3,
    trigger: {line: /0\/3 active/},
    cutShort: false,
  },
  {
    // 2 places free of 5 asked for: 2 created, then --retry-until-up waits for the other 3.
    name: 'waiting for capacity',
    kind: 'up',
    args: ['pool', 'up', 'cpu', '-n', '5', '--retry-until-up', '-c', configFile],
    seed: 0,
    requested: 5,
    trigger: {line: /2\/5 created, waiting for capacity/},
    cutShort: false,
    capacity: ['s-2vcpu-4gb@nyc3=2'],
  },
  {
    name: 'during delete',
    kind: 'down',
    args: ['pool', 'down', 'cpu', '--all', '--yes', '-c', configFile],
    seed: 60,
    requested: 60,
    trigger: {request: {method: 'DELETE', path: /^\/v2\/droplets\/\d+$/}},
    cutShort: true,
    // More than 20 go by a tag of the run's own; a token that may not make tags (403) has them deleted one by one.
    faults: [{method: 'POST', path: '/v2/tags', count: 0, action: {type: 'status', status: 403}}],
  },
  {
    name: 'between tagging and deleting',
    kind: 'down',
    args: ['pool', 'down', 'cpu', '--all', '--yes', '-c', configFile],
    seed: 60,
    requested: 60,
    // The droplets are being tagged for the delete by tag: the stop lands before it is sent.
    trigger: {request: {method: 'POST', path: /^\/v2\/tags\/velda-do-bulk-delete:[0-9a-f]{32}\/resources$/}},
    cutShort: true,
    deletesNone: true,
  },
]

let bin: string
let sim: SimulatorProcess
let prefix: string
let userDir: string
const matrix = new Map<string, Map<string, string>>()
let promptCell = 'not run'

beforeAll(async () => {
  bin = (await installedCli()).bin
  // Every answer takes 250ms, so a stop sent on an event lands while a request is in flight; droplets stay `new`.
  sim = await startSimulatorProcess(['--latency', '250ms', '--active-after', '1h'], bin)
  userDir = mkdtempSync(join(tmpdir(), 'velda-user-'))
  const validated = runInstalled(bin, ['config', 'validate', '--json', '-c', configFile], {TS_KEY: FAKE_TAILSCALE_KEY})
  prefix = (JSON.parse(validated.stdout) as {pools: {prefix: string}[]}).pools[0]?.prefix ?? ''
  expect(prefix).not.toBe('')
}, 240_000)

afterAll(async () => {
  await sim?.stop()
  const header = ['stop \\ phase', ...PHASES.map((p) => p.name)]
  const rows = STOPS.map((s) => [s.name, ...PHASES.map((p) => matrix.get(s.name)?.get(p.name) ?? 'not run')])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)))
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')
  console.log(`\nSignal matrix (installed package against velda-do simulator; exit code, then what was checked)\n${line(header)}\n${rows.map(line).join('\n')}\npool down prompt, Ctrl-C typed at "Delete these": ${promptCell}\n`)
})

let scriptChecked: boolean | undefined
function haveScript(): boolean {
  scriptChecked ??= haveTool('script', 'bsdutils', 'Ctrl-C typed at a terminal while the spinner runs')
  return scriptChecked
}

function env(): Record<string, string> {
  return {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, TS_KEY: FAKE_TAILSCALE_KEY}
}

type Droplet = {id: number; name: string}
type LogEntry = {method: string; path: string}

async function existing(): Promise<Droplet[]> {
  return (await sim.admin('GET', 'state')).droplets as Droplet[]
}

async function requestLog(): Promise<LogEntry[]> {
  return ((await sim.admin('GET', 'requests')) as {requests: LogEntry[]}).requests
}

/** Resolves once the simulator has received a request like `request`; rejects if `gone` settles first. */
async function requestSeen(request: {method: string; path: RegExp}, gone: Promise<unknown>): Promise<void> {
  let over = false
  void gone.then(() => (over = true))
  for (;;) {
    if ((await requestLog()).some((r) => r.method === request.method && request.path.test(r.path))) return
    if (over) throw new Error(`the command ended before ${request.method} ${request.path} reached the API`)
    // Polling the log: the event is a request arriving at the API, which only the simulator sees.
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

interface Outcome {
  status: number | null
  /** Everything printed: stdout and stderr (or the terminal's screen). */
  printed: string
  /** What the command reported it created or deleted, and what it reported as not done. */
  done: Droplet[]
  notDone: {name: string; error: string}[]
  checks: string[]
}

/** --json, pipes, and the signal sent with kill once the trigger fires. */
async function runKilled(phase: Phase, stop: Stop): Promise<Outcome> {
  const child = spawn(bin, [...phase.args, '--json'], {cwd: userDir, env: cleanEnv(env()), stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve))
  const fired =
    'line' in phase.trigger
      ? new Promise<void>((resolve, reject) => {
          const pattern = phase.trigger as {line: RegExp}
          child.stderr.on('data', (chunk: Buffer) => {
            stderr += chunk.toString()
            if (pattern.line.test(stderr)) resolve()
          })
          void closed.then(() => reject(new Error(`the command ended before stderr showed ${pattern.line}:\n${stderr}`)))
        })
      : (child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString())), requestSeen(phase.trigger.request, closed))
  await fired
  child.kill(stop.signal)
  const status = await closed
  const checks: string[] = []
  const json = JSON.parse(stdout) as {
    created?: Droplet[]
    deleted?: Droplet[]
    failed?: {name: string; error: string}[]
    error?: {code: string; signal?: string; message: string}
  }
  expect(json.error?.code, stdout).toBe('interrupted')
  expect(json.error?.signal).toBe(stop.signal)
  checks.push(`json interrupted/${stop.signal}`)
  return {status, printed: stdout + stderr, done: (phase.kind === 'up' ? json.created : json.deleted) ?? [], notDone: json.failed ?? [], checks}
}

/** No --json, on a terminal: Ctrl-C typed while the spinner runs; the report is read from stdout and the screen. */
async function runTyped(phase: Phase): Promise<Outcome> {
  const session = runOnPty(phase.args, env(), {bin, cwd: userDir, unset: ['CI']})
  if ('line' in phase.trigger) await session.waitFor(phase.trigger.line)
  else await requestSeen(phase.trigger.request, session.exited)
  session.type(CTRL_C)
  const {status, stdout} = await session.exited
  const screen = session.screen()
  const checks: string[] = []
  // The stop came while the spinner held the terminal (raw mode): the case where Ctrl-C is a byte, not a signal.
  expect(screen, screen).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/)
  checks.push('spinner ran')
  expect(screen).not.toMatch(/internal error/i)
  // A stop the user asked for reads as a stop (⚠ stopped: …), not as a failed create or delete (✖ created 30 of 30).
  // eslint-disable-next-line no-control-regex -- the mark is coloured on a terminal
  expect(screen).toMatch(/⚠(\x1b\[\d+m)? stopped: \d+ of \d+ droplets? (created|deleted), listed below/)
  expect(screen).not.toMatch(/✖/)
  checks.push('⚠ stopped')
  let done: Droplet[]
  let notDone: {name: string; error: string}[] = []
  if (phase.kind === 'up') {
    done = tableNames(stdout).map((name) => ({id: 0, name}))
    notDone = [...withoutEscapes(screen).matchAll(/not created: (\S+): ([^\n]+)/g)].map((m) => ({name: m[1] ?? '', error: m[2] ?? ''}))
    checks.push('table')
  } else {
    done = [...stdout.matchAll(/^deleted (\S+) \((\d+)\)$/gm)].map((m) => ({id: Number(m[2]), name: m[1] ?? ''}))
    checks.push(`stdout: ${done.length} "deleted" lines`)
  }
  return {status, printed: stdout + screen, done, notDone, checks}
}

/** Text as read on the screen: colours and cursor moves left out. */
function withoutEscapes(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '\n')
}

/** The NAME column of the droplet table on stdout. */
function tableNames(stdout: string): string[] {
  // eslint-disable-next-line no-control-regex
  const lines = stdout.replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter((l) => l.trim() !== '')
  const header = lines.findIndex((l) => /^POOL\s+NAME\s+ID\b/.test(l))
  if (header < 0) return []
  return lines.slice(header + 1).map((l) => l.trim().split(/\s+/)[1] ?? '')
}

describe('the signal matrix, through the installed package', () => {
  const cells = STOPS.flatMap((stop) => PHASES.map((phase) => ({stop, phase})))
  it.for(cells.map((c) => [c.stop.name, c.phase.name, c] as const))('%s %s', async ([, , {stop, phase}], ctx) => {
    if (stop.via === 'pty' && !haveScript()) {
      row(stop.name).set(phase.name, 'skipped: no util-linux script')
      ctx.skip()
    }
    await sim.admin('POST', 'reset')
    if (phase.capacity) await sim.admin('POST', 'capacity', {capacity: phase.capacity})
    if (phase.seed > 0) await sim.admin('POST', 'droplets', {count: phase.seed, namePrefix: prefix, tags: ['velda', 'velda-pool:cpu']})
    for (const fault of phase.faults ?? []) await sim.admin('POST', 'faults', fault)
    const before = await existing()

    const checks: string[] = []
    // What is being checked, so that a failed cell says in the matrix which invariant broke.
    let step = 'the run'
    try {
      const outcome = stop.via === 'kill' ? await runKilled(phase, stop) : await runTyped(phase)
      step = `exit ${stop.exit}`
      expect(outcome.status, outcome.printed).toBe(stop.exit)
      checks.push(`exit ${outcome.status}`, ...outcome.checks)

      const after = await existing()
      if (phase.kind === 'up') {
        const created = outcome.done.map((d) => d.name).sort()
        step = 'existing = reported created'
        expect(after.map((d) => d.name).sort(), outcome.printed).toEqual(created)
        step = 'created + failed = requested'
        expect(created.length + outcome.notDone.length, outcome.printed).toBe(phase.requested)
        // The last word of a stop that leaves droplets: what they bill, and the pool down that deletes them (the
        // pool was empty before: --all; with the -c typed, to paste as it is), on the terminal and beside --json alike.
        step = 'what bills, said last'
        const running = created.length === 1 ? '1 droplet is running' : `${created.length} droplets are running`
        const config = configFile.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')
        expect(withoutEscapes(outcome.printed)).toMatch(new RegExp(`^${running} \\(\\$[0-9.]+/h\\): velda-do pool down cpu --all -c ${config}$`, 'm'))
        checks.push('what bills')
        if (phase.cutShort) {
          step = 'fewer than all created, the rest not attempted'
          expect(created.length).toBeLessThan(phase.requested)
          expect(outcome.notDone.every((f) => f.error === 'not attempted: interrupted'), outcome.printed).toBe(true)
          checks.push(`${created.length} created = existing, ${outcome.notDone.length} not attempted`)
        } else {
          checks.push(`${created.length} created = existing`)
        }
      } else {
        const deleted = new Set(outcome.done.map((d) => d.name))
        step = `existing = before - reported deleted (${before.length - after.length} gone, ${deleted.size} reported)`
        expect(after.map((d) => d.name).sort(), outcome.printed).toEqual(before.filter((d) => !deleted.has(d.name)).map((d) => d.name).sort())
        step = phase.deletesNone ? 'none deleted' : 'fewer than all deleted'
        if (phase.deletesNone) expect(deleted.size, outcome.printed).toBe(0)
        else expect(deleted.size).toBeGreaterThan(0)
        expect(deleted.size).toBeLessThan(phase.requested)
        if (stop.via === 'kill') {
          step = 'deleted + failed = requested, the rest not attempted'
          expect(deleted.size + outcome.notDone.length).toBe(phase.requested)
          expect(outcome.notDone.every((f) => f.error === 'not attempted: interrupted'), outcome.printed).toBe(true)
          checks.push(`${deleted.size} deleted = gone, ${outcome.notDone.length} not attempted`)
        } else {
          checks.push(`${deleted.size} deleted = gone`)
        }
      }
      step = 'no secret'
      expectNoSecrets(outcome.printed)
      expect(outcome.printed).not.toContain(sim.token)
      checks.push('no secret')
      row(stop.name).set(phase.name, checks.join(', '))
    } catch (error) {
      row(stop.name).set(phase.name, `FAILED: ${step}${checks.length > 0 ? ` (passed: ${checks.join(', ')})` : ''}`)
      throw error
    }
  })
})

function row(stop: string): Map<string, string> {
  if (!matrix.has(stop)) matrix.set(stop, new Map())
  return matrix.get(stop) as Map<string, string>
}

describe('pool down at its confirmation prompt, on a terminal', () => {
  it('takes a typed Ctrl-C as a cancel: exit 130, nothing deleted, said plainly', async (ctx) => {
    if (!haveScript()) {
      promptCell = 'skipped: no util-linux script'
      ctx.skip()
    }
    promptCell = 'FAILED'
    await sim.admin('POST', 'reset')
    await sim.admin('POST', 'droplets', {count: 3, namePrefix: prefix, tags: ['velda', 'velda-pool:cpu']})
    const before = await existing()
    const session = runOnPty(['pool', 'down', 'cpu', '--all', '-c', configFile], env(), {bin, cwd: userDir, unset: ['CI']})
    await session.waitFor(/Delete these 3 droplets of pool cpu\? \[y\/N\]/)
    session.type(CTRL_C)
    const {status, stdout} = await session.exited
    const screen = session.screen()
    expect(status, screen).toBe(130)
    expect(screen).toMatch(/cancelled at the prompt: nothing was deleted/)
    // A cancel is not a failure: no "Error:", and above all no "internal error (a bug in velda-do)".
    expect(screen).not.toMatch(/internal error|Error:/i)
    expect((await requestLog()).filter((r) => r.method === 'DELETE')).toEqual([])
    expect(await existing()).toEqual(before)
    expectNoSecrets(stdout + screen)
    expect(stdout + screen).not.toContain(sim.token)
    promptCell = 'exit 130, "cancelled at the prompt: nothing was deleted" shown, no internal error, no DELETE sent, state unchanged, no secret'
  })
})
