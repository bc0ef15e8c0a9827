import {spawn, spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Simulator} from '../../src/lib/simulator/server.js'
import {BIN, cleanEnv, PROJECT_ROOT, startCli} from '../support/cli.js'
import {canRunHosts, hostSshFlags, sshWorkspace, startHostsSimulator} from '../support/hosts.js'
import {runInProcess} from '../support/in-process-cli.js'

const canHost = canRunHosts('pool ssh against simulated hosts')
const GPU = {tags: ['velda', 'velda-pool:gpu'], size: 'gpu-mi300x1-192gb-devcloud'}

describe.runIf(canHost)('velda-do pool ssh: what a member and the API hand back cannot forge output; -i must be a key file', () => {
  const {dir, configFile, key, state} = sshWorkspace('velda-pool-ssh-')
  let sim: Simulator
  beforeAll(async () => {
    sim = await startHostsSimulator(key, {seed: 21, bootMs: 0})
  })
  afterAll(async () => {
    await sim?.close()
  })
  const env = () => ({DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, XDG_STATE_HOME: state})
  const velda = (args: string[], ssh = hostSshFlags(sim, key)) => {
    const split = args.indexOf('--')
    const ours = ['-c', configFile, ...ssh]
    return runInProcess(split < 0 ? [...args, ...ours] : [...args.slice(0, split), ...ours, ...args.slice(split)], {env: env()})
  }

  it('--all: a member name with a newline in it is one escaped prefix, and cannot forge another member\'s line', async () => {
    sim.core.reset()
    const [forger] = sim.seedDroplets({count: 1, namePrefix: 'velda-b2f06752-a\nvelda-b2f06752-b: forged', ...GPU})
    await sim.hostsReady()
    const result = await velda(['pool', 'ssh', 'gpu', '--all', '--', 'echo', 'ok'])
    expect(result.status, result.stderr).toBe(0)
    const escaped = forger!.name.replace('\n', '\\n')
    expect(result.stdout).toBe(`${escaped}: ok\n`)
  })

  it('MEMBER --json -- CMD: the member\'s output and exit code as one document, through OpenSSH; the exit code is the command\'s', async () => {
    sim.core.reset()
    const [member] = sim.seedDroplets({count: 1, namePrefix: 'velda-b2f06752-', ...GPU})
    await sim.hostsReady()
    const result = await velda(['pool', 'ssh', 'gpu', '1', '--json', '--', 'echo out; echo err >&2; exit 3'])
    expect(result.status, result.stderr).toBe(3)
    expect(JSON.parse(result.stdout)).toEqual({
      pool: 'gpu', command: 'echo out; echo err >&2; exit 3', member: {id: member!.id, name: member!.name},
      exit_code: 3, state: 'ran', stdout: 'out\n', stderr: 'err\n', stdout_cut_bytes: 0, stderr_cut_bytes: 0,
    })
  })

  it('--all | a slow reader, a member failing: every line still arrives (exit 4 only once the pipe took all of the output)', {timeout: 30_000}, async () => {
    sim.core.reset()
    sim.seedDroplets({count: 1, namePrefix: 'velda-b2f06752-', ...GPU})
    await sim.hostsReady()
    // 128 Ki lines of `y`, each prefixed with the member's name: some 3 MiB, far more than a pipe holds.
    const args = ['pool', 'ssh', 'gpu', '--all', '-c', configFile, ...hostSshFlags(sim, key), '--', 'yes | head -c 262144; exit 3']
    const waits = new URL('../fixtures/stdout-waits/register.mjs', import.meta.url).href
    const child = spawn(process.execPath, [BIN, ...args], {cwd: PROJECT_ROOT, env: cleanEnv({...env(), NODE_OPTIONS: `--import=${waits}`}), stdio: ['ignore', 'pipe', 'pipe']})
    // The reader takes nothing until the run waits for it (the fixture says so on stderr), has said it failed (the
    // last thing it writes, all of its output written before), or has exited. A run that exits with output queued
    // for the pipe loses it: with nobody reading, that is all but what the pipe holds.
    child.stdout.pause()
    let stderr = ''
    const closed = new Promise<number | null>((resolve) => child.once('close', resolve))
    const readerNeeded = new Promise<void>((resolve) => child.stderr.on('data', (chunk: Buffer) => /stdout-waits:|Error:/.test((stderr += chunk.toString())) && resolve()))
    await Promise.race([readerNeeded, new Promise((resolve) => child.once('exit', resolve))])
    const out: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk)).resume()
    expect(await closed, stderr).toBe(4)
    const lines = Buffer.concat(out).toString().split('\n')
    expect(lines.filter((line) => /^velda-b2f06752-\S+: y$/.test(line))).toHaveLength(131_072)
    expect(lines.at(-2)).toMatch(/^velda-b2f06752-\S+: exit 3$/)
  })

  it('-i naming a FIFO (or a directory) is refused at once: exit 2, naming the flag, nothing dialled', async () => {
    sim.core.reset()
    sim.seedDroplets({count: 1, namePrefix: 'velda-b2f06752-', ...GPU})
    await sim.hostsReady()
    const fifo = join(dir, 'key.fifo')
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0)
    const before = sim.hosts?.commandsStarted ?? 0
    for (const [args, path, kind] of [
      [['pool', 'ssh', 'gpu', '1', '--', 'true'], fifo, 'a pipe \\(FIFO\\)'],
      [['pool', 'ssh', 'gpu', '--all', '--', 'true'], fifo, 'a pipe \\(FIFO\\)'],
      [['pool', 'status', 'gpu'], dir, 'a directory'],
    ] as const) {
      const result = await velda([...args], ['--ssh-user', 'root', '--ssh-port', String(sim.hosts?.port), '-i', path])
      expect(result.status, args.join(' ')).toBe(2)
      expect(result.stderr).toMatch(new RegExp(`-i/--identity-file ${path}: ${path} is ${kind}, not a regular file`))
    }
    expect(sim.hosts?.commandsStarted).toBe(before)
  })
})

describe.runIf(canHost)('velda-do pool ssh --all stopped by a signal', () => {
  const {configFile, key, state} = sshWorkspace('velda-pool-ssh-stop-')
  let sim: Simulator
  beforeAll(async () => {
    // Every command on the hosts answers after 60 s: the commands are running when the signal comes.
    sim = await startHostsSimulator(key, {seed: 22, bootMs: 0, latencyMs: 60_000})
    sim.seedDroplets({count: 3, namePrefix: 'velda-b2f06752-', ...GPU})
    await sim.hostsReady()
  })
  afterAll(async () => {
    await sim?.close()
  })

  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
    ['SIGINT', 130],
  ] as const)('%s while the commands run: exit %d at once, every member reported stopped', async (signal, code) => {
    const before = sim.hosts?.commandsStarted ?? 0
    const child = startCli(['pool', 'ssh', 'gpu', '--all', '--json', '-c', configFile, ...hostSshFlags(sim, key), '--', 'hostname'], {
      DIGITALOCEAN_API_ENDPOINT: sim.url,
      DIGITALOCEAN_API_TOKEN: sim.token,
      XDG_STATE_HOME: state,
    })
    while ((sim.hosts?.commandsStarted ?? 0) < before + 3) await new Promise((resolve) => setImmediate(resolve))
    const started = Date.now()
    child.kill(signal)
    const {status, stdout} = await child.exited
    expect(status).toBe(code)
    expect(Date.now() - started).toBeLessThan(10_000)
    const json = JSON.parse(stdout) as {results: {state: string; exit_code: number | null}[]; error: {code: string; signal: string}}
    expect(json.results.map((r) => [r.state, r.exit_code])).toEqual([['stopped', null], ['stopped', null], ['stopped', null]])
    expect(json.error).toMatchObject({code: 'interrupted', signal})
  })
})

describe.runIf(canHost)('velda-do pool ssh --all stopped by a signal: the remote commands end too', () => {
  const {dir, configFile, key, state} = sshWorkspace('velda-pool-ssh-watchdog-')
  let sim: Simulator
  beforeAll(async () => {
    // No latency: the commands run, as on a droplet, when the signal comes. The hosts, like a stock sshd, leave a
    // command without a terminal running when its client goes: only velda-do's watchdog ends it.
    sim = await startHostsSimulator(key, {seed: 23, bootMs: 0})
  })
  afterAll(async () => {
    await sim?.close()
  })

  it('SIGTERM while `sleep 60; touch MARKER` runs: exit 143, members stopped, and on each member the command is gone, the marker never written', {timeout: 30_000}, async () => {
    const members = sim.seedDroplets({count: 2, namePrefix: 'velda-b2f06752-', ...GPU})
    await sim.hostsReady()
    // Each member's command holds the write end of a FIFO of its own (named by its hostname) while it runs: the
    // reader (cat) sees `started`, and ends (EOF) only once every process of the command holding it is gone.
    const readers = members.map((member) => {
      const fifo = join(dir, `fifo.${member.name}`)
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0)
      const cat = spawn('cat', [fifo], {stdio: ['ignore', 'pipe', 'ignore']})
      let seen = ''
      const started = new Promise<void>((resolve) => cat.stdout.on('data', (chunk: Buffer) => (seen += chunk.toString()).includes('started') && resolve()))
      const gone = new Promise<void>((resolve) => cat.once('close', () => resolve()))
      return {started, gone, marker: join(dir, `marker.${member.name}`)}
    })
    const command = `exec 9>${dir}/fifo.$(hostname); echo started >&9; sleep 60; touch ${dir}/marker.$(hostname)`
    const child = startCli(['pool', 'ssh', 'gpu', '--all', '--json', '-c', configFile, ...hostSshFlags(sim, key), '--', command], {
      DIGITALOCEAN_API_ENDPOINT: sim.url,
      DIGITALOCEAN_API_TOKEN: sim.token,
      XDG_STATE_HOME: state,
    })
    await Promise.all(readers.map((r) => r.started))
    child.kill('SIGTERM')
    const {status, stdout} = await child.exited
    expect(status).toBe(143)
    const json = JSON.parse(stdout) as {results: {state: string; exit_code: number | null}[]}
    expect(json.results.map((r) => [r.state, r.exit_code])).toEqual([['stopped', null], ['stopped', null]])
    // Without the watchdog the commands sleep on for a minute (and then write the marker): the test times out.
    await Promise.all(readers.map((r) => r.gone))
    expect(readers.filter((r) => existsSync(r.marker))).toEqual([])
  })
})
