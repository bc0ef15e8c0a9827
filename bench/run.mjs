// `npm run bench`: figures, not tests. Cold start beside bare node; requests and wall time of API commands
// against the simulator with added latency; peak memory of a 10,000-droplet listing through the API layer; the
// size of the package, packed and installed; pool status over members that print 100 MB each (`node bench/run.mjs
// hostile-output` runs only that row; `retry-until-up` only its own). `node bench/run.mjs install-size` runs only the last,
// `node bench/run.mjs cold-start` (npm run bench:start) only the first, `node bench/run.mjs bulk-delete` only the
// bulk deletes of 1,000 with DigitalOcean's rate limit on (BENCH_CLI=<another build's bin/run.js> measures that build
// against the same simulator: how the figures before bulk deletes were taken, from main's build).
import {execFileSync, spawn, spawnSync} from 'node:child_process'
import {existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir, userInfo} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'

import {build} from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const runs = Number(process.env.BENCH_RUNS ?? 15)
const warmups = 2

/**
 * The name prefix of the example's cpu-small pool, as velda-do computes it: the droplets the rows seed must be its
 * members, and the prefix moves whenever the example's settings do (a hard-coded one went stale once and two rows
 * measured a pool with nothing in it).
 */
let examplePrefix
function cpuSmallPrefix() {
  examplePrefix ??= (() => {
    const out = spawnSync(process.execPath, ['bin/run.js', 'config', 'validate', '--json', '-c', 'examples/velda.yaml'], {cwd: root, encoding: 'utf8'})
    const pool = JSON.parse(out.stdout).pools.find((p) => p.name === 'cpu-small')
    if (!pool) throw new Error(`examples/velda.yaml has no cpu-small pool: ${out.stderr}`)
    return pool.prefix
  })()
  return examplePrefix
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

function run(args, env = {}) {
  const start = process.hrtime.bigint()
  const result = spawnSync(process.execPath, args, {cwd: root, encoding: 'utf8', env: {...process.env, NO_COLOR: '1', ...env}})
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`)
  return {ms, stdout: result.stdout}
}

function time(args, env, count = runs) {
  const samples = []
  for (let i = 0; i < warmups + count; i++) {
    const {ms} = run(args, env)
    if (i >= warmups) samples.push(ms)
  }
  return median(samples)
}

function row(...cells) {
  const widths = [44, 12, 12, 12]
  return cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' ')
}

async function startSimulator(args) {
  const child = spawn(process.execPath, ['bin/run.js', 'simulator', '--json', '--quiet', ...args], {cwd: root, stdio: ['ignore', 'pipe', 'inherit']})
  const line = await new Promise((resolve) => createInterface({input: child.stdout}).once('line', resolve))
  const {url, token, ssh_port: sshPort} = JSON.parse(line)
  // The admin API wants the simulator's token, and JSON declared as JSON on a POST (docs/simulator.md).
  const headers = (method) => ({authorization: `Bearer ${token}`, ...(method === 'POST' ? {'content-type': 'application/json'} : {})})
  const admin = async (method, path, body) => (await fetch(`${url}/__sim/${path}`, {method, headers: headers(method), body: body && JSON.stringify(body)})).json()
  return {url, token, sshPort, admin, stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGINT')))}
}

// pool status over 100 members, each 100 ms away (the simulator's hosts answer every command after --ssh-latency):
// one SSH round trip a member, 16 at a time, so about ceil(100 / 16) = 7 rounds, not 100 connections in a row.
async function poolStatusBench() {
  const sshd = ['/usr/sbin/sshd', '/usr/local/sbin/sshd'].find((path) => existsSync(path))
  if (!sshd || spawnSync('sh', ['-c', 'command -v ssh && command -v bwrap'], {stdio: 'ignore'}).status !== 0) {
    console.log('\n## pool status: skipped (needs ssh, sshd and bwrap)')
    return
  }
  const work = mkdtempSync(join(tmpdir(), 'velda-bench-ssh-'))
  const key = join(work, 'id_ed25519')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key])
  const sim = await startSimulator(['--ssh-hosts', '--authorized-keys', `${key}.pub`, '--boot-time', '0s', '--ssh-latency', '100ms', '--active-after', '0s'])
  try {
    await sim.admin('POST', 'droplets', {count: 100, namePrefix: `${cpuSmallPrefix()}-`, tags: ['velda', 'velda-pool:cpu-small']})
    await sim.admin('GET', 'hosts')
    const env = {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, XDG_STATE_HOME: join(work, 'state')}
    const args = (parallel) => ['bin/run.js', 'pool', 'status', 'cpu-small', '--json', '-c', 'examples/velda.yaml', '--ssh-port', String(sim.sshPort), '--ssh-user', userInfo().username, '-i', key, '--parallel', String(parallel)]
    // The first run records 100 host keys; the runs measured are what an operator sees every day after.
    spawnSync(process.execPath, args(16), {cwd: root, env: {...process.env, ...env}})
    // A stand-in ssh on PATH that answers the probe after 100 ms: velda-do's own cost and parallelism, without
    // the simulated hosts' (sshd, bash and bubblewrap for every command, on the same two cores).
    const stub = join(work, 'stub-bin')
    mkdirSync(stub)
    const answer = '--- velda-probe:status\n{"version":1,"phase":"done","step":"done","started_at":"2026-11-28T21:00:00Z","updated_at":"2026-11-28T21:00:10Z","finished_at":"2026-11-28T21:00:10Z","exit_code":null,"gpu":{"vendor":"none","check":"skipped"},"agent_version":"1.0.0","log_tail":[]}\n\n--- velda-probe:cloud-init\nstatus: done\n--- velda-probe:agent\nactive\n--- velda-probe:log\ndone\n--- velda-probe:end\n'
    writeFileSync(join(stub, 'ssh'), `#!/bin/sh\nsleep 0.1\nprintf '%s' '${answer}'\n`, {mode: 0o755})
    console.log('\n## pool status over 100 members, 100 ms round trip each (target: about 100 ms x ceil(100 / parallel))\n')
    console.log(row('ssh, parallel', 'wall ms', 'rounds', 'ms a round'))
    for (const [label, extraEnv, parallel] of [['stand-in ssh, 16', {PATH: `${stub}:${process.env.PATH}`}, 16], ['stand-in ssh, 32', {PATH: `${stub}:${process.env.PATH}`}, 32], ['OpenSSH to simulated hosts, 16', {}, 16]]) {
      const started = process.hrtime.bigint()
      const result = spawnSync(process.execPath, args(parallel), {cwd: root, encoding: 'utf8', env: {...process.env, ...env, ...extraEnv}})
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      const healthy = JSON.parse(result.stdout).healthy
      if (healthy !== 100) throw new Error(`pool status found ${healthy} of 100 healthy: ${result.stderr}`)
      const rounds = Math.ceil(100 / parallel)
      console.log(row(label, ms.toFixed(0), rounds, (ms / rounds).toFixed(0)))
    }
    console.log('(the simulated hosts run sshd, bash and bubblewrap for every command on this machine: their row measures them too)')
  } finally {
    await sim.stop()
    rmSync(work, {recursive: true, force: true})
  }
}

// pool status over 16 members that each print 100 MB before the probe's answer (a broken or hostile image): the
// probe keeps 1 MiB of an answer and ends the ssh past it, so memory stays bounded and the run ends in seconds,
// each member `output-too-large`. Wall time and the CLI's peak RSS (target: under 200 MB).
async function hostileOutputBench() {
  const sshd = ['/usr/sbin/sshd', '/usr/local/sbin/sshd'].find((path) => existsSync(path))
  if (!sshd || spawnSync('sh', ['-c', 'command -v ssh && command -v bwrap'], {stdio: 'ignore'}).status !== 0) {
    console.log('\n## pool status, members printing 100 MB: skipped (needs ssh, sshd and bwrap)')
    return
  }
  const work = mkdtempSync(join(tmpdir(), 'velda-bench-hostile-'))
  const key = join(work, 'id_ed25519')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key])
  const sim = await startSimulator(['--ssh-hosts', '--authorized-keys', `${key}.pub`, '--boot-time', '0s', '--active-after', '0s'])
  try {
    const members = 16
    const mib = 100
    await sim.admin('POST', 'droplets', {count: members, namePrefix: `${cpuSmallPrefix()}-`, tags: ['velda', 'velda-pool:cpu-small']})
    // 1 MiB of 1 KiB lines, printed 100 times by every host before each command's own output (hosts/chatter.ts).
    await sim.admin('POST', 'hosts', {chatter: {text: `${'x'.repeat(1023)}\n`.repeat(1024), repeat: mib, intervalMs: 0}})
    await sim.admin('GET', 'hosts')
    const env = {...process.env, NO_COLOR: '1', DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, XDG_STATE_HOME: join(work, 'state')}
    const args = ['bench/probes/peak-rss.mjs', 'bin/run.js', 'pool', 'status', 'cpu-small', '--json', '-c', 'examples/velda.yaml', '--ssh-port', String(sim.sshPort), '--ssh-user', userInfo().username, '-i', key, '--parallel', '16']
    const started = process.hrtime.bigint()
    const result = spawnSync(process.execPath, args, {cwd: root, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024})
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    const rssKb = Number(/peak_rss_kb=(\d+)/.exec(result.stderr)?.[1] ?? NaN)
    const states = JSON.parse(result.stdout).members.map((m) => m.state)
    const tooLarge = states.filter((state) => state === 'output-too-large').length
    console.log(`\n## pool status over ${members} members each printing ${mib} MB (target: peak RSS under 200 MB, every member output-too-large)\n`)
    console.log(row('members x MB printed', 'exit', 'wall ms', 'peak RSS MB'))
    console.log(row(`${members} x ${mib} MB`, result.status, ms.toFixed(0), (rssKb / 1024).toFixed(1)) + `  (${tooLarge} of ${members} output-too-large)`)
  } finally {
    await sim.stop()
    rmSync(work, {recursive: true, force: true})
  }
}

// pool status and pool top (one sample, --gpus) over 100 members with eight GPUs each, every member answering the
// probe with a GPU sample of ROCm 7's amd-smi (about 23 KB) after 100 ms, through a stand-in ssh: what reading
// and showing the GPU figures costs beside the probe. Wall time and the CLI's peak RSS. `node bench/run.mjs gpu`.
async function gpuBench() {
  const work = mkdtempSync(join(tmpdir(), 'velda-bench-gpu-'))
  const sim = await startSimulator(['--active-after', '0s'])
  try {
    const members = 100
    await sim.admin('POST', 'droplets', {count: members, namePrefix: `${cpuSmallPrefix()}-`, tags: ['velda', 'velda-pool:cpu-small']})
    const output = readFileSync(join(root, 'assets/sim-gpu/busy.json'), 'utf8')
    const sample = JSON.stringify({version: 1, sampled_at: '2026-12-04T12:00:00Z', tool: 'amd-smi', tool_exit: 0, promised: 8, busy_thresholds: {utilization_pct: 5, vram_pct: 5}, busy: true, last_busy_at: '2026-12-04T12:00:00Z', idle_since: null, output, output_cut: false})
    const status = '{"version":1,"phase":"done","step":"done","started_at":"2026-11-28T21:00:00Z","updated_at":"2026-11-28T21:00:10Z","finished_at":"2026-11-28T21:00:10Z","exit_code":null,"gpu":{"vendor":"amd","check":"ok"},"agent_version":"1.0.0","log_tail":[]}'
    const answer = join(work, 'answer')
    writeFileSync(answer, `--- velda-probe:status\n${status}\n\n--- velda-probe:gpu\n${sample}\n\n--- velda-probe:cloud-init\nstatus: done\n--- velda-probe:agent\nactive\n--- velda-probe:log\ndone\n--- velda-probe:end\n`)
    // The same answer without the GPU sample (a CPU member): the baseline row.
    writeFileSync(`${answer}-cpu`, `--- velda-probe:status\n${status}\n\n--- velda-probe:cloud-init\nstatus: done\n--- velda-probe:agent\nactive\n--- velda-probe:log\ndone\n--- velda-probe:end\n`)
    const stub = join(work, 'stub-bin')
    mkdirSync(stub)
    writeFileSync(join(stub, 'ssh'), `#!/bin/sh\nsleep 0.1\ncat '${answer}'"$BENCH_ANSWER"\n`, {mode: 0o755})
    const env = {...process.env, NO_COLOR: '1', PATH: `${stub}:${process.env.PATH}`, DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, XDG_STATE_HOME: join(work, 'state')}
    console.log(`\n## pool status and pool top over ${members} members of 8 GPUs, stand-in ssh, 100 ms round trip, --parallel 16\n`)
    console.log(row('command', 'wall ms', 'peak RSS MB', 'stdout KB'))
    for (const [label, command, extra] of [['pool status --json, no GPU sample', ['status', '--json'], {BENCH_ANSWER: '-cpu'}], ...[['status', '--json'], ['status'], ['top'], ['top', '--gpus'], ['top', '--json']].map((c) => [`pool ${c.join(' ')}`, c, {}])]) {
      const args = ['bench/probes/peak-rss.mjs', 'bin/run.js', 'pool', ...command.slice(0, 1), 'cpu-small', ...command.slice(1), '-c', 'examples/velda.yaml', '--parallel', '16']
      const started = process.hrtime.bigint()
      const result = spawnSync(process.execPath, args, {cwd: root, encoding: 'utf8', env: {...env, ...extra}, maxBuffer: 64 * 1024 * 1024})
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      if (command[0] === 'top' && result.status !== 0) throw new Error(`pool ${command.join(' ')} failed: ${result.stderr}`)
      const rssKb = Number(/peak_rss_kb=(\d+)/.exec(result.stderr)?.[1] ?? NaN)
      if (result.stdout.length === 0) throw new Error(`pool ${command.join(' ')} printed nothing: the row would measure an empty pool: ${result.stderr}`)
      console.log(row(label, ms.toFixed(0), (rssKb / 1024).toFixed(1), (Buffer.byteLength(result.stdout) / 1024).toFixed(0)))
    }
  } finally {
    await sim.stop()
    rmSync(work, {recursive: true, force: true})
  }
}

// What a user downloads and what lands on their disk: `npm pack`, then `npm install` of the tarball into a fresh
// prefix (velda-do and its dependencies, as npm resolves them for a user).
function installSize() {
  const work = mkdtempSync(join(tmpdir(), 'velda-bench-pack-'))
  try {
    const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}))
    const prefix = join(work, 'prefix')
    mkdirSync(prefix)
    execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', join(work, packed.filename)], {stdio: 'ignore'})
    let bytes = 0
    let files = 0
    const walk = (dir) => {
      for (const entry of readdirSync(dir, {withFileTypes: true})) {
        const path = join(dir, entry.name)
        if (entry.isDirectory()) walk(path)
        else {
          bytes += lstatSync(path).size
          files += 1
        }
      }
    }
    walk(join(prefix, 'node_modules'))
    const mb = (n) => (n / 1e6).toFixed(2)
    console.log('\n## Package size: npm pack, then npm install of the tarball into an empty prefix\n')
    console.log(row('', 'packed MB', 'unpacked MB', 'files'))
    console.log(row('the tarball', mb(packed.size), mb(packed.unpackedSize), packed.entryCount))
    console.log(row('installed (prefix/node_modules)', '-', mb(bytes), files))
  } finally {
    rmSync(work, {recursive: true, force: true})
  }
}

/**
 * A probe of bench/probes/ bundled on the fly, inside the project (bench/.out/), so that it resolves the packages
 * it leaves out from node_modules like the CLI does: the DigitalOcean client, and yaml (its CommonJS build cannot
 * be bundled into an ES module). Answers the bundle's path.
 */
async function bundleProbe(name) {
  const outfile = join(root, 'bench', '.out', `${name}.mjs`)
  await build({
    entryPoints: [join(root, `bench/probes/${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['@digitalocean/dots', '@digitalocean/dots/*', '@microsoft/*', 'yaml'],
    logLevel: 'error',
  })
  return outfile
}

// pool up -n 25 --retry-until-up against capacity freeing 5 every 30 s (10 free at the start): the run in-process
// on the simulator's own fake clock (bench/probes/retry-until-up.ts), so tries, POSTs and the time to the 25th are
// the run's decisions, not the machine's speed. The last places free at 90 s: the ideal is 90 s.
async function retryUntilUpBench() {
  const probe = await bundleProbe('retry-until-up')
  console.log('\n## pool up -n 25 --retry-until-up, capacity 10 now and 5 more every 30 s (simulated clock; 5 runs, jitter random)\n')
  console.log(`${'run'.padEnd(6)} ${'created'.padStart(8)} ${'tries'.padStart(6)} ${'POSTs'.padStart(6)} ${'refused'.padStart(8)} ${'requests'.padStart(9)} ${'to 25 (s)'.padStart(10)} ${'cpu ms'.padStart(8)}`)
  for (let i = 1; i <= 5; i++) {
    const result = spawnSync(process.execPath, [probe], {cwd: root, encoding: 'utf8'})
    if (result.status !== 0) throw new Error(`the retry-until-up probe failed: ${result.stderr}`)
    const r = JSON.parse(result.stdout)
    console.log(`${String(i).padEnd(6)} ${String(r.created).padStart(8)} ${String(r.tries).padStart(6)} ${String(r.posts).padStart(6)} ${String(r.refused).padStart(8)} ${String(r.requests).padStart(9)} ${(r.simulatedMs / 1000).toFixed(1).padStart(10)} ${r.cpuMs.toFixed(0).padStart(8)}`)
  }
}

if (process.argv[2] === 'retry-until-up') {
  await retryUntilUpBench()
  process.exit(0)
}

// pool down --all and pool reap of 1,000 droplets against the simulator with DigitalOcean's own rate limit (250 a
// minute, 5,000 an hour: its defaults) and 100 ms per answer, one run each, a fresh simulator for each. `requests`
// counts every API request the simulator logged, the 429s it refused included; `DELETEs` those of droplets (one per
// droplet, or the one by tag). The wall time is real: 429s are waited out as DigitalOcean's retry-after says.
async function bulkDeleteBench() {
  const cli = process.env.BENCH_CLI ?? join(root, 'bin', 'run.js')
  const pool = ['velda', 'velda-pool:cpu-small']
  console.log(`\n## Deleting 1,000 droplets with DigitalOcean's rate limit (250 a minute), 100 ms latency per request (${cli})\n`)
  console.log(`${'operation'.padEnd(36)} ${'requests'.padStart(9)} ${'429s'.padStart(6)} ${'DELETEs'.padStart(8)} ${'deleted'.padStart(8)} ${'wall s'.padStart(8)}`)
  for (const [name, args, tags, key] of [
    ['pool down --all (1,000)', ['pool', 'down', 'cpu-small', '--all', '--yes', '--json', '-c', 'examples/velda.yaml'], pool, 'deleted'],
    ['pool reap (1,000 expired)', ['pool', 'reap', 'cpu-small', '--yes', '--json', '-c', 'examples/velda.yaml'], [...pool, 'velda-expires:1600000000'], 'reaped'],
  ]) {
    const sim = await startSimulator(['--latency', '100ms', '--droplet-limit', '5000'])
    try {
      await sim.admin('POST', 'droplets', {count: 1000, namePrefix: `${cpuSmallPrefix()}-`, tags})
      await sim.admin('DELETE', 'requests')
      const {ms, stdout} = run([cli, ...args], {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token})
      const done = JSON.parse(stdout)[key].length
      if (done !== 1000) throw new Error(`${name} deleted ${done}, not the 1,000 seeded: the row measures nothing (are they members of cpu-small?)`)
      const log = (await sim.admin('GET', 'requests')).requests
      const refused = log.filter((r) => r.status === 429).length
      const deletes = log.filter((r) => r.method === 'DELETE' && r.path.startsWith('/v2/droplets')).length
      console.log(`${name.padEnd(36)} ${String(log.length).padStart(9)} ${String(refused).padStart(6)} ${String(deletes).padStart(8)} ${String(done).padStart(8)} ${(ms / 1000).toFixed(1).padStart(8)}`)
    } finally {
      await sim.stop()
    }
  }
}

if (process.argv[2] === 'bulk-delete') {
  await bulkDeleteBench()
  process.exit(0)
}

if (process.argv[2] === 'hostile-output') {
  await hostileOutputBench()
  process.exit(0)
}

if (process.argv[2] === 'gpu') {
  await gpuBench()
  process.exit(0)
}

if (process.argv[2] === 'install-size') {
  installSize()
  process.exit(0)
}

// 1. Cold start: each command beside bare node, run in turn with it (A B A B ...) so that the ratio is taken pair
// by pair and a machine that slows down during the run moves both. The warm-up runs write the bundles' code cache
// (src/entry/code-cache.ts), as a user's first run does; the last row shows a start without it.
function coldStart() {
  const rows = [
    ['velda-do --version', ['bin/run.js', '--version']],
    ['velda-do --help', ['bin/run.js', '--help']],
    ['velda-do render-userdata amd-mi300x', ['bin/run.js', 'render-userdata', 'amd-mi300x', '-c', 'examples/velda.yaml']],
    ['velda-do config validate', ['bin/run.js', 'config', 'validate', '-c', 'examples/velda.yaml']],
    ['velda-do sizes --help', ['bin/run.js', 'sizes', '--help']],
    ['render-userdata, no code cache', ['bin/run.js', 'render-userdata', 'amd-mi300x', '-c', 'examples/velda.yaml'], {NODE_DISABLE_COMPILE_CACHE: '1'}],
  ]
  console.log(`\n## Cold start, median of ${runs} paired runs (node ${process.version}; target: at most 2.0x bare node)\n`)
  console.log(row('command', 'median ms', 'node ms', 'x node'))
  for (const [name, args, env = {}] of rows) {
    const ratios = []
    const own = []
    const bare = []
    for (let i = 0; i < warmups + runs; i++) {
      const a = run(args, env).ms
      const b = run(['-e', '0']).ms
      if (i < warmups) continue
      own.push(a)
      bare.push(b)
      ratios.push(a / b)
    }
    const ratio = median(ratios)
    console.log(row(name, median(own).toFixed(1), median(bare).toFixed(1), ratio.toFixed(2)) + (ratio > 2 ? '  OVER TARGET' : ''))
  }
}

coldStart()
if (process.argv[2] === 'cold-start') process.exit(0)

// 2. API commands against the simulator with 50 ms added to every answer.
const apiRuns = Math.max(3, Math.floor(runs / 3))
const sim = await startSimulator(['--latency', '50ms'])
const env = {DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token}
console.log(`\n## API commands against the simulator, 50 ms latency per request, median of ${apiRuns} runs\n`)
console.log(row('command', 'requests', 'pages', 'median ms'))
try {
  for (const [name, args, key] of [
    ['velda-do sizes --json', ['bin/run.js', 'sizes', '--json'], 'sizes'],
    ['velda-do regions --json', ['bin/run.js', 'regions', '--json'], 'regions'],
  ]) {
    await sim.admin('DELETE', 'requests')
    const items = JSON.parse(run(args, env).stdout)[key].length
    const requests = (await sim.admin('GET', 'requests')).requests.length
    const ms = time(args, env, apiRuns)
    console.log(row(name, requests, Math.max(1, Math.ceil(items / 200)), ms.toFixed(1)))
  }
} finally {
  await sim.stop()
}

// 3. Peak memory of listing 10,000 droplets through the API layer (one process, bundled on the fly).
// No rate limit: the rows below list the same 10,000 droplets several times within a minute.
const big = await startSimulator(['--rate-limit', '1000000'])
for (let i = 0; i < 10; i++) await big.admin('POST', 'droplets', {count: 1000, namePrefix: `velda-483a082b-${i}-`, tags: ['velda']})

const probe = await bundleProbe('list-droplets')
await big.admin('DELETE', 'requests')
let listing
let listRequests
const cliListing = []
try {
  listing = JSON.parse(run([probe], {SIM_URL: big.url, SIM_TOKEN: big.token}).stdout)
  listRequests = (await big.admin('GET', 'requests')).requests.length
  // The same 10,000 through the CLI: what printing them costs beyond the listing itself.
  for (const [name, extra] of [['pool list --all --json', ['--json']], ['pool list --all (table)', []], ['pool list --all --format Name --no-header', ['--format', 'Name', '--no-header']]]) {
    const result = spawnSync(process.execPath, ['bench/probes/peak-rss.mjs', 'bin/run.js', 'pool', 'list', '--all', '-c', 'examples/velda.yaml', ...extra], {
      cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: {...process.env, NO_COLOR: '1', DIGITALOCEAN_API_ENDPOINT: big.url, DIGITALOCEAN_API_TOKEN: big.token},
    })
    const started = process.hrtime.bigint()
    const timed = spawnSync(process.execPath, ['bin/run.js', 'pool', 'list', '--all', '-c', 'examples/velda.yaml', ...extra], {
      cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: {...process.env, NO_COLOR: '1', DIGITALOCEAN_API_ENDPOINT: big.url, DIGITALOCEAN_API_TOKEN: big.token},
    })
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    if (result.status !== 0 || timed.status !== 0) throw new Error(`${name} failed: ${result.stderr}${timed.stderr}`)
    const rssKb = Number(/peak_rss_kb=(\d+)/.exec(result.stderr)?.[1] ?? NaN)
    cliListing.push([name, ms, rssKb / 1024, Buffer.byteLength(timed.stdout)])
  }
} finally {
  await big.stop()
}
console.log('\n## Listing 10,000 droplets through the API layer (target: peak RSS under 200 MB, requests = pages)\n')
console.log(row('droplets', 'requests', 'wall ms', 'peak RSS MB'))
console.log(row(listing.droplets, listRequests, listing.ms.toFixed(0), listing.maxRssMb.toFixed(1)))
console.log('\n## The same 10,000 droplets through the CLI, one run each (target: the table within 1 s of the listing)\n')
console.log(row('command', 'wall ms', 'peak RSS MB', 'output KB'))
for (const [name, ms, rssMb, bytes] of cliListing) console.log(row(name, ms.toFixed(0), rssMb.toFixed(1), (bytes / 1024).toFixed(0)))

// 4. Pool lifecycle against the simulator with 100 ms added to every request.
console.log('\n## Pool lifecycle, 100 ms latency per request (broker: one POST per droplet, one DELETE per droplet)\n')
console.log(`${'operation'.padEnd(36)} ${'POSTs'.padStart(6)} ${'lists'.padStart(6)} ${'other'.padStart(6)} ${'total'.padStart(6)} ${'broker'.padStart(7)} ${'wall ms'.padStart(8)}`)
const lifecycle = await startSimulator(['--latency', '100ms', '--active-after', '3s'])
const poolEnv = {DIGITALOCEAN_API_ENDPOINT: lifecycle.url, DIGITALOCEAN_API_TOKEN: lifecycle.token}
const counted = async (name, args, brokerRequests) => {
  await lifecycle.admin('DELETE', 'requests')
  const {ms} = run(args, poolEnv)
  const log = (await lifecycle.admin('GET', 'requests')).requests
  const posts = log.filter((r) => r.method === 'POST').length
  const lists = log.filter((r) => r.method === 'GET' && r.path === '/v2/droplets').length
  const other = log.length - posts - lists
  console.log(`${name.padEnd(36)} ${String(posts).padStart(6)} ${String(lists).padStart(6)} ${String(other).padStart(6)} ${String(log.length).padStart(6)} ${String(brokerRequests).padStart(7)} ${ms.toFixed(0).padStart(8)}`)
}
try {
  for (const n of [1, 10, 50, 100]) {
    await lifecycle.admin('POST', 'reset')
    await counted(`pool up --count ${n} --wait`, ['bin/run.js', 'pool', 'up', 'cpu-small', '-n', String(n), '--ignore-limits', '--wait', '--poll-interval', '1s', '--json', '-c', 'examples/velda.yaml'], n)
    await counted(`pool down --count ${n}`, ['bin/run.js', 'pool', 'down', 'cpu-small', '-n', String(n), '--yes', '--json', '-c', 'examples/velda.yaml'], n)
  }
  // pool scale: from 0 to 100 (creates only), then from 150 to 100 (deletes only); `other` counts the deletes.
  await lifecycle.admin('POST', 'reset')
  await counted('pool scale --to 100 (from 0)', ['bin/run.js', 'pool', 'scale', 'cpu-small', '--to', '100', '--ignore-limits', '--json', '-c', 'examples/velda.yaml'], 100)
  await lifecycle.admin('POST', 'reset')
  await lifecycle.admin('POST', 'droplets', {count: 150, namePrefix: `${cpuSmallPrefix()}-`, tags: ['velda', 'velda-pool:cpu-small'], status: 'active'})
  await counted('pool scale --to 100 (from 150)', ['bin/run.js', 'pool', 'scale', 'cpu-small', '--to', '100', '--yes', '--ignore-limits', '--json', '-c', 'examples/velda.yaml'], 50)
  await lifecycle.admin('POST', 'reset')
  await lifecycle.admin('POST', 'droplets', {count: 1000, namePrefix: cpuSmallPrefix(), tags: ['velda', 'velda-pool:cpu-small']})
  await counted('pool list cpu-small (1,000 droplets)', ['bin/run.js', 'pool', 'list', 'cpu-small', '--json', '-c', 'examples/velda.yaml'], '-')
} finally {
  await lifecycle.stop()
}
// pool reap over 1,000 members whose lease ended, without the 250-a-minute rate limit: one delete by a tag of the
// run's own (bulkDeleteBench below has the same with the rate limit on).
const reapSim = await startSimulator(['--latency', '100ms', '--rate-limit', '1000000', '--droplet-limit', '5000'])
try {
  await reapSim.admin('POST', 'droplets', {count: 1000, namePrefix: `${cpuSmallPrefix()}-`, tags: ['velda', 'velda-pool:cpu-small', 'velda-expires:1600000000']})
  await reapSim.admin('DELETE', 'requests')
  const {ms} = run(['bin/run.js', 'pool', 'reap', 'cpu-small', '--yes', '--json', '-c', 'examples/velda.yaml'], {DIGITALOCEAN_API_ENDPOINT: reapSim.url, DIGITALOCEAN_API_TOKEN: reapSim.token})
  const log = (await reapSim.admin('GET', 'requests')).requests
  const lists = log.filter((r) => r.method === 'GET' && r.path === '/v2/droplets').length
  const deletes = log.filter((r) => r.method === 'DELETE').length
  console.log(`${'pool reap (1,000 expired members)'.padEnd(36)} ${'0'.padStart(6)} ${String(lists).padStart(6)} ${String(deletes).padStart(6)} ${String(log.length).padStart(6)} ${'1000'.padStart(7)} ${ms.toFixed(0).padStart(8)}`)
} finally {
  await reapSim.stop()
}
console.log('\nTargets: POSTs = ceil(N/10); one list per poll tick; pool list of 1,000 in at most 6 list requests; pool scale')
console.log('from 0: ceil(N/10) POSTs, one listing of the pool and the two droplet counts of the account limit check (GET')
console.log('/v2/droplets?per_page=1, counted as lists); from 150: one list and a bulk delete of the 50 (9 requests: the')
console.log('tag made, put on them, counted, deleted by, deleted, one list to verify); pool reap of 1,000: one list per 200')
console.log('and the bulk delete (5 tag requests of 200, 4 more, one list: about 15 round trips);')
console.log('pool down --count 100 under 2,000 ms.')

// 5. Bulk deletes of 1,000 with the rate limit on.
await bulkDeleteBench()

// 6. pool status over many members, and over members that print 100 MB each.
await poolStatusBench()
await retryUntilUpBench()
await hostileOutputBench()
await gpuBench()

// 7. Package size.
installSize()
