import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {sshArgs} from '../../src/lib/ssh/command.js'
import {classifySshFailure} from '../../src/lib/ssh/failure.js'
import {healthOf, parseProbe, PROBE_SCRIPT} from '../../src/lib/ssh/probe.js'
import {type Simulator, startSimulator} from '../../src/lib/simulator/server.js'
import {canRunHosts} from '../support/hosts.js'
import {CTRL_C, runProgramOnPty} from '../support/pty.js'
import {haveTool} from '../support/tools.js'
import {simAdminFetch} from '../support/sim-admin.js'

const canHost = canRunHosts('simulated SSH hosts')

describe.runIf(canHost)('the simulator\'s hosts: a real sshd per droplet on loopback, dialled with the real ssh client', () => {
  const dir = mkdtempSync(join(tmpdir(), 'velda-hosts-'))
  const key = join(dir, 'id_ed25519')
  let sim: Simulator
  let clock = Date.UTC(2026, 10, 28, 21, 0, 0)

  beforeAll(async () => {
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key])
    sim = await startSimulator({seed: 1, activeAfterMs: 0, now: () => clock, hosts: {authorizedKeys: readFileSync(`${key}.pub`, 'utf8'), bootMs: 10_000}})
  })
  afterAll(async () => {
    await sim?.close()
  })

  /** The real ssh client, as velda-do calls it; `input` is its standard input, `onOutput` sees stdout as it comes. */
  const ssh = (droplet: {id: number}, address: string, command: string, options: {input?: string; onOutput?: (stdout: string) => void} = {}) => {
    const args = sshArgs(
      {hostKeyAlias: `velda-droplet-${droplet.id}`, host: address, user: process.env.USER || 'root', port: sim.hosts?.port ?? 22, identityFile: key},
      {knownHosts: join(dir, 'known_hosts'), connectTimeoutSeconds: 5, batch: true},
      [command],
    )
    // Not spawnSync: the hosts ask this process's simulator how their droplet stands.
    return new Promise<{status: number | null; stdout: string; stderr: string}>((resolve) => {
      const child = spawn('ssh', ['-o', 'LogLevel=ERROR', ...args], {stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']})
      child.stdin?.end(options.input)
      let stdout = ''
      let stderr = ''
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString()
        options.onOutput?.(stdout)
      })
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      child.once('close', (status) => resolve({status, stdout, stderr}))
    })
  }
  const address = (id: number) => sim.core.allDroplets().find((d) => d.id === id)?.publicIpv4 ?? ''

  it('answers the probe as the droplet boots: not started, a step, then healthy; and runs any command as that droplet', async () => {
    const [droplet] = sim.seedDroplets({count: 1, namePrefix: 'velda-930b7ad6-', size: 'gpu-mi300x1-192gb-devcloud'})
    await sim.hostsReady()
    expect(address(droplet!.id)).toMatch(/^127\.1\.\d+\.\d+$/)
    const probe = async () => healthOf(parseProbe((await ssh(droplet!, address(droplet!.id), PROBE_SCRIPT)).stdout))
    expect(await probe()).toEqual({health: 'booting', detail: 'the boot script has not started'})
    clock += 5_000
    expect(await probe()).toEqual({health: 'booting', detail: 'step gpu'})
    clock += 5_000
    expect(await probe()).toEqual({health: 'healthy', detail: 'agent active'})
    const hostname = await ssh(droplet!, address(droplet!.id), 'hostname; exit 7')
    expect([hostname.status, hostname.stdout]).toEqual([7, 'velda-930b7ad6-1\n'])
  })

  it('each boot failure shows as the script would leave it; a refused or re-keyed host fails as ssh says', async () => {
    const [agent404, crashLoop, refused, rekeyed] = sim.seedDroplets({count: 4, namePrefix: 'velda-cafe0000-'})
    await sim.hostsReady()
    const admin = (id: number, body: unknown) => simAdminFetch(sim, 'POST', `hosts/${id}`, body)
    await admin(agent404!.id, {profile: 'agent-404'})
    await admin(crashLoop!.id, {profile: 'agent-crash-loop'})
    clock += 60_000
    const probeOf = (d: {id: number}) => ssh(d, address(d.id), PROBE_SCRIPT)
    const failed = parseProbe((await probeOf(agent404!)).stdout)
    expect(healthOf(failed)).toEqual({health: 'boot-failed', detail: 'step agent failed (exit 22)'})
    expect(failed.boot?.log_tail).toContain('curl: (22) The requested URL returned error: 404')
    expect(healthOf(parseProbe((await probeOf(crashLoop!)).stdout))).toEqual({health: 'agent-down', detail: 'booted, but the agent is activating'})
    expect((await probeOf(rekeyed!)).status).toBe(0)
    await admin(refused!.id, {refuse: true})
    await admin(rekeyed!.id, {changeHostKey: true})
    const refusedRun = await probeOf(refused!)
    expect([refusedRun.status, classifySshFailure(refusedRun.stderr)]).toEqual([255, 'refused'])
    const rekeyedRun = await probeOf(rekeyed!)
    expect([rekeyedRun.status, classifySshFailure(rekeyedRun.stderr)]).toEqual([255, 'host-key-changed'])
  })

  it.runIf(haveTool('script', 'bsdutils', 'a simulated host\'s shell on a terminal'))('on a terminal (ssh -t): Ctrl-C interrupts the running command, and the shell ends with exit 0', {timeout: 60_000}, async () => {
    const [droplet] = sim.seedDroplets({count: 1, namePrefix: 'velda-7e7e7e7e-'})
    await sim.hostsReady()
    const args = sshArgs(
      {hostKeyAlias: `velda-droplet-${droplet!.id}`, host: address(droplet!.id), user: process.env.USER || 'root', port: sim.hosts?.port ?? 22, identityFile: key},
      {knownHosts: join(dir, 'known_hosts'), connectTimeoutSeconds: 5, batch: true},
      [],
    )
    const terminal = runProgramOnPty(['ssh', '-tt', '-o', 'LogLevel=ERROR', ...args], {}, {stdout: 'terminal'})
    // Computed output ($((6*7)) prints 42), so that the terminal's echo of what is typed never matches. The marker
    // is printed by the job that then becomes the sleep (exec): once it shows, Ctrl-C reaches the foreground job. A
    // marker printed by the shell before it starts the job would let a Ctrl-C typed at once land on the shell while
    // it starts the job (on a busy machine), and the sleep would never hear of it.
    terminal.type("sh -c 'echo $((6*7))ready; exec sleep 600'; echo $((7*7))late\r")
    await terminal.waitFor(/42ready/)
    terminal.type(CTRL_C)
    terminal.type('echo $((5*5))back\r')
    // Only an interrupted sleep (600 s) lets this come before the test's timeout, which allows a busy machine its minute.
    await terminal.waitFor(/25back/)
    terminal.type('exit\r')
    expect((await terminal.exited).status).toBe(0)
    expect(terminal.screen()).not.toMatch(/49late|Cannot set tty process group/)
  })

  it('a command reads what the client sends; deleting the droplet ends the commands still running on its host', async () => {
    const [droplet] = sim.seedDroplets({count: 1, namePrefix: 'velda-5e55e55e-'})
    await sim.hostsReady()
    const upper = await ssh(droplet!, address(droplet!.id), 'tr a-z A-Z', {input: 'typed on the client\n'})
    expect([upper.status, upper.stdout]).toEqual([0, 'TYPED ON THE CLIENT\n'])
    // Ten minutes, in a shell of its own, unless the host ends it: a host left running would time the test out.
    let started: () => void = () => undefined
    const running = new Promise<void>((resolve) => (started = resolve))
    const long = ssh(droplet!, address(droplet!.id), 'echo started; sh -c "sleep 600"; echo not ended', {onOutput: (out) => out.includes('started') && started()})
    await running
    await fetch(`${sim.url}/v2/droplets/${droplet!.id}`, {method: 'DELETE', headers: {authorization: `Bearer ${sim.token}`}})
    const ended = await long
    expect(ended.stdout).toBe('started\n')
    expect(ended.stderr).toBe('')
    expect(ended.status).not.toBe(0)
  })
})
