import {afterEach, describe, expect, it} from 'vitest'
import {parse as parseYaml} from 'yaml'

import {BOOT_STATUS_PATH, parseBootStatus} from '../../src/lib/boot/status.js'
import {healthOf, parseProbe, PROBE_SCRIPT} from '../../src/lib/ssh/probe.js'
import {agentConfigDocument, renderAgentConfig} from '../../src/lib/userdata/agent-config.js'
import {renderUserData} from '../../src/lib/userdata/render.js'
import {agentBinaryUrl, AGENT_SERVICE_URL, NVIDIA_COLLECT_URL, TAILSCALE_INSTALL_URL} from '../../src/lib/userdata/urls.js'
import {AGENT_VERSION, BROKER, HOSTILE_TEXT, shapePool} from '../support/pools.js'
import {Sandbox, SANDBOX_HOSTNAME, type SandboxOptions, type StubCall} from '../support/sandbox.js'
import {FAKE_TAILSCALE_KEY} from '../support/secrets.js'
import {haveTool} from '../support/tools.js'

const canSandbox = haveTool('bwrap', 'bubblewrap', 'running the boot script in a sandbox') && Sandbox.canRun()

const AMD_SMI_METRIC = ['metric', '--usage', '--power', '--temperature', '--ecc', '--mem-usage', '--json']

function argsOf(calls: StubCall[], program: string): string[][] {
  return calls.filter((c) => c.program === program).map((c) => c.args)
}

function downloads(calls: StubCall[]): string[] {
  return argsOf(calls, 'curl').map((args) => args[args.length - 1] ?? '')
}

describe.runIf(canSandbox)('the boot script, executed in a sandbox with recording stubs', () => {
  let sandbox: Sandbox | undefined
  afterEach(() => sandbox?.dispose())

  function boot(shape: string, options: SandboxOptions = {tailscaleInstalled: false}) {
    const pool = shapePool(shape)
    const script = renderUserData({pool, brokerAddress: BROKER, agentVersion: AGENT_VERSION, secrets: 'reveal'})
    sandbox = new Sandbox(options)
    const run = sandbox.run(script)
    expect(run.status, run.output).toBe(0)
    return {pool, script, box: sandbox, calls: sandbox.calls(), output: run.output}
  }

  it('sets up a CPU droplet: packages, agent.yaml, agent binary, systemd unit, no GPU or Tailscale step', () => {
    const {pool, box, calls} = boot('cpu')
    expect(box.readFile('/etc/velda/agent.yaml')).toBe(renderAgentConfig(pool, BROKER))
    expect(parseYaml(box.readFile('/etc/velda/agent.yaml'))).toEqual({broker: {address: BROKER}, pool: 'cpu'})
    expect(box.mode('/etc/velda/agent.yaml')).toBe(0o600)
    expect(box.mode('/etc/velda')).toBe(0o755)
    expect(argsOf(calls, 'apt-get')).toEqual([
      ['-o', 'DPkg::Lock::Timeout=600', '-q', 'update'],
      ['-o', 'DPkg::Lock::Timeout=600', '-q', 'install', '-y', '--no-install-recommends', 'curl', 'nfs-common'],
    ])
    expect(downloads(calls)).toEqual([agentBinaryUrl(AGENT_VERSION), AGENT_SERVICE_URL])
    expect(box.mode('/bin/velda')).toBe(0o755)
    expect(box.readFile('/bin/velda')).toContain(`velda version ${AGENT_VERSION}`)
    expect(box.readFile('/usr/lib/systemd/system/velda-agent.service')).toContain('[Unit]')
    expect(argsOf(calls, 'systemctl')).toEqual([['daemon-reload'], ['enable', 'velda-agent.service'], ['restart', '--no-block', 'velda-agent.service']])
    expect(calls.some((c) => ['amd-smi', 'nvidia-smi', 'rocm-smi', 'tailscale'].includes(c.program))).toBe(false)
    expect(box.exists('/etc/velda/init.done')).toBe(true)
    const status = parseBootStatus(box.readFile(BOOT_STATUS_PATH))
    expect(status).toMatchObject({phase: 'done', step: 'done', exit_code: null, gpu: {vendor: 'none', check: 'skipped'}, agent_version: AGENT_VERSION, log_tail: []})
    expect(Date.parse(status.finished_at ?? '')).toBeGreaterThanOrEqual(Date.parse(status.started_at))
    expect(box.mode(BOOT_STATUS_PATH)).toBe(0o644)
  })

  it('answers pool status\'s probe, run by sh on the booted machine: healthy, with the log\'s last lines', () => {
    const {box} = boot('cpu')
    const probe = box.run(`#!/bin/sh\n${PROBE_SCRIPT}\n`)
    expect(probe.status).toBe(0)
    const parsed = parseProbe(probe.output)
    expect(parsed).toMatchObject({boot: {phase: 'done', step: 'done'}, agent: 'active', cloudInit: null})
    expect(parsed.logTail).toHaveLength(5)
    expect(parsed.logTail.at(-1)).toMatch(/done: the Velda agent is starting$/)
    expect(healthOf(parsed)).toEqual({health: 'healthy', detail: 'agent active'})
  })

  it('on an AMD GPU droplet checks ROCm, installs Tailscale and joins with the key intact', () => {
    const {calls, box} = boot('amd-gpu-tailscale')
    // list to log what it sees, then metric for the GPU sampler's first sample (test/userdata/gpu-sampler.test.ts).
    expect(argsOf(calls, 'amd-smi')).toEqual([['list'], AMD_SMI_METRIC])
    expect(parseBootStatus(box.readFile(BOOT_STATUS_PATH))).toMatchObject({phase: 'done', gpu: {vendor: 'amd', check: 'ok'}})
    expect(downloads(calls)).toContain(TAILSCALE_INSTALL_URL)
    expect(downloads(calls)).not.toContain(NVIDIA_COLLECT_URL)
    expect(argsOf(calls, 'tailscale')).toEqual([
      ['up', `--authkey=${FAKE_TAILSCALE_KEY}`, '--login-server=https://headscale.example.com', '--accept-routes', `--hostname=${SANDBOX_HOSTNAME}`],
    ])
  })

  it('on an NVIDIA GPU droplet runs nvidia-smi and the collection step, and uses an installed Tailscale', () => {
    const {calls} = boot('nvidia-gpu-tailscale-default-server', {tailscaleInstalled: true})
    expect(argsOf(calls, 'nvidia-smi')).toEqual([[]])
    expect(argsOf(calls, 'nvidia-collect.sh')).toEqual([[]])
    expect(downloads(calls)).toContain(NVIDIA_COLLECT_URL)
    expect(downloads(calls)).not.toContain(TAILSCALE_INSTALL_URL)
    expect(argsOf(calls, 'tailscale')).toEqual([['up', `--authkey=${FAKE_TAILSCALE_KEY}`, '--accept-routes', `--hostname=${SANDBOX_HOSTNAME}`]])
  })

  it('on a GPU size it cannot classify looks at the hardware: ROCm tools present, so the AMD check', () => {
    const {calls} = boot('unknown-gpu')
    expect(argsOf(calls, 'amd-smi')).toEqual([['list'], AMD_SMI_METRIC])
    expect(calls.some((c) => c.program === 'nvidia-smi' || c.program === 'tailscale')).toBe(false)
    expect(downloads(calls)).not.toContain(NVIDIA_COLLECT_URL)
  })

  it('writes an agent_config full of quotes, $, backticks and newlines exactly', () => {
    const {pool, box} = boot('hostile-agent-config')
    const written = parseYaml(box.readFile('/etc/velda/agent.yaml')) as Record<string, unknown>
    expect(written).toEqual(agentConfigDocument(pool, BROKER))
    expect(written.session).toBe(HOSTILE_TEXT)
  })

  it('writes raw agent_config_content exactly, even a line equal to the heredoc delimiter', () => {
    const {pool, box} = boot('raw-agent-config-content')
    expect(box.readFile('/etc/velda/agent.yaml')).toBe(pool.agentConfigContent)
  })

  it('changes nothing when run a second time, and says so in the log even when the log writer lags', () => {
    const {script, box} = boot('amd-gpu-tailscale', {tailscaleInstalled: false, laggingLog: true})
    const callsBefore = box.calls()
    const filesBefore = box.snapshot(['velda-bootstrap.log'])
    const second = box.run(script)
    expect(second.status).toBe(0)
    expect(box.calls()).toEqual(callsBefore)
    expect(box.snapshot(['velda-bootstrap.log'])).toEqual(filesBefore)
    expect(box.readFile('/var/log/velda-bootstrap.log')).toContain('already initialised')
  })

  it('skips what is already there when re-run after an interrupted first boot', () => {
    const {script, box, pool} = boot('cpu')
    box.remove('/etc/velda/init.done')
    const callsBefore = box.calls().length
    expect(box.run(script).status).toBe(0)
    const rerun = box.calls().slice(callsBefore)
    expect(rerun.filter((c) => c.program === 'apt-get' || c.program === 'curl')).toEqual([])
    expect(box.readFile('/etc/velda/agent.yaml')).toBe(renderAgentConfig(pool, BROKER))
    expect(box.exists('/etc/velda/init.done')).toBe(true)
  })

  it('on a GPU size without any GPU tool boots, and says the GPU check found no tool', () => {
    const {box} = boot('amd-gpu-tailscale', {tailscaleInstalled: true, missing: ['amd-smi', 'rocm-smi']})
    expect(parseBootStatus(box.readFile(BOOT_STATUS_PATH))).toMatchObject({phase: 'done', gpu: {vendor: 'amd', check: 'missing'}})
  })

  it('fails loudly when the agent download fails: a log line, and the status file names the step, exit code and log tail', () => {
    const pool = shapePool('cpu')
    const script = renderUserData({pool, brokerAddress: BROKER, agentVersion: 'missing', secrets: 'reveal'})
      .replace(agentBinaryUrl('missing'), 'https://releases.velda.io/not-there')
    sandbox = new Sandbox({tailscaleInstalled: false})
    const run = sandbox.run(script)
    expect(run.status).toBe(22)
    expect(sandbox.readFile('/var/log/velda-bootstrap.log')).toMatch(/FAILED in step agent at line \d+ \(exit code 22\)/)
    expect(sandbox.exists('/etc/velda/init.done')).toBe(false)
    const status = parseBootStatus(sandbox.readFile(BOOT_STATUS_PATH))
    expect(status).toMatchObject({phase: 'failed', step: 'agent', exit_code: 22})
    expect(status.log_tail.at(-2)).toBe('curl: (22) The requested URL returned error: 404')
    expect(status.log_tail.at(-1)).toMatch(/FAILED in step agent at line \d+ \(exit code 22\)$/)
  })

  it('waits for the log writer at the end: a lagging one still gets the FAILED line into the log and the status file', () => {
    const pool = shapePool('cpu')
    const script = renderUserData({pool, brokerAddress: BROKER, agentVersion: 'missing', secrets: 'reveal'})
      .replace(agentBinaryUrl('missing'), 'https://releases.velda.io/not-there')
    sandbox = new Sandbox({tailscaleInstalled: false, laggingLog: true})
    expect(sandbox.run(script).status).toBe(22)
    expect(sandbox.readFile('/var/log/velda-bootstrap.log').trimEnd().split('\n').at(-1)).toMatch(/FAILED in step agent at line \d+ \(exit code 22\)$/)
    expect(parseBootStatus(sandbox.readFile(BOOT_STATUS_PATH)).log_tail.at(-1)).toMatch(/FAILED in step agent at line \d+ \(exit code 22\)$/)
  })

  it.each([
    ['packages', {'apt-get': 'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 1234 (unattended-upgr)'}, 'cpu', 1, /could not install curl nfs-common/],
    ['tailscale', {tailscale: 'backend error: invalid key: unable to validate API key'}, 'amd-gpu-tailscale', 1, /backend error: invalid key/],
    ['service', {systemctl: 'Failed to enable unit: Unit file velda-agent.service does not exist.'}, 'cpu', 1, /Failed to enable unit/],
  ] as const)('a failure in step %s: exit code, status file with that step and the log tail', (step, failing, shape, code, tail) => {
    const pool = shapePool(shape)
    sandbox = new Sandbox({tailscaleInstalled: true, failing})
    const run = sandbox.run(renderUserData({pool, brokerAddress: BROKER, agentVersion: AGENT_VERSION, secrets: 'reveal'}))
    expect(run.status).toBe(code)
    const status = parseBootStatus(sandbox.readFile(BOOT_STATUS_PATH))
    expect(status).toMatchObject({phase: 'failed', step, exit_code: code})
    expect(status.log_tail.join('\n')).toMatch(tail)
    // The key Tailscale refused never reaches the status file that SSH users read.
    expect(sandbox.readFile(BOOT_STATUS_PATH)).not.toContain(FAKE_TAILSCALE_KEY)
    expect(sandbox.exists('/etc/velda/init.done')).toBe(false)
  })
})
