#!/usr/bin/env node
// Records the traces in test/fixtures/traces/ (its README.md says what each is): for each, a `velda-do simulator`
// with the trace's faults and seeded droplets, the trace's velda-do commands run against it (the built bin/run.js:
// `node scripts/build.mjs` first), then the trace (NAME.jsonl) and what each command printed and exited with
// (NAME.run.json), which test/e2e/replay.test.ts replays and compares. A trace is written by the client
// (`writer: 'client'`: VELDA_DO_TRACE=NAME.jsonl on each command, as a user attaches one to a bug report) or by the
// simulator (`writer: 'server'`: its --record NAME.jsonl): the same format, replayed the same way.
//
//   node scripts/record-trace.mjs            # every trace
//   node scripts/record-trace.mjs NAME...    # only these
//
// Nothing leaves this machine: the simulator listens on 127.0.0.1, and the commands talk to it only.

import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const bin = join(root, 'bin', 'run.js')
const dir = join(root, 'test', 'fixtures', 'traces')
const config = join(dir, 'velda.yaml')

/** The pool of velda.yaml: `velda-` + the broker's hash of its size, region, image, key ids and agent version. */
const PREFIX = 'velda-80424a05'

const LATENCY_MS = 100

export const TRACES = {
  'pool-up-ambiguous': {
    writer: 'client',
    about: 'pool up -n 3, whose create is performed but its answer lost (the connection dropped): velda-do lists the pool, finds the three, creates nothing again',
    simulator: ['--fault', JSON.stringify({method: 'POST', path: '/v2/droplets', count: 1, action: {type: 'ambiguous', then: 'drop'}})],
    commands: [['pool', 'up', 'cpu', '-n', '3', '--json', '-c', 'velda.yaml']],
  },
  'pool-down-all': {
    writer: 'server',
    // 20: the most deleted one by one. More go by a tag of the run's own, drawn at random, which a replay cannot match.
    about: 'pool down --all --yes of a pool of 20 droplets: the listing, then the 20 deletes in parallel, then the listing that checks they are gone',
    simulator: [],
    seed: {count: 20, namePrefix: `${PREFIX}-`, tags: ['velda', 'velda-pool:cpu'], size: 's-1vcpu-1gb', region: 'nyc3', image: 'ubuntu-24-04-x64'},
    commands: [['pool', 'down', 'cpu', '--all', '--yes', '--json', '-c', 'velda.yaml']],
  },
  'sizes-429-storm': {
    writer: 'client',
    about: 'sizes while rate limited: three 429s in a row (retry-after 1, 1, then only ratelimit-reset, 2 s ahead), each waited out, then the list',
    simulator: [
      '--fault', JSON.stringify({method: 'GET', path: '/v2/sizes', count: 2, action: {type: 'rate-limit', retryAfterSeconds: 1}}),
      '--fault', JSON.stringify({method: 'GET', path: '/v2/sizes', nth: 3, count: 1, action: {type: 'rate-limit', resetInSeconds: 2}}),
    ],
    commands: [['sizes', '--json']],
  },
}

async function startSimulator(args) {
  // --latency: a server sees how long a request was in flight only if its answer takes time. With it, requests the
  // client sent together (pool down's parallel deletes) overlap in the trace's times, and the replay lets them come
  // in any order among themselves; without it they would look sequential, and their order (the network's) strict.
  const child = spawn(process.execPath, [bin, 'simulator', '--json', '--quiet', '--seed', '1', '--active-after', '0s', '--latency', `${LATENCY_MS}ms`, ...args], {stdio: ['ignore', 'pipe', 'inherit']})
  const first = await new Promise((resolve, reject) => {
    createInterface({input: child.stdout}).once('line', resolve)
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code}) before it started`)))
  })
  const {url, token} = JSON.parse(first)
  return {url, token, child}
}

async function admin(sim, method, path, body) {
  const response = await fetch(`${sim.url}/__sim/${path}`, {method, headers: {authorization: `Bearer ${sim.token}`, 'content-type': 'application/json'}, body: body === undefined ? undefined : JSON.stringify(body)})
  if (!response.ok) throw new Error(`${method} /__sim/${path}: ${response.status} ${await response.text()}`)
  return response.json()
}

async function record(name, spec) {
  const trace = join(dir, `${name}.jsonl`)
  // VELDA_DO_TRACE appends to a file of the user's; a new recording starts a new file.
  rmSync(trace, {force: true})
  const sim = await startSimulator([...spec.simulator, ...(spec.writer === 'server' ? ['--record', trace] : [])])
  if (spec.seed) await admin(sim, 'POST', 'droplets', spec.seed)
  const home = mkdtempSync(join(tmpdir(), 'velda-record-'))
  const runs = []
  try {
    for (const argv of spec.commands) {
      // A home of its own (the pool lock, known_hosts), and none of the developer's settings.
      const env = {PATH: process.env.PATH, HOME: home, NO_COLOR: '1', DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, ...(spec.writer === 'client' ? {VELDA_DO_TRACE: trace} : {})}
      // `velda.yaml` is the config beside the traces; the test gives its path the same way.
      const run = spawnSync(process.execPath, [bin, ...argv.map((arg) => (arg === 'velda.yaml' ? config : arg))], {env, encoding: 'utf8'})
      runs.push({argv, exit: run.status, stdout: run.stdout, stderr: run.stderr})
      process.stderr.write(`${name}: velda-do ${argv.join(' ')} -> exit ${run.status}\n`)
    }
  } finally {
    await new Promise((resolve) => {
      sim.child.once('exit', resolve)
      sim.child.kill('SIGINT')
    })
    rmSync(home, {recursive: true, force: true})
  }
  // The endpoint the commands printed was this simulator's: written as the trace's own origin, which the test
  // puts in place of the replaying simulator's.
  writeFileSync(join(dir, `${name}.run.json`), `${JSON.stringify({about: spec.about, written_by: spec.writer === 'client' ? 'VELDA_DO_TRACE' : 'simulator --record', recorded_against: sim.url, simulator: ['--latency', `${LATENCY_MS}ms`, ...spec.simulator], seed: spec.seed ?? null, commands: runs}, null, 2)}\n`)
  const lines = readFileSync(trace, 'utf8').trim().split('\n').length
  process.stderr.write(`${name}: ${lines} lines in ${trace}\n`)
}

const names = process.argv.slice(2)
for (const name of names) if (!(name in TRACES)) throw new Error(`no trace named ${name}: ${Object.keys(TRACES).join(', ')}`)
for (const [name, spec] of Object.entries(TRACES)) if (names.length === 0 || names.includes(name)) await record(name, spec)
