import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'

import {describe, expect, it} from 'vitest'

import {Replay} from '../../src/lib/simulator/replay.js'
import {startSimulator} from '../../src/lib/simulator/server.js'
import {readTraceFile} from '../../src/lib/simulator/trace-file.js'
import {BIN, PROJECT_ROOT} from '../support/cli.js'
import {runInProcess} from '../support/in-process-cli.js'
import {simAdmin} from '../support/sim-admin.js'

/**
 * The committed traces (test/fixtures/traces/, README.md there: made by scripts/record-trace.mjs against the
 * simulator with faults) replayed by `simulator --replay`: each command exits and prints as it did when the trace was
 * recorded, and the trace is answered to its end without a mismatch. A trace edited by hand fails with a one-line
 * diff, said by the client and by the simulator.
 */

const TRACES = join(PROJECT_ROOT, 'test', 'fixtures', 'traces')
const CONFIG = join(TRACES, 'velda.yaml')
/** Not the token the traces were recorded with (which they hold as <redacted>): the replay does not check it. */
const OTHER_TOKEN = `dop_v1_${'0'.repeat(64)}`

interface RecordedRun {
  recorded_against: string
  commands: {argv: string[]; exit: number; stdout: string; stderr: string}[]
}

const argvOf = (argv: string[]) => argv.map((arg) => (arg === 'velda.yaml' ? CONFIG : arg))

/**
 * What may differ between the recording and a replay: the simulator's address, the config's path, the droplet names pool up draws at
 * random (numbered in order of appearance), and how long a wait until an epoch time (ratelimit-reset) is, which
 * depends on the moment within a second (the waits are compared apart, see waitsOf).
 */
function normalized(text: string, endpoint: string): string {
  const names = new Map<string, string>()
  return text
    .replaceAll(new URL(endpoint).host, '<simulator>')
    // The config is given as velda.yaml when recorded, by its path when replayed (argvOf): a warning names it.
    .replaceAll(CONFIG, 'velda.yaml')
    .replaceAll(/velda-[0-9a-f]{8}-[a-z0-9]{5}\b/g, (name) => names.get(name) ?? names.set(name, `<droplet ${names.size + 1}>`).get(name) ?? name)
    .replaceAll(/waiting \d+\.\ds/g, 'waiting <s>')
}
const waitsOf = (stderr: string) => [...stderr.matchAll(/waiting (\d+\.\d)s/g)].map((match) => Number(match[1]))

describe('the committed traces, replayed', () => {
  it.each(['pool-up-ambiguous', 'pool-down-all', 'sizes-429-storm'])('%s: every command exits and prints as when it was recorded; the trace is answered to its end', async (name) => {
    const recorded = JSON.parse(readFileSync(join(TRACES, `${name}.run.json`), 'utf8')) as RecordedRun
    const replay = new Replay(readTraceFile(join(TRACES, `${name}.jsonl`)))
    const said: string[] = []
    const sim = await startSimulator({replay, onError: (line) => said.push(line)})
    try {
      for (const command of recorded.commands) {
        const result = await runInProcess(argvOf(command.argv), {env: {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: OTHER_TOKEN}})
        expect(result.status, result.stdout + result.stderr).toBe(command.exit)
        expect(normalized(result.stdout, sim.url)).toBe(normalized(command.stdout, recorded.recorded_against))
        expect(normalized(result.stderr, sim.url)).toBe(normalized(command.stderr, recorded.recorded_against))
        // Each wait as long as recorded, within the second an epoch time (ratelimit-reset) leaves open.
        const waits = waitsOf(result.stderr)
        waitsOf(command.stderr).forEach((wait, i) => expect(Math.abs((waits[i] ?? -9) - wait), `wait ${i + 1}`).toBeLessThanOrEqual(1))
      }
    } finally {
      await sim.close()
    }
    expect(said).toEqual([])
    expect(replay.report()).toMatchObject({ended: true, mismatch_count: 0, notes: []})
  })
})

describe('the committed traces themselves', () => {
  it.each(['pool-up-ambiguous', 'pool-down-all', 'sizes-429-storm'])('%s: holds no secret (a re-recording must not add one)', (name) => {
    for (const file of [`${name}.jsonl`, `${name}.run.json`]) expect(readFileSync(join(TRACES, file), 'utf8')).not.toMatch(/dop_v1_[0-9a-f]{64}|tskey-|authorization/i)
  })
})

describe('a trace edited by hand', () => {
  it('fails: `velda-do simulator --replay` answers 501 with a one-line diff, which the client prints, the simulator says and GET /__sim/replay reports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'velda-replay-'))
    const edited = join(dir, 'edited.jsonl')
    const lines = readFileSync(join(TRACES, 'pool-down-all.jsonl'), 'utf8').split('\n')
    // Line 2 is pool down's listing of the pool: as if velda-do had asked for pages of 100.
    expect(lines[1]).toContain('/v2/droplets?page=1&per_page=200&tag_name=velda')
    lines[1] = (lines[1] as string).replace('per_page=200', 'per_page=100')
    writeFileSync(edited, lines.join('\n'))

    const child = spawn(process.execPath, [BIN, 'simulator', '--json', '--replay', edited], {stdio: ['ignore', 'pipe', 'pipe']})
    let simulatorStderr = ''
    child.stderr.on('data', (chunk: Buffer) => (simulatorStderr += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    try {
      const first = await new Promise<string>((resolve, reject) => {
        createInterface({input: child.stdout}).once('line', resolve)
        child.once('exit', (code) => reject(new Error(`the simulator exited (${code}): ${simulatorStderr}`)))
      })
      const sim = JSON.parse(first) as {url: string; token: string}
      const result = await runInProcess(argvOf(['pool', 'down', 'cpu', '--all', '--yes', '-c', 'velda.yaml']), {env: {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: OTHER_TOKEN}})
      const diff = 'replay mismatch at edited.jsonl:2: expected GET /v2/droplets?page=1&per_page=100&tag_name=velda, got GET /v2/droplets?page=1&per_page=200&tag_name=velda (query per_page: expected 100, got 200)'
      expect(result.status).toBe(3)
      expect(result.stderr).toContain(`DigitalOcean answered 501 replay_mismatch to GET /v2/droplets?page=1&per_page=200&tag_name=velda: ${diff}`)
      const report = (await simAdmin(sim, 'GET', 'replay')) as {answered: number; next: unknown; mismatch_count: number; mismatches: {line: number; message: string}[]}
      expect(report).toMatchObject({answered: 1, next: {line: 2, request: 'GET /v2/droplets?page=1&per_page=100&tag_name=velda'}})
      // pool down's listing is a GET, retried as a 5xx is: every attempt got the same answer.
      expect(report.mismatch_count).toBeGreaterThanOrEqual(1)
      expect(new Set(report.mismatches.map((m) => m.message))).toEqual(new Set([diff]))
      expect(simulatorStderr).toContain(`velda-do simulator: ${diff}\n`)
      // The admin API still wants the simulator's token: a replay does not check the API's, nor opens the admin's.
      const refused = await fetch(`${sim.url}/__sim/replay`, {headers: {authorization: `Bearer ${OTHER_TOKEN}`}})
      expect(refused.status).toBe(401)
    } finally {
      child.kill('SIGINT')
      await exited
    }
  })
})

describe('simulator --replay and --record refuse what they cannot use, before listening (exit 2)', () => {
  it.each([
    ['a line that is not JSON', '{"v":1,"kind":"http","method":"GET","url":"/v2/sizes","status":200}\n{"v": 1,\n', 'bad.jsonl:2: not JSON'],
    ['a line of another version', '{"v":2,"kind":"http"}\n', 'bad.jsonl:1: "v" is 2: this velda-do reads traces of version 1'],
  ])('--replay with %s names file:line', async (_name, text, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'velda-replay-'))
    writeFileSync(join(dir, 'bad.jsonl'), text)
    const result = await runInProcess(['simulator', '--replay', join(dir, 'bad.jsonl')])
    expect(result.status).toBe(2)
    expect(result.stderr).toContain(`--replay: ${message}`)
    expect(result.stdout).not.toContain('listening')
  })

  it('--replay beside --fault, --ssh-hosts, --record or --moved-to, which it would ignore', async () => {
    const result = await runInProcess(['simulator', '--replay', join(TRACES, 'sizes-429-storm.jsonl'), '--record', join(tmpdir(), 'unused.jsonl'), '--fault', '{"action": {"type": "drop"}}', '--moved-to', 'https://api.devcloud.amd.com'])
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('--replay answers every request from the trace: --fault, --record, --moved-to cannot go with it')
  })

  it('--record through a symbolic link', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'velda-record-'))
    writeFileSync(join(dir, 'target'), 'keep')
    symlinkSync(join(dir, 'target'), join(dir, 'trace.jsonl'))
    const result = await runInProcess(['simulator', '--record', join(dir, 'trace.jsonl')])
    expect(result.status).toBe(2)
    expect(result.stderr).toContain(`--record: cannot write the trace to ${join(dir, 'trace.jsonl')}: is a symbolic link (a trace is never written through one)`)
    expect(readFileSync(join(dir, 'target'), 'utf8')).toBe('keep')
  })
})
